import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

export const GALERA_PROVIDER = '/usr/lib/galera/libgalera_smm.so';
const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

export interface GaleraNode {
  index: number;
  port: number;
  /** A root URL for this node, without a database. */
  url: string;
  /** False after kill(). */
  running: boolean;
}

export interface GaleraCluster {
  nodes: GaleraNode[];
  /** The DATABASE_URL of `database` on node `index`. */
  databaseUrl(index: number, database: string): string;
  /** kill -9 of one node's mariadbd. */
  kill(index: number): Promise<void>;
  /** Stops every node still running and removes the data directories. */
  stop(): Promise<void>;
  /** Milliseconds from the first data directory to a synced cluster. */
  startMs: number;
}

export interface ClusterOptions {
  size?: number;
  /** Node n listens on basePort + n (SQL); Galera's group, IST and SST ports follow from it. */
  basePort?: number;
  timeoutMs?: number;
}

/** Whether this machine can run a cluster: Debian's galera-4 and MariaDB's server binaries. */
export function galeraAvailable(): boolean {
  return existsSync(GALERA_PROVIDER) && existsSync(MARIADBD) && existsSync(INSTALL_DB);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Galera's state transfer (rsync) runs as the server's user: a data directory it cannot write fails. */
function mysqlOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'mysql']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'mysql']).toString().trim());
  return { uid, gid };
}

function chownTree(path: string, owner: { uid: number; gid: number }): void {
  chownSync(path, owner.uid, owner.gid);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), owner);
}

async function status(url: string, name: string): Promise<string | undefined> {
  const connection = await mysql.createConnection({ uri: url, connectTimeout: 1000 });
  try {
    const [rows] = await connection.query('SHOW GLOBAL STATUS LIKE ?', [name]);
    return (rows as { Value: string }[])[0]?.Value;
  } finally {
    await connection.end();
  }
}

async function synced(url: string, size: number): Promise<boolean> {
  try {
    return (
      (await status(url, 'wsrep_local_state_comment')) === 'Synced' &&
      Number(await status(url, 'wsrep_cluster_size')) === size
    );
  } catch {
    return false;
  }
}

/**
 * A Galera cluster on this machine, for tests: `size` MariaDB servers with their own data directories under a
 * temp folder, on their own ports (never the machine's MariaDB on 3306). Only node 1 is initialised
 * (mariadb-install-db); it bootstraps the cluster and the others join with an rsync state transfer, which
 * copies its data directory. Resolves once every node is Synced and the cluster has `size` members.
 * The servers are small (64 MB buffer pool, 48 MB redo log, no binary log) for a shared machine.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<GaleraCluster> {
  const started = Date.now();
  const size = options.size ?? 3;
  const basePort = options.basePort ?? 3310;
  const deadline = started + (options.timeoutMs ?? 90_000);
  const root = mkdtempSync(join(tmpdir(), 'huika-galera-'));
  const owner = mysqlOwner();
  const processes: (ChildProcess | undefined)[] = [];
  const nodes: GaleraNode[] = [];
  const group = Array.from({ length: size }, (_, i) => `127.0.0.1:${basePort + 1260 + i + 1}`).join(',');
  let logs = '';

  const dataDir = (n: number) => join(root, `node${n}`);
  for (let n = 1; n <= size; n += 1) mkdirSync(dataDir(n));
  if (owner) chownTree(root, owner);
  execFileSync(INSTALL_DB, [
    '--no-defaults',
    ...(owner ? ['--user=mysql'] : []),
    `--datadir=${dataDir(1)}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--innodb-log-file-size=48M',
  ]);

  const startNode = (n: number) => {
    const port = basePort + n;
    const child = spawn(
      MARIADBD,
      [
        '--no-defaults',
        ...(owner ? ['--user=mysql'] : []),
        `--datadir=${dataDir(n)}`,
        `--port=${port}`,
        `--socket=${join(root, `node${n}.sock`)}`,
        `--pid-file=${join(root, `node${n}.pid`)}`,
        '--bind-address=127.0.0.1',
        '--skip-name-resolve',
        '--performance-schema=OFF',
        '--innodb-buffer-pool-size=64M',
        '--innodb-log-file-size=48M',
        '--max-connections=200',
        '--wsrep-on=ON',
        `--wsrep-provider=${GALERA_PROVIDER}`,
        `--wsrep-cluster-address=gcomm://${group}`,
        '--wsrep-cluster-name=huika-test',
        '--wsrep-node-address=127.0.0.1',
        `--wsrep-node-name=node${n}`,
        `--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${basePort + 1260 + n};ist.recv_addr=127.0.0.1:${basePort + 1270 + n};gcache.size=32M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S`,
        '--wsrep-sst-method=rsync',
        `--wsrep-sst-receive-address=127.0.0.1:${basePort + 1280 + n}`,
        '--wsrep-slave-threads=2',
        '--binlog-format=ROW',
        '--innodb-autoinc-lock-mode=2',
        ...(n === 1 ? ['--wsrep-new-cluster'] : []),
      ],
      // Its own process group, so that stopping it stops the state-transfer scripts it started too.
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    processes[n - 1] = child;
    nodes[n - 1] = { index: n - 1, port, url: `mysql://root@127.0.0.1:${port}`, running: true };
  };

  const signal = (n: number, name: NodeJS.Signals) => {
    const child = processes[n];
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, name);
      } catch {
        // gone already
      }
    }
  };
  const exited = (n: number) =>
    new Promise<void>((resolve) => {
      const child = processes[n];
      if (!child || child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });

  const stop = async () => {
    await Promise.all(
      nodes.map(async (node, n) => {
        signal(n, 'SIGTERM');
        const forced = setTimeout(() => signal(n, 'SIGKILL'), 20_000);
        await exited(n);
        clearTimeout(forced);
        node.running = false;
      }),
    );
    rmSync(root, { recursive: true, force: true });
  };

  const waitFor = async (what: string, ready: () => Promise<boolean>) => {
    while (!(await ready())) {
      const dead = processes.findIndex((child) => child && (child.exitCode !== null || child.signalCode !== null));
      if (dead >= 0 || Date.now() > deadline) {
        await stop();
        throw new Error(`the Galera cluster did not come up (${what}):\n${logs.slice(-4000)}`);
      }
      await sleep(200);
    }
  };

  try {
    startNode(1);
    await waitFor('node 1 bootstraps', () => synced(nodes[0]!.url, 1));
    // The joiners together: each receives its own state transfer from node 1.
    for (let n = 2; n <= size; n += 1) startNode(n);
    await waitFor(`${size} nodes synced`, async () => {
      for (const node of nodes) if (!(await synced(node.url, size))) return false;
      return true;
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    nodes,
    startMs: Date.now() - started,
    databaseUrl: (index, database) => `${nodes[index]!.url}/${database}`,
    kill: async (index) => {
      signal(index, 'SIGKILL');
      await exited(index);
      nodes[index]!.running = false;
    },
    stop,
  };
}
