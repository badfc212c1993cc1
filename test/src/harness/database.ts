import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

export type DbKind = 'sqlite' | 'mysql';

/** The database kind of this run: HUIKA_TEST_DB=mysql for MariaDB, SQLite otherwise. */
export const TEST_DB: DbKind = process.env.HUIKA_TEST_DB === 'mysql' ? 'mysql' : 'sqlite';
export const MYSQL_SERVER_URL = process.env.HUIKA_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export interface FreshDatabase {
  kind: DbKind;
  /** The DATABASE_URL for a server on this database. */
  url: string;
  drop(): Promise<void>;
}

/** A database nobody has used: a temp SQLite file, or a new MariaDB schema (the server creates it). */
export function freshDatabase(kind: DbKind = TEST_DB): FreshDatabase {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'huika-e2e-'));
    return {
      kind,
      url: `sqlite:${join(dir, 'huika.sqlite')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `huika_e2e_${randomBytes(5).toString('hex')}`;
  const url = new URL(MYSQL_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    drop: async () => {
      const connection = await mysql.createConnection(MYSQL_SERVER_URL);
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}
