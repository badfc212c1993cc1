import { randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { isUniqueViolation } from './unique-violation';

const MIGRATION_LOCK = 'huika_migrations';
/** How long a holder may wait for the lock before it gives up. */
const WAIT_MS = 120_000;
/** How long a taken lock lasts without renewal: a holder that crashed frees it after this. */
const LEASE_MS = 15_000;
const RENEW_MS = 5_000;

/**
 * Runs `work` (migrations, the demo seed) under a lock that one server in the whole deployment holds at a
 * time. On a single MariaDB server that is GET_LOCK, freed at once if its holder dies. Galera does not
 * replicate GET_LOCK, so two servers on two nodes would both get it: there the lock is a row of
 * `migration_lock`, taken by an INSERT (or by an UPDATE of a lease that ran out), which Galera certifies
 * cluster-wide, so exactly one taker succeeds; the holder renews its lease while the work runs.
 */
export async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'mysql') return work();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    return (await isGalera(runner)) ? await withLeaseLock(runner, work) : await withNamedLock(runner, work);
  } finally {
    await runner.release();
  }
}

async function isGalera(runner: QueryRunner): Promise<boolean> {
  const rows = (await runner.query("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'")) as { Value?: string }[];
  return rows[0]?.Value === 'ON';
}

async function withNamedLock<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
  const rows = (await runner.query('SELECT GET_LOCK(?, ?) AS got', [MIGRATION_LOCK, WAIT_MS / 1000])) as {
    got: number;
  }[];
  if (Number(rows[0]?.got) !== 1) throw new Error('timed out waiting for another server to finish migrations');
  try {
    return await work();
  } finally {
    await runner.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK]);
  }
}

async function withLeaseLock<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
  // Like TypeORM's own schema_migrations, the lock's table exists before any migration runs. DDL on Galera
  // runs on every node in the cluster's order, so two servers creating it at once is harmless.
  await runner.query(
    'CREATE TABLE IF NOT EXISTS migration_lock (name VARCHAR(64) NOT NULL PRIMARY KEY, holder VARCHAR(64) NOT NULL, lease_until BIGINT NOT NULL) ENGINE=InnoDB',
  );
  const holder = randomUUID();
  const deadline = Date.now() + WAIT_MS;
  while (!(await takeLease(runner, holder))) {
    if (Date.now() > deadline) throw new Error('timed out waiting for another server to finish migrations');
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 300));
  }
  const renewal = setInterval(() => {
    runner
      .query('UPDATE migration_lock SET lease_until = ? WHERE name = ? AND holder = ?', [
        Date.now() + LEASE_MS,
        MIGRATION_LOCK,
        holder,
      ])
      .catch(() => undefined);
  }, RENEW_MS);
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await runner.query('DELETE FROM migration_lock WHERE name = ? AND holder = ?', [MIGRATION_LOCK, holder]);
  }
}

/**
 * One autocommit statement each, certified cluster-wide: the INSERT of a free lock, or the takeover of a lease
 * that ran out. Losing a race (a duplicate key, or a certification conflict with the winner) is "not now".
 */
async function takeLease(runner: QueryRunner, holder: string): Promise<boolean> {
  const now = Date.now();
  try {
    await runner.query('INSERT INTO migration_lock (name, holder, lease_until) VALUES (?, ?, ?)', [
      MIGRATION_LOCK,
      holder,
      now + LEASE_MS,
    ]);
    return true;
  } catch (error) {
    if (!isUniqueViolation(error) && !isContention(error)) throw error;
  }
  try {
    const result = (await runner.query(
      'UPDATE migration_lock SET holder = ?, lease_until = ? WHERE name = ? AND lease_until < ?',
      [holder, now + LEASE_MS, MIGRATION_LOCK, now],
    )) as { affectedRows?: number };
    return result.affectedRows === 1;
  } catch (error) {
    if (isContention(error)) return false;
    throw error;
  }
}

function isContention(error: unknown): boolean {
  const code = (error as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_ERROR_DURING_COMMIT';
}
