import { type MigrationInterface, type QueryRunner, TableIndex, type TableIndexOptions } from 'typeorm';

/**
 * The console's overview (GET /api/admin/stats/summary) counts a month of purchases and refunds by day. For one
 * store, purchases have idx_purchases_store (store_id, created_at); for every store there was no index that starts
 * with created_at, so headquarters' figures read the whole table. This one also holds the summed columns, which a
 * purchase writes once and nothing changes afterwards (refunds have columns of their own): the month is counted from
 * the index alone, and a purchase pays one more index entry, written once. Refunds had only idx_refunds_purchase;
 * they are few beside purchases, so their day index holds the time alone.
 */
export class StatsIndexes1795470000000 implements MigrationInterface {
  name = 'StatsIndexes1795470000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, index] of INDEXES) await queryRunner.createIndex(table, new TableIndex(index));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, index] of INDEXES) await queryRunner.dropIndex(table, index.name);
  }
}

const INDEXES: [table: string, index: TableIndexOptions & { name: string }][] = [
  [
    'purchases',
    { name: 'idx_purchases_created', columnNames: ['created_at', 'paid_fen', 'points_earned', 'points_spent'] },
  ],
  ['refunds', { name: 'idx_refunds_created', columnNames: ['created_at'] }],
];
