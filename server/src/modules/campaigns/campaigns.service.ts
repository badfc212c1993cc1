import {
  type ActiveCampaign,
  type CampaignBody,
  type CampaignPatch,
  multiplierHundredths,
  type ProgramConfig,
} from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { execute, select, Transactions } from '../../common/transactions';
import { AuditService } from '../audit/audit.service';
import { localDate } from '../checkout/calendar';

interface CampaignRow {
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

const COLUMNS =
  'id, name, kind, discount_percent, points_multiplier, starts_at, ends_at, days_of_month, tiers, store_ids, budget_cap, budget_used, active';

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

/**
 * Campaigns (DOMAIN §8): a discount or a points multiplier with a time window, an audience (tiers,
 * stores) and a budget cap. The budget is spent by an atomic conditional UPDATE in the purchase's
 * transaction, so concurrent purchases can never overspend it.
 */
@Injectable()
export class CampaignsService {
  constructor(
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** The campaigns running at `at` with budget left; `applicable` narrows them to one purchase. */
  async runningAt(tx: EntityManager, at: number): Promise<RunningCampaigns> {
    const rows = await select<CampaignRow>(
      tx,
      `SELECT ${COLUMNS} FROM campaigns WHERE active = 1 AND starts_at <= ? AND ends_at > ?
       AND (budget_cap IS NULL OR budget_used < budget_cap)`,
      [at, at],
    );
    return { at, campaigns: rows.map(view) };
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
      }));
  }

  /** Spends `amount` of a campaign's budget; false when it would go over. */
  async spendBudget(tx: EntityManager, campaignId: string, amount: number): Promise<boolean> {
    if (amount <= 0) return true;
    const changed = await execute(
      tx,
      'UPDATE campaigns SET budget_used = budget_used + ? WHERE id = ? AND (budget_cap IS NULL OR budget_used + ? <= budget_cap)',
      [amount, campaignId, amount],
    );
    return changed === 1;
  }

  async list() {
    return this.transactions.run(async (tx) => ({
      items: (
        await select<CampaignRow>(tx, `SELECT ${COLUMNS} FROM campaigns ORDER BY starts_at DESC, id DESC LIMIT 500`)
      ).map(view),
    }));
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
      await execute(
        tx,
        `INSERT INTO campaigns (${COLUMNS}, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?)`,
        [
          id,
          body.name,
          body.kind,
          body.kind === 'discount' ? (body.discountPercent ?? null) : null,
          body.kind === 'doublePoints' ? (body.pointsMultiplier ?? null) : null,
          startsAt,
          endsAt,
          json(body.daysOfMonth),
          json(body.tiers),
          json(body.storeIds),
          body.budgetCap ?? null,
          now,
          now,
        ],
      );
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
      await execute(tx, 'UPDATE campaigns SET active = ?, ends_at = ?, budget_cap = ?, updated_at = ? WHERE id = ?', [
        (patch.active ?? before.active) ? 1 : 0,
        patch.endsAt ? Date.parse(patch.endsAt) : Date.parse(before.endsAt),
        patch.budgetCap ?? before.budgetCap,
        now,
        id,
      ]);
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
    const rows = await select<CampaignRow>(tx, `SELECT ${COLUMNS} FROM campaigns WHERE id = ?`, [id]);
    if (!rows[0]) throw new AppError('NOT_FOUND', 'no such campaign');
    return view(rows[0]);
  }
}
