import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket, connect } from 'node:net';
import mysql from 'mysql2/promise';
import { MYSQL_SERVER_URL } from '../harness/database';
import { sleep } from './support';

/** How to take the database away from a server and give it back. */
export interface DatabaseSwitch {
  /** `stop-mariadb`: the machine's MariaDB itself; `proxy`: a TCP proxy in front of it is cut. */
  mode: 'stop-mariadb' | 'proxy';
  /** Rewrites a database URL so the server connects through this switch. */
  route(url: string): string;
  down(): Promise<void>;
  up(): Promise<void>;
  /** Brings the database back whatever happened, and waits until it accepts connections. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

const MARIADBD = '/usr/sbin/mariadbd';

function run(command: string, args: string[], timeoutMs = 90_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}${error.message}` });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export async function mariaDbAccepts(): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: MYSQL_SERVER_URL, connectTimeout: 2_000 });
    await connection.query('SELECT 1');
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

export async function waitForMariaDb(accepting: boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await mariaDbAccepts()) !== accepting) {
    if (Date.now() > deadline)
      throw new Error(`MariaDB did not ${accepting ? 'come back' : 'stop'} in ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Why this machine's MariaDB cannot be stopped and started here, or null when it can. */
export function cannotControlMariaDb(): string | null {
  if (process.env.HUIKA_TEST_MYSQL_URL) return 'HUIKA_TEST_MYSQL_URL names a MariaDB this test does not run';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root';
  if (!existsSync(MARIADBD)) return `${MARIADBD} is not installed`;
  return null;
}

async function startMariaDb(): Promise<void> {
  mkdirSync('/run/mysqld', { recursive: true });
  await run('chown', ['mysql:mysql', '/run/mysqld']);
  const started = await run('start-stop-daemon', [
    '--start',
    '--oknodo',
    '--background',
    '--exec',
    MARIADBD,
    '--',
    '--user=mysql',
  ]);
  if (started.code !== 0) throw new Error(`start-stop-daemon --start: ${started.output}`);
}

/** The machine's MariaDB, stopped and started for real (the test runs as root, like `npm test` here). */
export function stopMariaDbSwitch(): DatabaseSwitch {
  let stopped = false;
  return {
    mode: 'stop-mariadb',
    route: (url) => url,
    down: async () => {
      stopped = true;
      const shutdown = await run('mariadb-admin', ['-uroot', 'shutdown'], 60_000);
      if (shutdown.code !== 0) {
        await run('start-stop-daemon', ['--stop', '--retry', '30', '--exec', MARIADBD], 60_000);
      }
      await waitForMariaDb(false, 30_000);
    },
    up: async () => {
      await startMariaDb();
      await waitForMariaDb(true, 60_000);
      stopped = false;
    },
    restore: async () => {
      if (stopped || !(await mariaDbAccepts())) await startMariaDb();
      await waitForMariaDb(true, 60_000);
      stopped = false;
    },
    close: async () => undefined,
  };
}

/**
 * A TCP proxy in front of MariaDB: `down` closes it and cuts every connection through it (to the server it looks
 * like a stopped database: refused connections, lost connections), `up` listens again. For machines whose
 * MariaDB is shared with other work (HUIKA_FAULT_OUTAGE=proxy).
 */
export async function proxySwitch(): Promise<DatabaseSwitch> {
  const target = new URL(MYSQL_SERVER_URL);
  const targetPort = Number(target.port || 3306);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    const next = createServer((client) => {
      const upstream = connect(targetPort, target.hostname);
      sockets.add(client);
      sockets.add(upstream);
      const close = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => next.listen(port, '127.0.0.1', resolve));
    const address = next.address();
    port = typeof address === 'object' && address ? address.port : port;
    server = next;
  };
  const cut = async () => {
    const current = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  await listen();
  return {
    mode: 'proxy',
    route: (url) => {
      const routed = new URL(url);
      routed.port = String(port);
      return routed.toString();
    },
    down: cut,
    up: listen,
    restore: async () => {
      if (!server) await listen();
    },
    close: cut,
  };
}
