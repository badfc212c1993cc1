import { Inject, Injectable, Logger } from '@nestjs/common';
import { Mutex } from 'async-mutex';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { RETRYABLE_CODES, retryDelayMs, tryAgain } from './retry-policy';

/** The driver's error code (ER_DUP_ENTRY, SQLITE_BUSY, ...) of an error, or of the error a QueryFailedError wraps. */
export function driverCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

type QueryCallback = (error: Error | null, result: unknown) => void;

/** The part of a mysql2 connection that the hot path uses: a text query with a callback, and its escaping. */
interface MysqlQueryable {
  query(sql: string, params: unknown[], callback: QueryCallback): unknown;
  query(sql: string, callback: QueryCallback): unknown;
  format(sql: string, params: unknown[]): string;
}

/**
 * A write whose answer the use case does not need at once (see `defer`). It may name how many rows it
 * must change and the error if it did not, and how to translate its own driver error (a unique key).
 */
export interface DeferredWrite {
  rows?: number;
  orElse?: () => Error;
  onError?: (error: unknown) => unknown;
}

/**
 * A statement waiting on a MySQL connection in a transaction: a deferred write, or a query whose answer
 * the use case awaits.
 */
type Queued =
  | { kind: 'write'; sql: string; write: DeferredWrite }
  | { kind: 'query'; sql: string; resolve: (result: unknown) => void; reject: (error: unknown) => void };

/** What waits to be sent on a transaction's connection, in the order the use case issued it. */
interface Outbox {
  queued: Queued[];
  /** A send is due once the code running now has issued what it issues together. */
  scheduled: boolean;
}

const outboxes = new WeakMap<object, Outbox>();

/** The raw mysql2 connection behind a MySQL transaction's EntityManager, if that is what it is. */
function mysqlConnectionOf(tx: EntityManager): (MysqlQueryable & object) | undefined {
  const runner = tx.queryRunner as { databaseConnection?: MysqlQueryable & object } | undefined;
  if (!runner || tx.connection.options.type !== 'mysql') return undefined;
  return runner.databaseConnection;
}

/**
 * A statement straight on mysql2's connection: TypeORM's query runner would add an event broadcast, a
 * promise wrapper and a captured stack trace to each of a purchase's statements. Errors come back as
 * TypeORM's QueryFailedError all the same, so callers see one error type whichever way a query went.
 *
 * In a transaction the query is queued, and sent once the code running now has issued everything it
 * issues together (`Promise.all` of independent reads, say), with the writes waiting before it: one
 * round trip for all of them.
 */
function mysqlQuery(connection: MysqlQueryable & object, sql: string, params: unknown[]): Promise<unknown> {
  const outbox = outboxes.get(connection);
  if (outbox) {
    return new Promise((resolve, reject) => {
      outbox.queued.push({ kind: 'query', sql: connection.format(sql, params), resolve, reject });
      if (outbox.scheduled) return;
      outbox.scheduled = true;
      queueMicrotask(() => {
        outbox.scheduled = false;
        // Unless an earlier send took the queries: writes alone wait for the next statement or the commit.
        // A failure reaches the queries' own promises.
        if (outbox.queued.some((q) => q.kind === 'query')) send(connection, outbox).catch(() => undefined);
      });
    });
  }
  return new Promise((resolve, reject) => {
    connection.query(sql, params, (error, result) =>
      error ? reject(new QueryFailedError(sql, params, error)) : resolve(result),
    );
  });
}

/** Throws the write's error if it did not change the rows it had to. */
function checkRows(write: DeferredWrite, changed: number | undefined): void {
  if (write.rows !== undefined && changed !== write.rows) throw wrongRowCount(write, changed);
}

function wrongRowCount(write: DeferredWrite, changed?: number): Error {
  if (write.orElse) return write.orElse();
  return new Error(`a write had to change ${write.rows} rows${changed === undefined ? '' : ` and changed ${changed}`}`);
}

/** What a pending write's row-count check signals, so that its error is told from the database's own. */
const ROW_COUNT_SIGNAL = 'huika: a write changed other than the rows it had to';

/**
 * Sends everything queued on the connection, then `last` (if any), as one multi-statement query: one round
 * trip instead of several. MariaDB runs them in order and stops at the first error, which is the error of
 * the statement that caused it (a write's own translation of it) and of every query of the round trip. A
 * write that must change a number of rows is followed by a check that fails in the database when it did
 * not, so a COMMIT sent last never commits a write that changed the wrong rows. Each query gets its own
 * result; the promise gets `last`'s.
 */
function send(connection: MysqlQueryable, outbox: Outbox, last?: string): Promise<unknown> {
  const entries = outbox.queued.splice(0);
  const statements: string[] = [];
  /** The entry each statement belongs to (a write's check belongs to the write). */
  const owners: (Queued | undefined)[] = [];
  for (const entry of entries) {
    statements.push(entry.sql);
    owners.push(entry);
    if (entry.kind === 'write' && entry.write.rows !== undefined) {
      statements.push(
        `IF ROW_COUNT() <> ${Number(entry.write.rows)} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${ROW_COUNT_SIGNAL}'; END IF`,
      );
      owners.push(entry);
    }
  }
  if (last !== undefined) statements.push(last);
  if (statements.length === 0) return Promise.resolve(undefined);
  const queries = entries.filter((e): e is Extract<Queued, { kind: 'query' }> => e.kind === 'query');
  return new Promise((resolve, reject) => {
    const command = connection.query(statements.join(';\n'), (error, result) => {
      if (error) {
        // mysql2 counts the result sets it has read: the statement that failed is the next one.
        const failed = (command as { _resultIndex?: unknown } | undefined)?._resultIndex;
        const owner = typeof failed === 'number' ? owners[failed] : undefined;
        const failure = failureOf(owner, last, error);
        for (const query of queries) query.reject(failure);
        reject(failure);
        return;
      }
      const results = statements.length === 1 ? [result] : (result as unknown[]);
      for (const [i, owner] of owners.entries()) if (owner?.kind === 'query') owner.resolve(results[i]);
      resolve(last === undefined ? undefined : results[statements.length - 1]);
    });
  });
}

/** The error a failed statement of a round trip stands for. */
function failureOf(owner: Queued | undefined, last: string | undefined, error: Error): unknown {
  if (owner?.kind === 'write') {
    if ((error as { sqlMessage?: unknown }).sqlMessage === ROW_COUNT_SIGNAL) return wrongRowCount(owner.write);
    const wrapped = new QueryFailedError(owner.sql, [], error);
    return owner.write.onError ? owner.write.onError(wrapped) : wrapped;
  }
  return new QueryFailedError(owner?.sql ?? last ?? '', [], error);
}

/** The SQL mode of the server's sessions (see Transactions.prepareSession). */
const SQL_MODE =
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION'";

/**
 * One use case, one transaction. On MySQL each transaction runs at READ COMMITTED (set once per pooled
 * connection, not before every transaction) and is retried whole after a deadlock. SQLite (better-sqlite3)
 * has a single connection that every statement shares, so transactions in this process take turns behind
 * a mutex instead of interleaving on it.
 */
@Injectable()
export class Transactions {
  private readonly logger = new Logger('Transactions');
  private readonly sqliteTurn = new Mutex();
  private readonly mysql: boolean;
  /** Pooled MySQL connections whose session is prepared already (isolation level, SQL mode). */
  private readonly preparedSessions = new WeakSet<object>();

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type === 'mysql';
  }

  get dialect(): 'mysql' | 'sqlite' {
    return this.mysql ? 'mysql' : 'sqlite';
  }

  async run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.retried(() =>
      this.mysql ? this.runMysql(work) : this.sqliteTurn.runExclusive(() => this.dataSource.transaction(work)),
    );
  }

  /**
   * Statements each of which is atomic by itself (autocommit), on one connection, with no transaction
   * around them: for work whose every step is a single conditional statement, two round trips (and a
   * commit) fewer than `run`. On SQLite it still takes its turn on the shared connection.
   */
  async statements<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    const onOneConnection = async () => {
      const runner = this.dataSource.createQueryRunner();
      try {
        const connection = (await runner.connect()) as MysqlQueryable & object;
        if (this.mysql) await this.prepareSession(connection);
        return await work(runner.manager);
      } finally {
        await runner.release();
      }
    };
    return this.retried(() => (this.mysql ? onOneConnection() : this.sqliteTurn.runExclusive(onOneConnection)));
  }

  /**
   * Runs the attempt again, whole, after a deadlock or a certification conflict, with jittered backoff, for as
   * long as the retry budget allows; then answers 503 TRY_AGAIN. Each attempt is a transaction of its own
   * (an idempotency claim included), so a retried request has its effect once or not at all.
   */
  private async retried<T>(attempt: () => Promise<T>): Promise<T> {
    // Infrastructure time: the real clock, never the dev clock.
    const started = Date.now();
    for (let failed = 1; ; failed += 1) {
      try {
        return await attempt();
      } catch (error) {
        const code = driverCode(error);
        if (!code || !RETRYABLE_CODES.has(code)) throw error;
        const delay = retryDelayMs(failed, Date.now() - started, Math.random());
        if (delay === null) {
          this.logger.warn(`transaction given up after ${code} (${failed} attempts)`);
          throw tryAgain();
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * Once per pooled connection, in one round trip: each transaction reads what others committed before each
   * statement, and rows it changes stay locked until it ends (the conditional UPDATEs rely on that, not on
   * snapshots); and strict mode, whatever the server's default: a value that does not fit its column is an
   * error, never silently cut.
   */
  private async prepareSession(connection: MysqlQueryable & object): Promise<void> {
    if (this.preparedSessions.has(connection)) return;
    await mysqlQuery(connection, `SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED; ${SQL_MODE}`, []);
    this.preparedSessions.add(connection);
  }

  private async runMysql<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const connection = (await runner.connect()) as MysqlQueryable & object;
      await this.prepareSession(connection);
      // START TRANSACTION waits like a deferred write and goes with the transaction's first statement. Whatever
      // runs in the transaction (TypeORM's own queries too) sends what is queued first.
      const outbox: Outbox = { queued: [{ kind: 'write', sql: 'START TRANSACTION', write: {} }], scheduled: false };
      outboxes.set(connection, outbox);
      // TypeORM's bookkeeping as its startTransaction() would leave it, so that its commit and rollback work.
      Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
      const typeormQuery = runner.query.bind(runner);
      runner.query = (async (...args: Parameters<typeof typeormQuery>) => {
        if (outbox.queued.length > 0) await send(connection, outbox);
        return typeormQuery(...args);
      }) as typeof runner.query;
      try {
        const result = await work(runner.manager);
        if (outbox.queued.length > 0) {
          // What is still queued goes with the COMMIT.
          await send(connection, outbox, 'COMMIT');
          Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
        } else {
          await runner.commitTransaction();
        }
        return result;
      } catch (error) {
        // Queries still queued will not run: they fail with the transaction.
        for (const entry of outbox.queued.splice(0)) if (entry.kind === 'query') entry.reject(error);
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      } finally {
        outboxes.delete(connection);
        runner.query = typeormQuery;
      }
    } finally {
      await runner.release();
    }
  }
}

/** Runs a write (in a transaction, or as one autocommit statement) and returns how many rows it changed. */
export async function execute(tx: EntityManager, sql: string, params: unknown[]): Promise<number> {
  if (!tx.queryRunner) throw new Error('execute() needs the EntityManager of Transactions.run or .statements');
  const mysql = mysqlConnectionOf(tx);
  if (mysql) return ((await mysqlQuery(mysql, sql, params)) as { affectedRows: number }).affectedRows;
  const result = (await tx.queryRunner.query(sql, params, true)) as { affected?: number | null };
  return result.affected ?? 0;
}

/**
 * A write in a MySQL transaction whose answer is not needed at once: it waits on the connection and goes
 * with the transaction's next statement, or with its COMMIT, in one round trip (each round trip costs both
 * processes a socket write and a wake-up, the largest part of a short statement's cost). Its row count is
 * checked then, in the database, and its error thrown then: a failed write or check stops what follows it,
 * the COMMIT too. Elsewhere (SQLite, or outside a transaction) it runs at once, with the same checks.
 */
export async function defer(
  tx: EntityManager,
  sql: string,
  params: unknown[],
  write: DeferredWrite = {},
): Promise<void> {
  const mysql = mysqlConnectionOf(tx);
  const outbox = mysql && outboxes.get(mysql);
  if (mysql && outbox) {
    outbox.queued.push({ kind: 'write', sql: mysql.format(sql, params), write });
    return;
  }
  let changed: number;
  try {
    changed = await execute(tx, sql, params);
  } catch (error) {
    throw write.onError ? write.onError(error) : error;
  }
  checkRows(write, changed);
}

/** A SELECT returning plain rows. */
export async function select<T>(tx: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const mysql = mysqlConnectionOf(tx);
  if (mysql) return (await mysqlQuery(mysql, sql, params)) as T[];
  return (await tx.query(sql, params)) as T[];
}

/**
 * Awaits steps started together (their queries then share a round trip on MySQL) and returns their values.
 * When some fail, it throws the failure of the first in the order given, not in the order the database
 * answered, so which error a request gets does not depend on timing.
 */
export async function together<T extends unknown[]>(steps: [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const settled = await Promise.allSettled(steps);
  for (const step of settled) if (step.status === 'rejected') throw step.reason;
  return settled.map((step) => (step as PromiseFulfilledResult<unknown>).value) as T;
}
