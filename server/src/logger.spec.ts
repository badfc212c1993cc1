import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, LOG_BUFFER_BYTES, LOG_FLUSH_MS } from './logger';

/** The complete lines written so far (a write still under way may have left half of one). */
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as { msg: string; n?: number });

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('createLogger', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'huika-log-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds a few lines back for one write', async () => {
    const file = join(dir, 'out.log');
    const logger = createLogger({ logLevel: 'info', logPretty: false }, file, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the file is opened asynchronously
    logger.info({ n: 1 }, 'request');
    logger.info({ n: 2 }, 'request');
    // Long enough for a write of its own to land.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readFileSync(file, 'utf8')).toBe('');
    logger.flush();
    await until(() => lines(file).length === 2, 1_000);
    expect(lines(file).map((line) => line.n)).toEqual([1, 2]);
  });

  it('writes what is held back within the flush interval', async () => {
    const file = join(dir, 'out.log');
    const logger = createLogger({ logLevel: 'info', logPretty: false }, file);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    logger.info({ n: 1 }, 'request');
    await until(() => lines(file).length === 1, LOG_FLUSH_MS * 4);
    expect(Date.now() - started).toBeLessThan(LOG_FLUSH_MS * 4);
  });

  it('writes as soon as a buffer’s worth is pending, without waiting for the interval', async () => {
    const file = join(dir, 'out.log');
    const logger = createLogger({ logLevel: 'info', logPretty: false }, file);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const filler = 'x'.repeat(200);
    const count = Math.ceil(LOG_BUFFER_BYTES / filler.length) + 1;
    for (let n = 0; n < count; n += 1) logger.info({ n, filler }, 'request');
    // Well before the periodic flush: the buffer filled, so the write is already under way.
    await until(() => lines(file).length > 0, LOG_FLUSH_MS / 2);
    await until(() => lines(file).length === count, LOG_FLUSH_MS * 4);
    expect(lines(file).map((line) => line.n)).toEqual(Array.from({ length: count }, (_, n) => n));
  });
});
