import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { col } from './schema-helpers';

/**
 * Every version of the program, kept whole: headquarters sees who changed what and when, and a version can be
 * read back. A database that has a program already starts its history with it; a new one gets its first
 * version when the program is installed. `program_config.updated_by` names who made the current version.
 */
export class ProgramVersions1795455000000 implements MigrationInterface {
  name = 'ProgramVersions1795455000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'program_versions',
        columns: [
          { name: 'version', type: 'int', isPrimary: true },
          col.longText('config'),
          col.ref('created_by', true),
          col.epochMs('created_at'),
        ],
      }),
    );
    await queryRunner.addColumn('program_config', new TableColumn(col.ref('updated_by', true)));
    await queryRunner.query(
      'INSERT INTO program_versions (version, config, created_by, created_at) SELECT revision, config, NULL, updated_at FROM program_config WHERE id = 1',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('program_config', 'updated_by');
    await queryRunner.dropTable('program_versions');
  }
}
