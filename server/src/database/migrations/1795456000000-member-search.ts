import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Headquarters' member search (GET /api/admin/members) on a million members. The list is in join order, so
 * each index ends in created_at: the database walks one index in list order and stops after the page.
 *
 * What a purchase costs was the constraint. A purchase already updates the member row (points, and now
 * last_purchase_at), so no index here contains a column a purchase changes, except tier_code, which changes
 * only on an upgrade. points_balance and last_purchase_at stay unindexed: those filters are checked on the rows
 * the join-order walk reads. birth_month is a virtual column (computed from birthday, stored only in its index),
 * so no write path has to keep it.
 */
export class MemberSearch1795456000000 implements MigrationInterface {
  name = 'MemberSearch1795456000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'members',
      new TableColumn({ name: 'last_purchase_at', type: 'bigint', isNullable: true }),
    );
    await queryRunner.query(
      'UPDATE members SET last_purchase_at = (SELECT MAX(p.created_at) FROM purchases p WHERE p.member_id = members.id)',
    );
    await queryRunner.query(
      queryRunner.connection.options.type === 'mysql'
        ? 'ALTER TABLE members ADD COLUMN birth_month TINYINT AS (CAST(SUBSTRING(birthday, 6, 2) AS UNSIGNED)) VIRTUAL'
        : 'ALTER TABLE members ADD COLUMN birth_month INTEGER GENERATED ALWAYS AS (CAST(substr(birthday, 6, 2) AS INTEGER)) VIRTUAL',
    );
    for (const index of INDEXES) await queryRunner.createIndex('members', new TableIndex(index));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.dropIndex('members', index.name);
    await queryRunner.query('ALTER TABLE members DROP COLUMN birth_month');
    await queryRunner.dropColumn('members', 'last_purchase_at');
  }
}

const INDEXES = [
  { name: 'idx_members_joined', columnNames: ['created_at', 'id'] },
  { name: 'idx_members_tier_joined', columnNames: ['tier_code', 'created_at', 'id'] },
  { name: 'idx_members_name', columnNames: ['name'] },
  { name: 'idx_members_scene_joined', columnNames: ['join_scene', 'created_at'] },
  { name: 'idx_members_birth_month', columnNames: ['birth_month', 'created_at'] },
];
