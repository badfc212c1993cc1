import type { EntityManager } from 'typeorm';

/**
 * INSERT that does nothing when a unique key already holds the row (MySQL `INSERT IGNORE`, SQLite
 * `INSERT OR IGNORE`): for rows that several requests may race to create. Returns whether it inserted.
 */
export async function insertIfAbsent(tx: EntityManager, table: string, row: Record<string, unknown>): Promise<boolean> {
  if (!tx.queryRunner) throw new Error('insertIfAbsent() needs a transactional EntityManager');
  const columns = Object.keys(row);
  const verb = tx.connection.options.type === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  const sql = `${verb} INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  const result = (await tx.queryRunner.query(sql, Object.values(row), true)) as { affected?: number | null };
  return (result.affected ?? 0) > 0;
}
