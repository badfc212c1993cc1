import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { col } from './schema-helpers';

/**
 * Coupons (DOMAIN §9): templates, the coupons issued from them, each member's running count per template
 * (the per-member limit), and headquarters batches with their audience and progress.
 */
export class Coupons1795420000000 implements MigrationInterface {
  name = 'Coupons1795420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'coupon_templates',
        columns: [
          col.id(),
          col.text('name', 64),
          col.text('kind', 16),
          col.int('value_fen', { nullable: true }),
          col.int('percent', { nullable: true }),
          col.int('max_discount_fen', { nullable: true }),
          col.int('min_spend_fen', { default: 0 }),
          col.text('sku', 64, true),
          // JSON arrays; NULL means every category / every store.
          col.longText('categories', true),
          col.longText('store_ids', true),
          col.epochMs('valid_from', true),
          col.epochMs('valid_to', true),
          col.int('valid_days', { nullable: true }),
          col.int('total_quota', { nullable: true }),
          // The row the total quota is held on: only a conditional UPDATE raises it.
          col.int('issued_count', { default: 0 }),
          col.int('per_member_limit', { default: 1 }),
          col.bool('stackable', false),
          col.bool('active', true),
          col.ref('created_by', true),
          col.epochMs('created_at'),
          col.epochMs('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        // Each coupon keeps the terms it was issued with: a later change of the template does not touch it.
        name: 'coupons',
        columns: [
          col.id(),
          col.ref('template_id'),
          col.ref('member_id'),
          col.text('trigger_kind', 16),
          // What issued it (join:<member>, batch:<batch>:<member>, ...): unique per template, so a trigger
          // can never issue the same template twice.
          col.text('trigger_key', 128),
          col.text('name', 64),
          col.text('kind', 16),
          col.int('value_fen', { nullable: true }),
          col.int('percent', { nullable: true }),
          col.int('max_discount_fen', { nullable: true }),
          col.int('min_spend_fen', { default: 0 }),
          col.text('sku', 64, true),
          col.longText('categories', true),
          col.longText('store_ids', true),
          col.bool('stackable', false),
          col.epochMs('valid_from'),
          col.epochMs('valid_to'),
          { ...col.text('status', 16), default: "'available'" },
          col.ref('purchase_id', true),
          col.epochMs('used_at', true),
          col.int('discount_fen', { nullable: true }),
          col.epochMs('issued_at'),
          col.epochMs('updated_at'),
        ],
        uniques: [{ name: 'uq_coupons_trigger', columnNames: ['template_id', 'trigger_key'] }],
        indices: [
          { name: 'idx_coupons_member', columnNames: ['member_id', 'id'] },
          { name: 'idx_coupons_expiry', columnNames: ['status', 'valid_to'] },
          { name: 'idx_coupons_purchase', columnNames: ['purchase_id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        // How many coupons of a template a member was issued: the row the per-member limit is held on.
        name: 'coupon_member_counts',
        columns: [
          { ...col.ref('template_id'), isPrimary: true },
          { ...col.ref('member_id'), isPrimary: true },
          col.int('issued', { default: 0 }),
          col.epochMs('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'coupon_batches',
        columns: [
          { ...col.text('id', 64), isPrimary: true },
          col.ref('template_id'),
          col.ref('staff_id', true),
          // {"kind":"members"} (the list is in coupon_batch_members) or {"kind":"segment","tiers":[...]}.
          col.longText('audience'),
          col.text('request_hash', 64),
          col.text('state', 16),
          col.int('total'),
          col.int('issued', { default: 0 }),
          col.int('skipped', { default: 0 }),
          // Members are walked in id order; everything up to this id is done.
          { ...col.text('last_member_id', 26), default: "''" },
          // The runner holding the batch, until its lease ends (real time, like idempotency leases).
          col.ref('runner', true),
          col.epochMs('lease_until', true),
          col.epochMs('created_at'),
          col.epochMs('updated_at'),
          col.epochMs('finished_at', true),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'coupon_batch_members',
        columns: [
          { ...col.text('batch_id', 64), isPrimary: true },
          { ...col.ref('member_id'), isPrimary: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'coupon_batch_members',
      'coupon_batches',
      'coupon_member_counts',
      'coupons',
      'coupon_templates',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
