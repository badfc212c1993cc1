import {
  type ActiveCampaign,
  type CampaignBody,
  type CampaignPatch,
  multiplierHundredths,
  type PricingResult,
  type ProgramConfig,
  refundShare,
} from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { Transactions } from '../../common/transactions';
import { AuditService } from '../audit/audit.service';
import { localDate } from '../checkout/calendar';
import { type BudgetSpend, type CampaignRow, CampaignsRepository } from './campaigns.repository';

function view(row: CampaignRow) {
  const list = (value: string | null) => (value === null ? null : (JSON.parse(value) as never[]));
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    discountPercent: row.discount_percent === null ? null : Number(row.discount_percent),
    pointsMultiplier: row.points_multiplier === null ? null : Number(row.points_multiplier),
    startsAt: new Date(Number(row.starts_at)).toISOString(),
    endsAt: new Date(Number(row.ends_at)).toISOString(),
    daysOfMonth: list(row.days_of_month) as number[] | null,
    tiers: list(row.tiers) as string[] | null,
    storeIds: list(row.store_ids) as string[] | null,
    budgetCap: row.budget_cap === null ? null : Number(row.budget_cap),
    budgetUsed: Number(row.budget_used),
    active: Boolean(Number(row.active)),
  };
}

/** The campaigns running at one moment, read once for a checkout. */
export interface RunningCampaigns {
  at: number;
  campaigns: ReturnType<typeof view>[];
}

/** What a refund takes back of a purchase, for the campaign budgets it spent. */
export interface RefundedShare {
  /** The discount the refunded units had (each line's share of its discount). */
  discountFen: number;
  /** The points the purchase earned, the points earlier refunds reversed, and what this one reversed. */
  pointsEarned: number;
  pointsReversedBefore: number;
  pointsReversed: number;
}

/**
 * Campaigns (DOMAIN §8): a discount or a points multiplier with a time window, an audience (tiers,
 * stores) and a budget cap. A discount campaign's budget counts the fen it took off, a points campaign's the
 * extra points it gave (points earned with it minus without it). Budgets are spent by atomic conditional
 * UPDATEs in the purchase's transaction, so concurrent purchases can never overspend them, and a refund gives
 * back its share of what the purchase spent.
 */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly repository: CampaignsRepository,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** The campaigns running at `at` with budget left; `applicable` narrows them to one purchase. */
  async runningAt(tx: EntityManager, at: number): Promise<RunningCampaigns> {
    return { at, campaigns: (await this.repository.running(tx, at)).map(view) };
  }

  /** Of the running campaigns, those for this store and tier on this day (in the program's time zone). */
  applicable(
    running: RunningCampaigns,
    program: ProgramConfig,
    context: { storeId: string; tierCode: string },
  ): ActiveCampaign[] {
    const day = localDate(program, running.at).day;
    return running.campaigns
      .filter(
        (c) =>
          (c.daysOfMonth === null || c.daysOfMonth.includes(day)) &&
          (c.tiers === null || c.tiers.includes(context.tierCode)) &&
          (c.storeIds === null || c.storeIds.includes(context.storeId)),
      )
      .map((c) => ({
        id: c.id,
        name: c.name,
        discountPercent: c.discountPercent,
        // DECIMAL(6,2) holds exact hundredths; MariaDB answers "1.15", SQLite 1.15: either converts exactly.
        pointsMultiplierHundredths: c.pointsMultiplier === null ? null : multiplierHundredths(c.pointsMultiplier),
        pointsBudgetLeft:
          c.kind === 'doublePoints' && c.budgetCap !== null ? Math.max(0, c.budgetCap - c.budgetUsed) : null,
      }));
  }

  /**
   * Spends what the priced purchase takes of campaign budgets: the discount campaign's fen off, each points
   * campaign's extra points. Each is a conditional UPDATE that refuses to go over the cap; when one refuses
   * (a concurrent purchase spent the budget since it was read), the ones before it are given back and its id
   * is returned, for the purchase to be priced again. Null when all were spent, and recorded for refunds.
   */
  async spendBudgets(
    tx: EntityManager,
    purchaseId: string,
    pricing: PricingResult,
    now: number,
  ): Promise<string | null> {
    const spends: { campaignId: string; kind: BudgetSpend['kind']; amount: number }[] = [
      ...(pricing.discount.campaignId && pricing.totals.discountFen > 0
        ? [{ campaignId: pricing.discount.campaignId, kind: 'discount' as const, amount: pricing.totals.discountFen }]
        : []),
      ...pricing.campaignPoints.map((c) => ({ campaignId: c.campaignId, kind: 'points' as const, amount: c.points })),
    ];
    for (const [i, spend] of spends.entries()) {
      if (await this.repository.useBudget(tx, spend.campaignId, spend.amount)) continue;
      for (const spent of spends.slice(0, i)) await this.repository.releaseBudget(tx, spent.campaignId, spent.amount);
      return spend.campaignId;
    }
    await this.repository.insertSpends(tx, purchaseId, spends, now);
    return null;
  }

  /**
   * The running campaigns with one campaign's budget read again, under a lock held until the transaction
   * ends (so the purchase priced with it can spend exactly what is left).
   */
  async withBudgetReadAgain(
    tx: EntityManager,
    running: RunningCampaigns,
    campaignId: string,
  ): Promise<RunningCampaigns> {
    const budgetUsed = await this.repository.lockedBudgetUsed(tx, campaignId);
    return {
      at: running.at,
      campaigns: running.campaigns.map((c) => (c.id === campaignId ? { ...c, budgetUsed } : c)),
    };
  }

  /**
   * A refund gives back its share of what the purchase spent of campaign budgets (DOMAIN §6, in proportion):
   * of a discount, the discount of the units refunded; of extra points, the share of the purchase's points the
   * refund reversed (cumulative floors, so the refunds of a whole purchase give back exactly what it spent, and
   * points a refund could not take back, already expired, stay spent).
   */
  async giveBack(tx: EntityManager, purchaseId: string, refunded: RefundedShare): Promise<void> {
    for (const spend of await this.repository.spendsOf(tx, purchaseId)) {
      const share =
        spend.kind === 'discount'
          ? refunded.discountFen
          : refunded.pointsEarned > 0
            ? refundShare(spend.amount, refunded.pointsEarned, refunded.pointsReversedBefore, refunded.pointsReversed)
            : 0;
      const amount = Math.min(share, spend.amount - spend.returned);
      if (amount <= 0) continue;
      if (await this.repository.returnSpend(tx, spend.id, amount)) {
        await this.repository.releaseBudget(tx, spend.campaignId, amount);
      }
    }
  }

  async list() {
    return this.transactions.run(async (tx) => ({ items: (await this.repository.list(tx)).map(view) }));
  }

  async create(staffId: string, body: z.output<typeof CampaignBody>) {
    const startsAt = Date.parse(body.startsAt);
    const endsAt = Date.parse(body.endsAt);
    if (endsAt <= startsAt) throw new AppError('VALIDATION_FAILED', 'endsAt must be after startsAt');
    if (body.kind === 'discount' && body.discountPercent === undefined) {
      throw new AppError('VALIDATION_FAILED', 'a discount campaign needs discountPercent');
    }
    if (body.kind === 'doublePoints' && body.pointsMultiplier === undefined) {
      throw new AppError('VALIDATION_FAILED', 'a points campaign needs pointsMultiplier');
    }
    return this.transactions.run(async (tx) => {
      const id = newId();
      const now = this.clock.now();
      const json = (value: unknown[] | undefined) => (value === undefined ? null : JSON.stringify(value));
      await this.repository.insert(tx, {
        id,
        name: body.name,
        kind: body.kind,
        discountPercent: body.kind === 'discount' ? (body.discountPercent ?? null) : null,
        pointsMultiplier: body.kind === 'doublePoints' ? (body.pointsMultiplier ?? null) : null,
        startsAt,
        endsAt,
        daysOfMonth: json(body.daysOfMonth),
        tiers: json(body.tiers),
        storeIds: json(body.storeIds),
        budgetCap: body.budgetCap ?? null,
        now,
      });
      const created = await this.find(tx, id);
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staffId },
        action: 'campaign.create',
        target: { kind: 'campaign', id },
        after: created,
      });
      return created;
    });
  }

  async update(staffId: string, id: string, patch: z.output<typeof CampaignPatch>) {
    return this.transactions.run(async (tx) => {
      const before = await this.find(tx, id);
      const now = this.clock.now();
      await this.repository.update(
        tx,
        id,
        {
          active: patch.active ?? before.active,
          endsAt: patch.endsAt ? Date.parse(patch.endsAt) : Date.parse(before.endsAt),
          budgetCap: patch.budgetCap ?? before.budgetCap,
        },
        now,
      );
      const after = await this.find(tx, id);
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staffId },
        action: 'campaign.update',
        target: { kind: 'campaign', id },
        before,
        after,
      });
      return after;
    });
  }

  private async find(tx: EntityManager, id: string) {
    const row = await this.repository.find(tx, id);
    if (!row) throw new AppError('NOT_FOUND', 'no such campaign');
    return view(row);
  }
}
