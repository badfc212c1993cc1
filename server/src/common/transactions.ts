import { Inject, Injectable, Logger } from '@nestjs/common';
import { Mutex } from 'async-mutex';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';

/** Driver error codes after which the whole transaction may simply be run again. */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);
const MAX_ATTEMPTS = 5;

function driverCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The part of a mysql2 connection (or pool) that the hot path uses: a text query with a callback. */
interface MysqlQueryable {
  query(sql: string, params: unknown[], callback: (error: Error | null, result: unknown) => void): void;
}

/** The raw mysql2 connection behind a MySQL transaction's EntityManager, if that is what it is. */
function mysqlConnectionOf(tx: EntityManager): MysqlQueryable | undefined {
  const runner = tx.queryRunner as { databaseConnection?: MysqlQueryable } | undefined;
  if (!runner || tx.connection.options.type !== 'mysql') return undefined;
  return runner.databaseConnection;
}

/**
 * A statement straight on mysql2's connection: TypeORM's query runner would add an event broadcast, a
 * promise wrapper and a captured stack trace to each of a purchase's statements. Errors come back as
 * TypeORM's QueryFailedError all the same, so callers see one error type whichever way a query went.
 */
function mysqlQuery(connection: MysqlQueryable, sql: string, params: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    connection.query(sql, params, (error, result) =>
      error ? reject(new QueryFailedError(sql, params, error)) : resolve(result),
    );
  });
}

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
  /** Pooled MySQL connections already switched to READ COMMITTED for their session. */
  private readonly readCommitted = new WeakSet<object>();

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
        await runner.connect();
        return await work(runner.manager);
      } finally {
        await runner.release();
      }
    };
    return this.retried(() => (this.mysql ? onOneConnection() : this.sqliteTurn.runExclusive(onOneConnection)));
  }

  private async retried<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n += 1) {
      try {
        return await attempt();
      } catch (error) {
        const code = driverCode(error);
        if (!code || !RETRYABLE.has(code) || n >= MAX_ATTEMPTS) throw error;
        this.logger.warn(`transaction retried after ${code} (attempt ${n})`);
        await new Promise((resolve) => setTimeout(resolve, 5 * n + Math.random() * 20));
      }
    }
  }

  private async runMysql<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const connection = (await runner.connect()) as MysqlQueryable & object;
      if (!this.readCommitted.has(connection)) {
        // Each transaction reads what others committed before each statement; rows it changes stay
        // locked until it ends (the conditional UPDATEs rely on that, not on snapshots).
        await mysqlQuery(connection, 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', []);
        this.readCommitted.add(connection);
      }
      await runner.startTransaction();
      try {
        const result = await work(runner.manager);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
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

/** A SELECT returning plain rows. */
export async function select<T>(tx: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const mysql = mysqlConnectionOf(tx);
  if (mysql) return (await mysqlQuery(mysql, sql, params)) as T[];
  return (await tx.query(sql, params)) as T[];
}
