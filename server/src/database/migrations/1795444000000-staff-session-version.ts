import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { col } from './schema-helpers';

/**
 * A staff account's session version: bumped whenever its sessions must end (deactivated, role or store changed,
 * new password). An access token carries the version it was issued under and is refused once it differs.
 */
export class StaffSessionVersion1795444000000 implements MigrationInterface {
  name = 'StaffSessionVersion1795444000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('staff', new TableColumn(col.int('session_version', { default: 0 })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('staff', 'session_version');
  }
}
