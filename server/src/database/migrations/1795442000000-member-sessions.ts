import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { col } from './schema-helpers';

/** Member sessions (one per login, checked on every member call) and their rotating refresh tokens. */
export class MemberSessions1795442000000 implements MigrationInterface {
  name = 'MemberSessions1795442000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'member_sessions',
        columns: [
          col.id(),
          col.text('identity', 160),
          col.ref('member_id', true),
          col.epochMs('expires_at'),
          col.epochMs('ended_at', true),
          col.text('ended_reason', 16, true),
          col.epochMs('created_at'),
        ],
        indices: [
          { name: 'idx_member_sessions_identity', columnNames: ['identity'] },
          { name: 'idx_member_sessions_member', columnNames: ['member_id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'member_refresh_tokens',
        columns: [
          col.id(),
          col.ref('session_id'),
          col.text('token_hash', 64),
          col.epochMs('expires_at'),
          col.epochMs('revoked_at', true),
          col.text('revoked_reason', 16, true),
          col.epochMs('created_at'),
        ],
        uniques: [{ name: 'uq_member_refresh_tokens_hash', columnNames: ['token_hash'] }],
        indices: [{ name: 'idx_member_refresh_tokens_session', columnNames: ['session_id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('member_refresh_tokens');
    await queryRunner.dropTable('member_sessions');
  }
}
