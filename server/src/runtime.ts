import { PerformanceObserver, constants } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import type { Logger } from 'pino';

/**
 * When its collections are quick, V8 lets the old generation grow by as little as 10% before the next full
 * mark-compact. Under a till's steady load that is one every 7–10 s, and each stalls every request in flight
 * for 50–150 ms on a 2-core machine (docs/PERFORMANCE.md). Growing it to 4× what survived puts them one to
 * two minutes apart, for about 200 MB more memory. `node --heap-growing-percent=N server/dist/main.js`
 * chooses otherwise.
 */
export function tuneGarbageCollector(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return false;
  setFlagsFromString('--heap-growing-percent=300');
  return true;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** A garbage-collection pause of at least this long is logged: every request in flight waited for it. */
export const LONG_GC_PAUSE_MS = 10;

/**
 * Logs each garbage-collection pause of `thresholdMs` or more (a request that was slow for no reason of its
 * own shows up next to one). Returns a function that stops it.
 */
export function logLongGcPauses(logger: Pick<Logger, 'info'>, thresholdMs = LONG_GC_PAUSE_MS): () => void {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration < thresholdMs) continue;
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      logger.info(
        { gc: (kind !== undefined && GC_KINDS[kind]) || 'other', ms: Math.round(entry.duration * 100) / 100 },
        'garbage collection pause',
      );
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}

/** Whether listening on `host` (HOST) keeps the server to this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
