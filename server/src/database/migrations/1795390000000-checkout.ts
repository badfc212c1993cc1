import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { col } from './schema-helpers';

/** Purchases and their lines, refunds, campaigns (member days, double points) and tier history. */
export class Checkout1795390000000 implements MigrationInterface {
  name = 'Checkout1795390000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'purchases',
        columns: [
          col.id(),
          col.ref('store_id'),
          col.text('receipt_no', 64),
          col.ref('member_id'),
          col.ref('staff_id'),
          col.int('gross_fen'),
          col.int('discount_fen'),
          col.int('coupon_fen'),
          col.int('points_cash_fen'),
          col.int('balance_paid_fen'),
          col.int('payable_fen'),
          // What the member paid in money (cash and stored value): what tiers count.
          col.int('paid_fen'),
          col.int('refunded_paid_fen', { default: 0 }),
          col.int('refunded_fen', { default: 0 }),
          col.int('points_earned'),
          col.int('points_spent'),
          col.ref('earn_posting_id', true),
          col.ref('spend_posting_id', true),
          col.text('discount_source', 16, true),
          col.ref('campaign_id', true),
          col.text('tier_before', 32),
          col.text('tier_after', 32),
          col.text('card_code_hash', 64, true),
          { ...col.text('status', 24), default: "'completed'" },
          col.epochMs('created_at'),
        ],
        uniques: [{ name: 'uq_purchases_receipt', columnNames: ['store_id', 'receipt_no'] }],
        indices: [
          { name: 'idx_purchases_member', columnNames: ['member_id', 'created_at'] },
          { name: 'idx_purchases_store', columnNames: ['store_id', 'created_at'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'purchase_lines',
        columns: [
          col.id(),
          col.ref('purchase_id'),
          col.int('line_no'),
          col.text('sku', 64),
          col.text('name', 128),
          col.text('category', 64, true),
          col.int('unit_price_fen'),
          col.int('quantity'),
          col.bool('points_eligible', true),
          col.int('gross_fen'),
          col.int('discount_fen'),
          col.int('coupon_fen'),
          col.int('points_cash_fen'),
          col.int('points_spent'),
          col.int('balance_paid_fen'),
          col.int('paid_fen'),
          col.int('points_earned'),
          col.int('refunded_quantity', { default: 0 }),
        ],
        indices: [{ name: 'idx_purchase_lines_purchase', columnNames: ['purchase_id', 'line_no'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'refunds',
        columns: [
          col.id(),
          col.ref('purchase_id'),
          col.ref('staff_id'),
          col.ref('approved_by', true),
          col.int('refund_fen'),
          col.int('paid_fen'),
          col.int('points_reversed'),
          col.int('points_restored'),
          col.int('balance_restored_fen'),
          col.epochMs('created_at'),
        ],
        indices: [{ name: 'idx_refunds_purchase', columnNames: ['purchase_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'refund_lines',
        columns: [
          col.id(),
          col.ref('refund_id'),
          col.ref('line_id'),
          col.int('quantity'),
          col.int('refund_fen'),
          col.int('points_reversed'),
          col.int('points_restored'),
          col.int('balance_restored_fen'),
        ],
        indices: [{ name: 'idx_refund_lines_refund', columnNames: ['refund_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'campaigns',
        columns: [
          col.id(),
          col.text('name', 64),
          col.text('kind', 16),
          col.int('discount_percent', { nullable: true }),
          { name: 'points_multiplier', type: 'decimal', precision: 6, scale: 2, isNullable: true },
          col.epochMs('starts_at'),
          col.epochMs('ends_at'),
          col.longText('days_of_month', true),
          col.longText('tiers', true),
          col.longText('store_ids', true),
          col.int('budget_cap', { nullable: true }),
          col.int('budget_used', { default: 0 }),
          col.bool('active', true),
          col.epochMs('created_at'),
          col.epochMs('updated_at'),
        ],
        indices: [{ name: 'idx_campaigns_window', columnNames: ['active', 'starts_at', 'ends_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'tier_history',
        columns: [
          col.id(),
          col.ref('member_id'),
          col.text('from_tier', 32),
          col.text('to_tier', 32),
          col.text('reason', 32),
          col.text('ref_id', 64, true),
          col.ref('actor_id', true),
          col.epochMs('created_at'),
        ],
        indices: [{ name: 'idx_tier_history_member', columnNames: ['member_id', 'created_at'] }],
      }),
    );
    await queryRunner.addColumns('members', [
      new TableColumn({ name: 'tier_since', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'tier_manual_until', type: 'bigint', isNullable: true }),
      // The evaluation period (e.g. 2026-12) the member's tier was last reviewed in: the job runs once per period.
      new TableColumn({ name: 'tier_reviewed_period', type: 'varchar', length: '16', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['tier_reviewed_period', 'tier_manual_until', 'tier_since'])
      await queryRunner.dropColumn('members', column);
    for (const table of ['tier_history', 'campaigns', 'refund_lines', 'refunds', 'purchase_lines', 'purchases']) {
      await queryRunner.dropTable(table);
    }
  }
}
