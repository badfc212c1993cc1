import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { col } from './schema-helpers';

/**
 * Spending points on gifts and member activities (DOMAIN §5): redemptions with their pickup codes, each
 * member's running count per gift (the per-member limit), quality exchanges by staff, member activities
 * and their sign-ups. The `gifts` catalog itself is in the initial schema.
 */
export class Gifts1795410000000 implements MigrationInterface {
  name = 'Gifts1795410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'gift_redemptions',
        columns: [
          col.id(),
          col.ref('gift_id'),
          col.ref('member_id'),
          col.int('quantity'),
          col.int('points_price'),
          col.int('points_spent'),
          col.text('pickup_code', 16),
          { ...col.text('status', 16), default: "'pending'" },
          col.ref('spend_posting_id'),
          col.epochMs('collected_at', true),
          col.ref('collected_store_id', true),
          col.ref('collected_by', true),
          col.epochMs('exchanged_at', true),
          col.epochMs('created_at'),
        ],
        uniques: [{ name: 'uq_gift_redemptions_pickup_code', columnNames: ['pickup_code'] }],
        indices: [
          { name: 'idx_gift_redemptions_member', columnNames: ['member_id', 'id'] },
          { name: 'idx_gift_redemptions_gift', columnNames: ['gift_id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        // How many of a gift a member has redeemed: the row the per-member limit is held on.
        name: 'gift_member_counts',
        columns: [
          { ...col.ref('gift_id'), isPrimary: true },
          { ...col.ref('member_id'), isPrimary: true },
          col.int('redeemed', { default: 0 }),
          col.epochMs('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'gift_exchanges',
        columns: [
          col.id(),
          col.ref('redemption_id'),
          col.ref('staff_id'),
          col.ref('store_id', true),
          col.text('reason', 200),
          col.epochMs('created_at'),
        ],
        indices: [{ name: 'idx_gift_exchanges_redemption', columnNames: ['redemption_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'activities',
        columns: [
          col.id(),
          col.text('name', 64),
          col.text('description', 255, true),
          col.epochMs('starts_at'),
          col.epochMs('signup_deadline'),
          col.int('capacity'),
          col.int('taken', { default: 0 }),
          col.int('points_fee'),
          col.bool('active', true),
          col.epochMs('created_at'),
          col.epochMs('updated_at'),
        ],
        indices: [{ name: 'idx_activities_starts', columnNames: ['active', 'starts_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'activity_signups',
        columns: [
          col.id(),
          col.ref('activity_id'),
          col.ref('member_id'),
          // The member's id while the sign-up stands, its own id once cancelled: the unique key below
          // then allows one standing sign-up per member and activity, and a new one after a cancellation.
          col.ref('seat_key'),
          { ...col.text('status', 16), default: "'active'" },
          col.int('points_fee'),
          col.ref('spend_posting_id', true),
          col.ref('restore_posting_id', true),
          col.epochMs('created_at'),
          col.epochMs('cancelled_at', true),
        ],
        uniques: [{ name: 'uq_activity_signups_seat', columnNames: ['activity_id', 'seat_key'] }],
        indices: [{ name: 'idx_activity_signups_member', columnNames: ['member_id', 'id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'activity_signups',
      'activities',
      'gift_exchanges',
      'gift_member_counts',
      'gift_redemptions',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
