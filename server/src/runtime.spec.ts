import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isLoopbackHost, logLongGcPauses, tuneGarbageCollector } from './runtime';

/** A full collection on demand (what `--expose-gc` gives), for this test process only. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('garbage collection', () => {
  it('logs each pause at least as long as the threshold, with its kind and length, until stopped', async () => {
    const lines: Array<{ fields: { gc: string; ms: number }; message: string }> = [];
    const logger = { info: (fields: { gc: string; ms: number }, message: string) => lines.push({ fields, message }) };
    const stop = logLongGcPauses(logger as never, 0);
    collectGarbage();
    await until(() => lines.some((line) => line.fields.gc === 'major'));
    const major = lines.find((line) => line.fields.gc === 'major');
    expect(major?.message).toBe('garbage collection pause');
    expect(major?.fields.ms).toBeGreaterThan(0);

    stop();
    const seen = lines.length;
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines).toHaveLength(seen);
  });

  it('leaves out pauses shorter than the threshold', async () => {
    const lines: unknown[] = [];
    const stop = logLongGcPauses({ info: (fields: unknown) => lines.push(fields) } as never, 60_000);
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 100));
    stop();
    expect(lines).toEqual([]);
  });

  it('grows the heap by 300% between full collections unless the command line chose a growth', () => {
    expect(tuneGarbageCollector(['--heap-growing-percent=50'])).toBe(false);
    expect(tuneGarbageCollector([])).toBe(true);
  });
});

describe('the listening address', () => {
  it.each(['127.0.0.1', '127.8.0.1', '::1', 'localhost'])('%s keeps the server to this machine', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'huika.example.com', '127.0.0.1.example.com'])(
    '%s reaches beyond it',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});
