import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { col } from './schema-helpers';

/**
 * The points ledger (append-only postings and entries, lots with expiry and their movements) and
 * the idempotency keys every value-moving route records its answer under.
 */
export class PointsLedger1764000000100 implements MigrationInterface {
  name = 'PointsLedger1764000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'point_postings',
        columns: [
          col.id(),
          col.ref('member_id'),
          col.text('kind', 16),
          col.text('ref_type', 24),
          col.text('ref_id', 64),
          col.text('actor_kind', 16),
          col.ref('actor_id', true),
          col.text('memo', 255, true),
          col.epochMs('created_at'),
        ],
        // One posting per kind and cause: a retried purchase can never earn twice, even past idempotency.
        uniques: [{ name: 'uq_postings_cause', columnNames: ['kind', 'ref_type', 'ref_id'] }],
        indices: [{ name: 'idx_postings_member', columnNames: ['member_id', 'id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'point_entries',
        columns: [
          col.id(),
          col.ref('posting_id'),
          col.text('account', 16),
          col.ref('member_id', true),
          col.int('points'),
          col.int('balance_after', { nullable: true }),
          col.epochMs('created_at'),
        ],
        indices: [
          { name: 'idx_entries_member', columnNames: ['member_id', 'id'] },
          { name: 'idx_entries_posting', columnNames: ['posting_id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'point_lots',
        columns: [
          col.id(),
          col.ref('member_id'),
          col.ref('posting_id'),
          col.text('source', 16),
          col.int('points'),
          col.int('remaining'),
          col.epochMs('earned_at'),
          col.epochMs('expires_at', true),
          // While set, the lot's points are pending (DOMAIN §3): not spendable until this instant.
          col.epochMs('available_at', true),
          col.epochMs('created_at'),
        ],
        indices: [
          { name: 'idx_lots_member', columnNames: ['member_id', 'expires_at'] },
          { name: 'idx_lots_available', columnNames: ['available_at'] },
          { name: 'idx_lots_expiry', columnNames: ['expires_at', 'remaining'] },
          { name: 'idx_lots_posting', columnNames: ['posting_id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'point_lot_moves',
        columns: [col.id(), col.ref('lot_id'), col.ref('posting_id'), col.int('points'), col.epochMs('created_at')],
        indices: [
          { name: 'idx_lot_moves_lot', columnNames: ['lot_id'] },
          { name: 'idx_lot_moves_posting', columnNames: ['posting_id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { ...col.text('scope', 64), isPrimary: true },
          { ...col.text('idem_key', 255), isPrimary: true },
          col.text('route', 64),
          col.text('request_hash', 64),
          col.text('state', 16),
          col.int('attempt', { default: 1 }),
          col.int('response_status', { nullable: true }),
          col.longText('response_body', true),
          col.epochMs('lease_until'),
          col.epochMs('created_at'),
          col.epochMs('expires_at'),
        ],
        indices: [{ name: 'idx_idempotency_expires', columnNames: ['expires_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['idempotency_keys', 'point_lot_moves', 'point_lots', 'point_entries', 'point_postings']) {
      await queryRunner.dropTable(table);
    }
  }
}
