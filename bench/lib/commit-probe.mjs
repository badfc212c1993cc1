// MariaDB's own commit latency while a load runs: one connection of its own inserts a row and commits every
// few milliseconds, and keeps when each commit started and how long it took. A slow request that lines up
// with a slow probe commit was held up by the database or its disk; one during which the probe's commits
// stayed fast was held up in the server (or the load generator: see the open loop's clientStallMs).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const TABLE = 'bench_commit_probe';

/** Runs `work` with the probe committing every `everyMs`; adds `commitProbe` to what `work` returns. */
export async function withCommitProbe(connection, work, everyMs = 25) {
  await connection.query(
    `CREATE TABLE IF NOT EXISTS ${TABLE} (id BIGINT AUTO_INCREMENT PRIMARY KEY, at BIGINT NOT NULL) ENGINE = InnoDB`,
  );
  const commits = [];
  let running = true;
  const probe = (async () => {
    while (running) {
      const at = performance.now();
      await connection.query(`INSERT INTO ${TABLE} (at) VALUES (?)`, [Date.now()]);
      const ms = performance.now() - at;
      commits.push({ at, ms });
      if (ms < everyMs) await sleep(everyMs - ms);
    }
  })();
  let run;
  try {
    run = await work();
  } finally {
    running = false;
    await probe;
  }
  const sorted = commits.map((c) => c.ms).sort((a, b) => a - b);
  const round = (ms) => Math.round(ms * 100) / 100;
  run.commitProbe = {
    commits: commits.length,
    p99Ms: round(sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? 0),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
  };
  // The slowest probe commit in flight while the run's slowest request was (open loop only).
  if (run.slowest) {
    const { due, ms } = run.slowest;
    const during = commits.filter((c) => c.at <= due + ms && c.at + c.ms >= due);
    run.slowest = {
      ms: round(ms),
      // null: no probe commit was under way then (one starts every everyMs).
      commitProbeMs: during.length ? round(Math.max(...during.map((c) => c.ms))) : null,
    };
  }
  return run;
}
