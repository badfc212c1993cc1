// What every benchmark shares: connections to MariaDB, set up as a production server would be, the facts of the
// machine a result was measured on, and a free port for a server of its own.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import mysql from 'mysql2/promise';

/** The MariaDB server the benchmarks use (the tests' variable), without a database. */
export const MYSQL_URL = (process.env.HUIKA_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

/**
 * MariaDB's Unix socket, when MariaDB runs on this machine: the server, the CLI and the baselines all connect
 * through it, as a deployment with the database on the same host would (cheaper per statement than TCP on
 * loopback, the same for both sides of a comparison). HUIKA_BENCH_TCP=true measures over TCP instead.
 */
const SOCKET = process.env.HUIKA_BENCH_MYSQL_SOCKET ?? '/run/mysqld/mysqld.sock';
export const MYSQL_SOCKET =
  process.env.HUIKA_BENCH_TCP !== 'true' &&
  /^mysql:\/\/[^/]*@?(127\.0\.0\.1|localhost)(:\d+)?$/.test(MYSQL_URL) &&
  existsSync(SOCKET)
    ? SOCKET
    : undefined;

/** The server's DATABASE_URL for `database`. */
export function databaseUrl(database) {
  return `${MYSQL_URL}/${database}${MYSQL_SOCKET ? `?socket=${MYSQL_SOCKET}` : ''}`;
}

/** mysql2 options reaching `database` ('' for none) the way the server does. */
export function mysqlOptions(database) {
  return {
    uri: database ? `${MYSQL_URL}/${database}` : MYSQL_URL,
    ...(MYSQL_SOCKET ? { socketPath: MYSQL_SOCKET } : {}),
  };
}

/** A connection to `database` ('' for none), with the server's settings: numbers as numbers, UTC, utf8mb4. */
export function connect(database) {
  return mysql.createConnection({
    ...mysqlOptions(database),
    supportBigNumbers: true,
    bigNumberStrings: false,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
  });
}

const MIB = 1024 ** 2;
/** A production MariaDB holds its working set in memory; Debian's 128 MiB default would measure the disk. */
const BUFFER_POOL = 4096 * MIB;
/**
 * Debian's 96 MiB redo log fills in seconds under a write load; InnoDB then flushes pages in haste
 * to free it (a checkpoint), and every commit waits meanwhile: stalls of 100 ms and more every few
 * seconds that belong to the configuration, not to the work. A write-heavy server has a larger log.
 */
const REDO_LOG = 1024 * MIB;

const read = async (connection, variable) => {
  const [[row]] = await connection.query(`SELECT @@global.${variable} AS value`);
  return row.value;
};

/**
 * Durable commits (innodb_flush_log_at_trx_commit = 1: every commit is flushed), a 4 GiB buffer pool and a
 * 1 GiB redo log, each set only if it is not so already (all are dynamic on MariaDB 10.11; they last until
 * MariaDB restarts). Returns the settings in force, printed and recorded with each result.
 */
export async function prepareMariaDb(connection) {
  if (Number(await read(connection, 'innodb_flush_log_at_trx_commit')) !== 1) {
    await connection.query('SET GLOBAL innodb_flush_log_at_trx_commit = 1');
  }
  if (Number(await read(connection, 'innodb_buffer_pool_size')) < BUFFER_POOL) {
    await connection.query(`SET GLOBAL innodb_buffer_pool_size = ${BUFFER_POOL}`);
  }
  if (Number(await read(connection, 'innodb_log_file_size')) < REDO_LOG) {
    await connection.query(`SET GLOBAL innodb_log_file_size = ${REDO_LOG}`);
  }
  const settings = {
    mariadb: String(await read(connection, 'version')),
    innodbFlushLogAtTrxCommit: Number(await read(connection, 'innodb_flush_log_at_trx_commit')),
    innodbBufferPoolSize: Number(await read(connection, 'innodb_buffer_pool_size')),
    innodbLogFileSize: Number(await read(connection, 'innodb_log_file_size')),
    connection: MYSQL_SOCKET ? `unix socket ${MYSQL_SOCKET}` : `tcp ${MYSQL_URL.replace(/^mysql:\/\/[^@]*@/, '')}`,
  };
  console.log(
    `MariaDB ${settings.mariadb}: innodb_flush_log_at_trx_commit = ${settings.innodbFlushLogAtTrxCommit} (every commit is flushed), buffer pool ${settings.innodbBufferPoolSize / MIB} MiB, redo log ${settings.innodbLogFileSize / MIB} MiB; connections over ${settings.connection}`,
  );
  return settings;
}

const loadAverage = () => os.loadavg().map((n) => Math.round(n * 100) / 100);

/** Call at a benchmark's start; the result's `facts()` describe the machine at its end. */
export function machine() {
  const loadAverageAtStart = loadAverage();
  return {
    facts: (database = {}) => {
      const cpus = os.cpus();
      return {
        cpu: cpus[0]?.model ?? 'unknown',
        cores: cpus.length,
        memoryBytes: os.totalmem(),
        node: process.version,
        ...database,
        // Other work on the machine skews the figures: the 1-, 5- and 15-minute load averages.
        loadAverageAtStart,
        loadAverageAtEnd: loadAverage(),
      };
    },
  };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Keys for the server and the huika command, which refuse to start without them outside dev mode. */
export const BENCH_KEYS = {
  HUIKA_TOKEN_SECRET: 'bench-token-secret-of-at-least-32-characters',
  HUIKA_DATA_KEY: 'bench-data-key-of-at-least-32-characters-long',
};
