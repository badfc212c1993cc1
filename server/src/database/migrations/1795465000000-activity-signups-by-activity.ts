import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/** An activity's sign-up list, newest first, walked on one index (headquarters' 会员活动 page). */
export class ActivitySignupsByActivity1795465000000 implements MigrationInterface {
  name = 'ActivitySignupsByActivity1795465000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('activity_signups', new TableIndex(INDEX));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('activity_signups', INDEX.name);
  }
}

const INDEX = { name: 'idx_activity_signups_activity', columnNames: ['activity_id', 'id'] };
