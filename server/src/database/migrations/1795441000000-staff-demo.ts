import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { col } from './schema-helpers';

/**
 * Staff accounts of the demo program (their password is the published demo password): such a manager
 * approves refunds above the threshold only in dev mode.
 */
export class StaffDemo1795441000000 implements MigrationInterface {
  name = 'StaffDemo1795441000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('staff', new TableColumn(col.bool('demo', false)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('staff', 'demo');
  }
}
