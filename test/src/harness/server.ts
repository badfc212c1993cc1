import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { freshDatabase, type FreshDatabase, TEST_DB, type DbKind } from './database';
import { TEST_KEYS } from './cli';
import { REPO_ROOT, SERVER_MAIN } from './paths';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  baseUrl: string;
  port: number;
  database: FreshDatabase;
  process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGTERM and wait for a clean exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

export interface ServerOptions {
  db?: DbKind;
  /** Reuse a database (for restarts and several instances). */
  database?: FreshDatabase;
  /** Added to the defaults; `undefined` leaves a default variable out. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** Starts the built server (`server/dist/main.js`) as its own process on a free port and waits until it is healthy. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const database = options.database ?? freshDatabase(options.db ?? TEST_DB);
  const port = await freePort();
  let output = '';
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    HUIKA_DEV: 'true',
    HUIKA_DEMO: 'true',
    HUIKA_ADMIN_PASSWORD: 'admin-password',
    // The same keys as the `huika` command's, so that both may work on one database.
    ...TEST_KEYS,
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    ...options.env,
  };
  const child = spawn(process.execPath, [SERVER_MAIN], {
    cwd: REPO_ROOT,
    env: Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not become healthy in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    port,
    database,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
