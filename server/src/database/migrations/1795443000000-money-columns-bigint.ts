import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fen and points columns that a purchase, a balance or a budget can take past 2^31 become BIGINT. A basket
 * may come to 10^10 fen (shared MAX_BASKET_FEN) and points and balances add up over many of them; in INT,
 * MariaDB would refuse such a value (strict mode) or cut it to 2,147,483,647 (otherwise).
 *
 * SQLite needs nothing: an `int` column there has INTEGER affinity, which stores 64-bit integers already.
 */
const WIDENED: Record<string, { name: string; nullable?: boolean; zeroDefault?: boolean }[]> = {
  members: [
    { name: 'points_balance', zeroDefault: true },
    { name: 'points_pending', zeroDefault: true },
    { name: 'balance_fen', zeroDefault: true },
  ],
  point_entries: [{ name: 'points' }, { name: 'balance_after', nullable: true }],
  point_lots: [{ name: 'points' }, { name: 'remaining' }],
  point_lot_moves: [{ name: 'points' }],
  purchases: [
    { name: 'gross_fen' },
    { name: 'discount_fen' },
    { name: 'coupon_fen' },
    { name: 'points_cash_fen' },
    { name: 'balance_paid_fen' },
    { name: 'payable_fen' },
    { name: 'paid_fen' },
    { name: 'refunded_paid_fen', zeroDefault: true },
    { name: 'refunded_fen', zeroDefault: true },
    { name: 'points_earned' },
    { name: 'points_spent' },
  ],
  purchase_lines: [
    { name: 'unit_price_fen' },
    { name: 'gross_fen' },
    { name: 'discount_fen' },
    { name: 'coupon_fen' },
    { name: 'points_cash_fen' },
    { name: 'points_spent' },
    { name: 'balance_paid_fen' },
    { name: 'paid_fen' },
    { name: 'points_earned' },
  ],
  refunds: [
    { name: 'refund_fen' },
    { name: 'paid_fen' },
    { name: 'points_reversed' },
    { name: 'points_restored' },
    { name: 'balance_restored_fen' },
  ],
  refund_lines: [
    { name: 'refund_fen' },
    { name: 'points_reversed' },
    { name: 'points_restored' },
    { name: 'balance_restored_fen' },
  ],
  campaigns: [
    { name: 'budget_cap', nullable: true },
    { name: 'budget_used', zeroDefault: true },
  ],
  coupons: [{ name: 'discount_fen', nullable: true }],
};

async function retype(queryRunner: QueryRunner, type: 'BIGINT' | 'INT'): Promise<void> {
  if (queryRunner.connection.options.type !== 'mysql') return;
  for (const [table, columns] of Object.entries(WIDENED)) {
    const changes = columns.map(
      (c) => `MODIFY \`${c.name}\` ${type} ${c.nullable ? 'NULL' : 'NOT NULL'}${c.zeroDefault ? ' DEFAULT 0' : ''}`,
    );
    await queryRunner.query(`ALTER TABLE \`${table}\` ${changes.join(', ')}`);
  }
}

export class MoneyColumnsBigint1795443000000 implements MigrationInterface {
  name = 'MoneyColumnsBigint1795443000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await retype(queryRunner, 'BIGINT');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await retype(queryRunner, 'INT');
  }
}
