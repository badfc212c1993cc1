import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * The expiry job walks due lots in (expires_at, id) order with a keyset cursor, so each batch reads
 * only its own rows instead of re-reading (and locking) every due lot before it.
 */
export class LotExpiryKeyset1795430000000 implements MigrationInterface {
  name = 'LotExpiryKeyset1795430000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'point_lots',
      new TableIndex({ name: 'idx_lots_due', columnNames: ['expires_at', 'id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('point_lots', 'idx_lots_due');
  }
}
