import { Inject, Injectable, Logger } from '@nestjs/common';
import { Mutex } from 'async-mutex';
import { DataSource, type EntityManager } from 'typeorm';

/** Driver error codes after which the whole transaction may simply be run again. */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);
const MAX_ATTEMPTS = 5;

function driverCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * One use case, one transaction. On MySQL each transaction runs at READ COMMITTED and is retried
 * whole after a deadlock. SQLite (better-sqlite3) has a single connection that every statement shares,
 * so transactions in this process take turns behind a mutex instead of interleaving on it.
 */
@Injectable()
export class Transactions {
  private readonly logger = new Logger('Transactions');
  private readonly sqliteTurn = new Mutex();
  private readonly mysql: boolean;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type === 'mysql';
  }

  get dialect(): 'mysql' | 'sqlite' {
    return this.mysql ? 'mysql' : 'sqlite';
  }

  async run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (this.mysql) return await this.dataSource.transaction('READ COMMITTED', work);
        return await this.sqliteTurn.runExclusive(() => this.dataSource.transaction(work));
      } catch (error) {
        const code = driverCode(error);
        if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw error;
        this.logger.warn(`transaction retried after ${code} (attempt ${attempt})`);
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
      }
    }
  }
}

/** Runs a write inside a transaction and returns how many rows it changed (MySQL and SQLite alike). */
export async function execute(tx: EntityManager, sql: string, params: unknown[]): Promise<number> {
  if (!tx.queryRunner) throw new Error('execute() needs a transactional EntityManager');
  const result = (await tx.queryRunner.query(sql, params, true)) as { affected?: number | null };
  return result.affected ?? 0;
}

/** A SELECT returning plain rows. */
export async function select<T>(tx: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await tx.query(sql, params)) as T[];
}
