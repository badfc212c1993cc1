import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/config';
import { ENTITIES } from './entities';
import { withMigrationLock } from './migration-lock';
import { MIGRATIONS } from './migrations';

export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
  } as const;
  if (db.kind === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      url: db.url,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      poolSize: db.poolSize,
      // BIGINTs come back as numbers (as strings only past 2^53, which no amount of ours reaches: shared
      // MAX_BASKET_FEN bounds what a purchase brings). SUM()s come back as DECIMAL strings: read with Number().
      supportBigNumbers: true,
      bigNumberStrings: false,
      extra: {
        connectionLimit: db.poolSize,
        maxIdle: db.poolSize,
        enableKeepAlive: true,
        connectTimeout: 5000,
        // For deferred writes (common/transactions.ts), sent with the next statement in one round trip. Every
        // statement's values are bound by mysql2's escaping, never pasted in, so no value can add a statement.
        multipleStatements: true,
        ...(db.socketPath ? { socketPath: db.socketPath } : {}),
      },
    };
  }
  mkdirSync(dirname(db.file), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: db.file,
    // WAL lets readers run beside the single writer; busy_timeout queues writers instead of failing.
    prepareDatabase: (sqlite: { pragma: (source: string) => unknown }) => {
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('busy_timeout = 5000');
      sqlite.pragma('foreign_keys = ON');
    },
  };
}

/**
 * Opens the database and brings its schema up to date. Several servers may start at once on one
 * MySQL database or Galera cluster, so migrations run under a lock (migration-lock.ts); the first runs
 * them, the others find nothing to do.
 */
export async function openDatabase(db: DatabaseConfig): Promise<DataSource> {
  if (db.kind === 'mysql') await ensureMysqlDatabase(db);
  const dataSource = new DataSource(dataSourceOptions(db));
  await dataSource.initialize();
  try {
    await withMigrationLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** Creates the database named in the URL when the server may (it exists already in most productions). */
async function ensureMysqlDatabase(db: Extract<DatabaseConfig, { kind: 'mysql' }>): Promise<void> {
  const url = new URL(db.url);
  url.pathname = '/';
  const bootstrap = new DataSource({
    type: 'mysql',
    url: url.toString(),
    extra: { connectTimeout: 5000, ...(db.socketPath ? { socketPath: db.socketPath } : {}) },
  });
  await bootstrap.initialize();
  try {
    await bootstrap.query(
      `CREATE DATABASE IF NOT EXISTS \`${db.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await bootstrap.destroy();
  }
}
