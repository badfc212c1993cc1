import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { col } from './schema-helpers';

/**
 * Membership (DOMAIN §1, §2, §11, §15): join scenes and attribution, SMS one-time codes, the dynamic card
 * code's per-member state and its used codes, and referrals with their per-referrer caps.
 */
export class Membership1795400000000 implements MigrationInterface {
  name = 'Membership1795400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'scenes',
        columns: [
          // WeChat mini-program codes carry at most 32 characters of scene.
          { ...col.text('code', 32), isPrimary: true },
          col.text('kind', 16),
          col.text('target_id', 64),
          col.text('created_by_kind', 16),
          col.ref('created_by', true),
          col.epochMs('created_at'),
        ],
        indices: [{ name: 'idx_scenes_target', columnNames: ['kind', 'target_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'member_joins',
        columns: [
          { ...col.ref('member_id'), isPrimary: true },
          col.text('channel', 16),
          col.text('scene', 32, true),
          col.text('scene_kind', 16, true),
          col.ref('store_id', true),
          col.ref('staff_id', true),
          col.text('campaign', 64, true),
          col.ref('referrer_id', true),
          col.text('device_hash', 64, true),
          col.text('consent_version', 32),
          col.epochMs('consented_at'),
          col.epochMs('created_at'),
        ],
        indices: [
          { name: 'idx_member_joins_store', columnNames: ['store_id', 'created_at'] },
          { name: 'idx_member_joins_scene', columnNames: ['scene'] },
          { name: 'idx_member_joins_device', columnNames: ['device_hash'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        // What WeChat told at login about an openid that may not have joined yet (the unionid).
        name: 'wechat_accounts',
        columns: [
          { ...col.text('openid', 128), isPrimary: true },
          col.text('unionid', 128, true),
          col.epochMs('last_login_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'sms_codes',
        columns: [
          // One live code per phone: a new one replaces it (at most once a minute).
          { ...col.text('phone_hash', 64), isPrimary: true },
          col.text('code_hash', 64),
          col.int('attempts', { default: 0 }),
          col.epochMs('sent_at'),
          col.epochMs('expires_at'),
          col.epochMs('consumed_at', true),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'member_card_codes',
        columns: [
          { ...col.ref('member_id'), isPrimary: true },
          // Opaque per-member reference in the dynamic code (never the card number); replaced on reissue.
          col.text('ref', 24),
          // Bumped each time a code is used, which kills every code of the previous sequence.
          col.int('seq', { default: 0 }),
          col.text('current_hash', 64),
          col.epochMs('updated_at'),
        ],
        uniques: [
          { name: 'uq_member_card_codes_ref', columnNames: ['ref'] },
          { name: 'uq_member_card_codes_hash', columnNames: ['current_hash'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'card_code_uses',
        columns: [
          { ...col.text('code_hash', 64), isPrimary: true },
          col.ref('member_id'),
          col.int('seq'),
          col.epochMs('used_at'),
        ],
        indices: [{ name: 'idx_card_code_uses_member', columnNames: ['member_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'referrals',
        columns: [
          col.id(),
          col.ref('referrer_id'),
          col.ref('invitee_id'),
          col.text('scene', 32),
          col.text('state', 16),
          col.text('reason', 32, true),
          col.text('qualifying_purchase_id', 64, true),
          col.epochMs('grant_after', true),
          col.int('reward_points', { nullable: true }),
          col.ref('reward_posting_id', true),
          col.epochMs('created_at'),
          col.epochMs('updated_at'),
        ],
        // One referrer per member (DOMAIN §11): the invitee's only attempt is recorded, refused or not.
        uniques: [{ name: 'uq_referrals_invitee', columnNames: ['invitee_id'] }],
        indices: [
          { name: 'idx_referrals_referrer', columnNames: ['referrer_id', 'state'] },
          { name: 'idx_referrals_due', columnNames: ['state', 'grant_after'] },
          { name: 'idx_referrals_purchase', columnNames: ['qualifying_purchase_id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'referral_counters',
        columns: [
          { ...col.ref('referrer_id'), isPrimary: true },
          // `d:2026-03-01` or `m:2026-03`, in the program's time zone.
          { ...col.text('period_key', 16), isPrimary: true },
          col.int('taken', { default: 0 }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'referral_counters',
      'referrals',
      'card_code_uses',
      'member_card_codes',
      'sms_codes',
      'wechat_accounts',
      'member_joins',
      'scenes',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
