// HTTP load for the benchmarks: undici's connection pool, a closed loop (N requests in flight at once)
// and an open loop (requests started at a fixed rate, whatever the answers do), with every latency kept
// so that percentiles are exact.
//
// Why not autocannon: a till's requests depend on earlier answers (a card code lives 30–60 s and must be
// scanned within that time, a checkout token comes from the scan), and autocannon's fixed rate waits for
// free connections, so a slow answer delays the next request and hides itself (coordinated omission).
// Here an open-loop latency is measured from the moment the request was due, not from when it was sent.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'undici';

export function httpPool(baseUrl, connections) {
  return new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
}

/**
 * One JSON request. Resolves with the status and the parsed body; never throws for an HTTP status, only
 * for a connection failure (counted as an error by the loops).
 */
export async function call(pool, method, path, { token, body, idempotencyKey, headers = {} } = {}) {
  const sent = { ...headers };
  if (token) sent.authorization = `Bearer ${token}`;
  if (idempotencyKey) sent['idempotency-key'] = idempotencyKey;
  let payload;
  if (body !== undefined) {
    sent['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await pool.request({ method, path, headers: sent, body: payload, headersTimeout: 30_000 });
  const text = await response.body.text();
  let parsed = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.statusCode, body: parsed };
}

/** Exact percentiles (nearest rank) of latencies in ms. */
export function percentiles(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  const at = (p) =>
    sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  const round = (ms) => (ms === null ? null : Math.round(ms * 100) / 100);
  return {
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted.length === 0 ? null : sorted[sorted.length - 1]),
  };
}

function tally(statuses, status) {
  statuses[status] = (statuses[status] ?? 0) + 1;
}

function report({ started, latencies, statuses, errors, expected }) {
  const seconds = (performance.now() - started) / 1000;
  const count = latencies.length;
  const ok = [expected].flat().reduce((sum, status) => sum + (statuses[status] ?? 0), 0);
  return {
    requests: count,
    ok,
    seconds: Math.round(seconds * 1000) / 1000,
    // Throughput counts the answers with an expected status only (one, or a list): a fast error is no work done.
    perSecond: Math.round(ok / seconds),
    latencyMs: percentiles(latencies),
    statuses,
    errors,
    /** Every latency, for merging runs; not for the saved results. */
    latencies,
  };
}

/**
 * A closed loop: `concurrency` workers, each sending its next request as soon as the previous one is
 * answered, until `count` requests were sent. `send(i)` makes request i and resolves with its status.
 */
export async function closedLoop({ concurrency, count, send, expected }) {
  const latencies = [];
  const statuses = {};
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next;
      next += 1;
      const at = performance.now();
      try {
        tally(statuses, await send(i));
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - at);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { concurrency, ...report({ started, latencies, statuses, errors, expected }) };
}

/**
 * An open loop: request i is due at start + i / rate and is sent then, however many are still in
 * flight; its latency runs from when it was due. `seconds` long; `send(i)` as for closedLoop.
 */
export async function openLoop({ rate, seconds, send, expected }) {
  const count = Math.round(rate * seconds);
  const latencies = [];
  const statuses = {};
  let errors = 0;
  let maxInFlight = 0;
  let inFlight = 0;
  // When the slowest request was due (performance.now()) and how long it took: to line up with other probes.
  let slowest = { due: 0, ms: -1 };
  // This process's own stalls (its garbage collector, a busy core) delay requests too; they are measured.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const started = performance.now();
  const pending = [];
  for (let i = 0; i < count; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    pending.push(
      send(i)
        .then((status) => tally(statuses, status))
        .catch(() => (errors += 1))
        .finally(() => {
          inFlight -= 1;
          const ms = performance.now() - due;
          latencies.push(ms);
          if (ms > slowest.ms) slowest = { due, ms };
        }),
    );
  }
  await Promise.all(pending);
  loopDelay.disable();
  const clientStallMs = {
    p99: Math.round(loopDelay.percentile(99) / 1e4) / 100,
    max: Math.round(loopDelay.max / 1e4) / 100,
  };
  return { rate, ...report({ started, latencies, statuses, errors, expected }), maxInFlight, clientStallMs, slowest };
}
