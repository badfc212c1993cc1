import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { col } from './schema-helpers';

/** Staff refresh tokens (hashed, rotated) and the database-backed rate-limit counters. */
export class StaffSessionsAndRateLimits1795381355007 implements MigrationInterface {
  name = 'StaffSessionsAndRateLimits1795381355007';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'staff_refresh_tokens',
        columns: [
          col.id(),
          col.ref('staff_id'),
          col.ref('family_id'),
          col.text('token_hash', 64),
          col.epochMs('expires_at'),
          col.epochMs('revoked_at', true),
          col.text('revoked_reason', 16, true),
          col.epochMs('created_at'),
        ],
        uniques: [{ name: 'uq_staff_refresh_tokens_hash', columnNames: ['token_hash'] }],
        indices: [
          { name: 'idx_staff_refresh_tokens_staff', columnNames: ['staff_id'] },
          { name: 'idx_staff_refresh_tokens_family', columnNames: ['family_id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'rate_limit_counters',
        columns: [
          { ...col.text('bucket_key', 160), isPrimary: true },
          { ...col.epochMs('window_start'), isPrimary: true },
          col.int('hits'),
          col.epochMs('expires_at'),
        ],
        indices: [{ name: 'idx_rate_limit_counters_expires', columnNames: ['expires_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rate_limit_counters');
    await queryRunner.dropTable('staff_refresh_tokens');
  }
}
