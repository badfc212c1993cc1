import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId } from '../../common/ids';
import { execute, select, Transactions } from '../../common/transactions';

export interface CampaignRow {
  id: string;
  name: string;
  kind: 'discount' | 'doublePoints';
  discount_percent: number | string | null;
  points_multiplier: number | string | null;
  starts_at: number | string;
  ends_at: number | string;
  days_of_month: string | null;
  tiers: string | null;
  store_ids: string | null;
  budget_cap: number | string | null;
  budget_used: number | string;
  active: number | boolean;
}

export interface NewCampaign {
  id: string;
  name: string;
  kind: 'discount' | 'doublePoints';
  discountPercent: number | null;
  pointsMultiplier: number | null;
  startsAt: number;
  endsAt: number;
  daysOfMonth: string | null;
  tiers: string | null;
  storeIds: string | null;
  budgetCap: number | null;
  now: number;
}

/** What one purchase spent of one campaign's budget, and what refunds gave back of it. */
export interface BudgetSpend {
  id: string;
  campaignId: string;
  kind: 'discount' | 'points';
  amount: number;
  returned: number;
}

const COLUMNS =
  'id, name, kind, discount_percent, points_multiplier, starts_at, ends_at, days_of_month, tiers, store_ids, budget_cap, budget_used, active';

/**
 * The SQL of campaigns and of what purchases spent of their budgets (campaign_budget_spends). A budget moves
 * only by conditional UPDATEs, and `budget_used` is always the sum of the spends less what was given back.
 */
@Injectable()
export class CampaignsRepository {
  constructor(@Inject(Transactions) private readonly transactions: Transactions) {}

  private get forUpdate(): string {
    // SQLite transactions hold the database's single write lock already.
    return this.transactions.dialect === 'mysql' ? ' FOR UPDATE' : '';
  }

  /** The campaigns running at `at` with budget left. */
  async running(tx: EntityManager, at: number): Promise<CampaignRow[]> {
    return select<CampaignRow>(
      tx,
      `SELECT ${COLUMNS} FROM campaigns WHERE active = 1 AND starts_at <= ? AND ends_at > ?
       AND (budget_cap IS NULL OR budget_used < budget_cap)`,
      [at, at],
    );
  }

  async list(tx: EntityManager): Promise<CampaignRow[]> {
    return select<CampaignRow>(tx, `SELECT ${COLUMNS} FROM campaigns ORDER BY starts_at DESC, id DESC LIMIT 500`);
  }

  async find(tx: EntityManager, id: string): Promise<CampaignRow | null> {
    return (await select<CampaignRow>(tx, `SELECT ${COLUMNS} FROM campaigns WHERE id = ?`, [id]))[0] ?? null;
  }

  /** The budget a campaign has used, read under a lock (MySQL: `FOR UPDATE`) held until the transaction ends. */
  async lockedBudgetUsed(tx: EntityManager, id: string): Promise<number> {
    const rows = await select<{ budget_used: number | string }>(
      tx,
      `SELECT budget_used FROM campaigns WHERE id = ?${this.forUpdate}`,
      [id],
    );
    return Number(rows[0]?.budget_used ?? 0);
  }

  async insert(tx: EntityManager, c: NewCampaign): Promise<void> {
    await execute(
      tx,
      `INSERT INTO campaigns (${COLUMNS}, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?)`,
      [
        c.id,
        c.name,
        c.kind,
        c.discountPercent,
        c.pointsMultiplier,
        c.startsAt,
        c.endsAt,
        c.daysOfMonth,
        c.tiers,
        c.storeIds,
        c.budgetCap,
        c.now,
        c.now,
      ],
    );
  }

  async update(
    tx: EntityManager,
    id: string,
    fields: { active: boolean; endsAt: number; budgetCap: number | null },
    now: number,
  ): Promise<void> {
    await execute(tx, 'UPDATE campaigns SET active = ?, ends_at = ?, budget_cap = ?, updated_at = ? WHERE id = ?', [
      fields.active ? 1 : 0,
      fields.endsAt,
      fields.budgetCap,
      now,
      id,
    ]);
  }

  /** Adds `amount` to what the campaign used, only if that stays within its cap; false when it would not. */
  async useBudget(tx: EntityManager, id: string, amount: number): Promise<boolean> {
    const changed = await execute(
      tx,
      'UPDATE campaigns SET budget_used = budget_used + ? WHERE id = ? AND (budget_cap IS NULL OR budget_used + ? <= budget_cap)',
      [amount, id, amount],
    );
    return changed === 1;
  }

  /** Takes `amount` off what the campaign used (a refund's share, or a spend this transaction undoes). */
  async releaseBudget(tx: EntityManager, id: string, amount: number): Promise<void> {
    await execute(tx, 'UPDATE campaigns SET budget_used = budget_used - ? WHERE id = ? AND budget_used >= ?', [
      amount,
      id,
      amount,
    ]);
  }

  async insertSpends(
    tx: EntityManager,
    purchaseId: string,
    spends: { campaignId: string; kind: BudgetSpend['kind']; amount: number }[],
    now: number,
  ): Promise<void> {
    if (spends.length === 0) return;
    await execute(
      tx,
      `INSERT INTO campaign_budget_spends (id, campaign_id, purchase_id, kind, amount, returned, created_at)
       VALUES ${spends.map(() => '(?, ?, ?, ?, ?, 0, ?)').join(', ')}`,
      spends.flatMap((s) => [newId(), s.campaignId, purchaseId, s.kind, s.amount, now]),
    );
  }

  /** What the purchase spent of campaign budgets, locked (MySQL: `FOR UPDATE`) for the refund that gives some back. */
  async spendsOf(tx: EntityManager, purchaseId: string): Promise<BudgetSpend[]> {
    const rows = await select<{
      id: string;
      campaign_id: string;
      kind: BudgetSpend['kind'];
      amount: number | string;
      returned: number | string;
    }>(
      tx,
      `SELECT id, campaign_id, kind, amount, returned FROM campaign_budget_spends WHERE purchase_id = ? ORDER BY id${this.forUpdate}`,
      [purchaseId],
    );
    return rows.map((r) => ({
      id: r.id,
      campaignId: r.campaign_id,
      kind: r.kind,
      amount: Number(r.amount),
      returned: Number(r.returned),
    }));
  }

  /** Counts `amount` more of a spend as given back, only within what it spent; false when it would not be. */
  async returnSpend(tx: EntityManager, spendId: string, amount: number): Promise<boolean> {
    const changed = await execute(
      tx,
      'UPDATE campaign_budget_spends SET returned = returned + ? WHERE id = ? AND returned + ? <= amount',
      [amount, spendId, amount],
    );
    return changed === 1;
  }
}
