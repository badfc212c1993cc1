import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { col } from './schema-helpers';

/**
 * What each purchase spent of a campaign's budget (DOMAIN §8), and how much of it refunds gave back: a discount
 * campaign spends the fen it took off, a points campaign the extra points it gave. `campaigns.budget_used` is
 * the sum of `amount - returned` over a campaign's rows. Purchases made before this table spent only discount
 * budgets, in full, on `purchases.campaign_id`: they are written here as they were, nothing returned.
 */
export class CampaignBudgetSpends1795480000000 implements MigrationInterface {
  name = 'CampaignBudgetSpends1795480000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'campaign_budget_spends',
        columns: [
          col.id(),
          col.ref('campaign_id'),
          col.ref('purchase_id'),
          col.text('kind', 16),
          { name: 'amount', type: 'bigint' },
          { name: 'returned', type: 'bigint', default: 0 },
          col.epochMs('created_at'),
        ],
        uniques: [{ name: 'uq_campaign_budget_spends', columnNames: ['purchase_id', 'campaign_id'] }],
        indices: [{ name: 'idx_campaign_budget_spends_campaign', columnNames: ['campaign_id'] }],
      }),
    );
    // The purchase's own id is unique and 26 characters: it serves as the row's id for the rows carried over.
    await queryRunner.query(
      `INSERT INTO campaign_budget_spends (id, campaign_id, purchase_id, kind, amount, returned, created_at)
       SELECT p.id, p.campaign_id, p.id, 'discount', p.discount_fen, 0, p.created_at
       FROM purchases p JOIN campaigns c ON c.id = p.campaign_id
       WHERE p.discount_fen > 0`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('campaign_budget_spends');
  }
}
