import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { col } from './schema-helpers';

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'app_settings',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          col.longText('value'),
          col.epochMs('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'stores',
        columns: [
          col.id(),
          col.text('code', 16),
          col.text('name', 64),
          col.text('address', 255, true),
          col.bool('active', true),
          col.epochMs('created_at'),
        ],
        uniques: [{ name: 'uq_stores_code', columnNames: ['code'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'staff',
        columns: [
          col.id(),
          col.text('username', 64),
          col.text('password_hash', 255),
          col.text('display_name', 64),
          col.text('role', 16),
          col.ref('store_id', true),
          col.bool('active', true),
          col.epochMs('created_at'),
          col.epochMs('updated_at'),
        ],
        uniques: [{ name: 'uq_staff_username', columnNames: ['username'] }],
        indices: [{ name: 'idx_staff_store', columnNames: ['store_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'members',
        columns: [
          col.id(),
          col.text('card_no', 20),
          col.text('openid', 128, true),
          col.text('unionid', 128, true),
          col.text('phone_hash', 64, true),
          col.text('phone_enc', 255, true),
          col.text('phone_last4', 4, true),
          col.text('name', 64),
          col.text('birthday', 10, true),
          col.text('tier_code', 32),
          col.int('points_balance', { default: 0 }),
          col.int('points_pending', { default: 0 }),
          col.int('balance_fen', { default: 0 }),
          col.epochMs('card_valid_until', true),
          { ...col.text('status', 16), default: "'active'" },
          col.text('consent_version', 32, true),
          col.text('join_scene', 32, true),
          col.epochMs('created_at'),
          col.epochMs('updated_at'),
        ],
        uniques: [
          { name: 'uq_members_card_no', columnNames: ['card_no'] },
          { name: 'uq_members_openid', columnNames: ['openid'] },
          { name: 'uq_members_phone_hash', columnNames: ['phone_hash'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'program_config',
        columns: [
          { name: 'id', type: 'int', isPrimary: true },
          col.longText('config'),
          col.int('revision', { default: 1 }),
          col.epochMs('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'gifts',
        columns: [
          col.id(),
          col.text('name', 64),
          col.text('description', 255, true),
          col.text('image_url', 512, true),
          col.int('points_price'),
          col.int('stock'),
          col.int('per_member_limit', { nullable: true }),
          col.longText('tiers', true),
          col.longText('exchange_window', true),
          col.bool('active', true),
          col.epochMs('created_at'),
          col.epochMs('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          col.id(),
          col.text('actor_kind', 16),
          col.ref('actor_id', true),
          col.text('action', 64),
          col.text('target_kind', 32, true),
          col.text('target_id', 64, true),
          col.longText('before', true),
          col.longText('after', true),
          col.epochMs('created_at'),
        ],
        indices: [
          { name: 'idx_audit_target', columnNames: ['target_kind', 'target_id'] },
          { name: 'idx_audit_created', columnNames: ['created_at'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_log', 'gifts', 'program_config', 'members', 'staff', 'stores', 'app_settings']) {
      await queryRunner.dropTable(table);
    }
  }
}
