import {
  manualTierEnded,
  type ProgramConfig,
  qualifiedTier,
  sortedLadder,
  type Tier,
  type TierFacts,
} from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import { Clock } from '../../common/clock';
import { execute, select, Transactions } from '../../common/transactions';
import { zoneOf } from '../../common/time-zone';
import { AuditService } from '../audit/audit.service';
import { startOfLocalYear } from '../checkout/calendar';
import { CouponsService } from '../coupons/coupons.service';
import { ProgramService } from '../program/program.service';
import { TierRepository } from './tier.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
const EVALUATION_BATCH = 200;

export interface MemberTierState {
  id: string;
  tierCode: string;
  tierSince: number | null;
  tierManualUntil: number | null;
}

/** A member's tier facts read before a purchase is written, under the program they were read for. */
export interface FactsBefore {
  program: ProgramConfig;
  facts: TierFacts;
}

export function tierOf(program: ProgramConfig, code: string): Tier {
  const ladder = sortedLadder(program);
  return ladder.find((t) => t.code === code) ?? (ladder[0] as Tier);
}

/**
 * Tiers as a strategy of the program (DOMAIN §7): the measure is configuration, the rules here are
 * when it is applied. Upgrades happen at once on the qualifying purchase; a refund re-evaluates an upgrade
 * that purchase caused; downgrades wait for the period-end evaluation, after a grace period, one step at
 * a time; a manual tier lasts until its date and then the member's own qualification applies again.
 */
@Injectable()
export class TierService {
  constructor(
    private readonly repository: TierRepository,
    private readonly program: ProgramService,
    private readonly audit: AuditService,
    private readonly coupons: CouponsService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Transactions) private readonly transactions: Transactions,
  ) {}

  now(): number {
    return this.clock.now();
  }

  /** What the member page shows of the tier: since when, a manual hold's end, the latest 20 changes. */
  history(manager: EntityManager, memberId: string) {
    return this.repository.historyOf(manager, memberId, 20);
  }

  async facts(
    tx: EntityManager,
    program: ProgramConfig,
    memberId: string,
    at: number,
    singlePurchaseFen: number | null,
  ): Promise<TierFacts> {
    const [{ facts }, single] = await Promise.all([
      this.factsBefore(tx, program, memberId, at),
      singlePurchaseFen ?? this.repository.largestPurchaseSince(tx, memberId, at - program.tiers.windowDays * DAY_MS),
    ]);
    return { ...facts, singlePurchaseFen: single };
  }

  /**
   * The facts a purchase at `at` adds to, without that purchase (`purchaseId`, once it is written): its reads
   * issued together. Read before the purchase is written, with the member row locked by it, nothing else can
   * add to them meanwhile, and `afterPurchase` needs no read of its own.
   */
  async factsBefore(
    tx: EntityManager,
    program: ProgramConfig,
    memberId: string,
    at: number,
    purchaseId: string | null = null,
  ): Promise<FactsBefore> {
    const { measure } = program.tiers;
    // The local year's start only for the measures that count from it (a zone calculation on every purchase).
    const yearStart = measure === 'calendarYearSpend' || measure === 'pointsEarned' ? startOfLocalYear(program, at) : 0;
    const [windowSpendFen, calendarYearSpendFen, pointsEarnedThisYear] = await Promise.all([
      this.repository.spendSince(tx, memberId, at - program.tiers.windowDays * DAY_MS, purchaseId),
      measure === 'calendarYearSpend' ? this.repository.spendSince(tx, memberId, yearStart, purchaseId) : 0,
      measure === 'pointsEarned' ? this.repository.pointsEarnedSince(tx, memberId, yearStart, purchaseId) : 0,
    ]);
    return {
      program,
      facts: { singlePurchaseFen: 0, windowSpendFen, calendarYearSpendFen, pointsEarnedThisYear, largestTopUpFen: 0 },
    };
  }

  /**
   * After a purchase is written: upgrade at once when it qualifies the member for a higher tier, with the
   * program's coupons for reaching that tier (once per member and tier). The purchase is added to the facts
   * without it: `before`, when they were read for this very program, or else read now.
   */
  async afterPurchase(
    tx: EntityManager,
    program: ProgramConfig,
    member: MemberTierState,
    purchase: { id: string; paidFen: number; pointsEarned: number; staffId: string },
    before: FactsBefore | null = null,
  ): Promise<{ tier: Tier; changed: boolean; couponsIssued: { id: string; name: string }[] }> {
    const now = this.clock.now();
    const current = tierOf(program, member.tierCode);
    const without = (
      before?.program === program ? before : await this.factsBefore(tx, program, member.id, now, purchase.id)
    ).facts;
    const qualified = qualifiedTier(program, {
      ...without,
      singlePurchaseFen: purchase.paidFen,
      windowSpendFen: without.windowSpendFen + purchase.paidFen,
      calendarYearSpendFen:
        program.tiers.measure === 'calendarYearSpend' ? without.calendarYearSpendFen + purchase.paidFen : 0,
      pointsEarnedThisYear:
        program.tiers.measure === 'pointsEarned' ? without.pointsEarnedThisYear + purchase.pointsEarned : 0,
    });
    if (qualified.rank <= current.rank) return { tier: current, changed: false, couponsIssued: [] };
    await this.repository.setTier(tx, {
      memberId: member.id,
      from: current.code,
      to: qualified.code,
      reason: 'purchase',
      refId: purchase.id,
      actorId: purchase.staffId,
      now,
    });
    const coupons = await this.coupons.issueOnTierUpgrade(tx, member.id, qualified.code, program);
    return { tier: qualified, changed: true, couponsIssued: coupons.map((c) => ({ id: c.id, name: c.name })) };
  }

  /**
   * After a refund: if this purchase lifted the member and they no longer qualify without what was
   * refunded, they go back — but never below the tier they had before the purchase.
   */
  async afterRefund(
    tx: EntityManager,
    program: ProgramConfig,
    member: MemberTierState,
    purchase: { id: string; tierBefore: string; tierAfter: string; createdAt: number },
    refundId: string,
    staffId: string,
  ): Promise<Tier> {
    const current = tierOf(program, member.tierCode);
    if (purchase.tierAfter === purchase.tierBefore || member.tierCode !== purchase.tierAfter) return current;
    const now = this.clock.now();
    const qualified = qualifiedTier(program, await this.facts(tx, program, member.id, now, null));
    if (qualified.rank >= current.rank) return current;
    const before = tierOf(program, purchase.tierBefore);
    const target = qualified.rank > before.rank ? qualified : before;
    await this.repository.setTier(tx, {
      memberId: member.id,
      from: current.code,
      to: target.code,
      reason: 'refund',
      refId: refundId,
      actorId: staffId,
      now,
    });
    // The upgrade is undone: the coupons it issued for the tiers now lost go too, unless already used.
    const lost = sortedLadder(program).filter((t) => t.rank > target.rank && t.rank <= current.rank);
    await this.coupons.withdrawTierUpgrade(
      tx,
      member.id,
      lost.map((t) => t.code),
      purchase.createdAt,
    );
    return target;
  }

  /**
   * The tier that applies to the member at `at`: theirs, unless it is a manual tier past its end — then their
   * own qualification, the tier `endManual` would set. Reads only (a quote, the member's page).
   */
  async applying(tx: EntityManager, program: ProgramConfig, member: MemberTierState, at: number): Promise<Tier> {
    if (!manualTierEnded(member.tierManualUntil, at)) return tierOf(program, member.tierCode);
    return qualifiedTier(program, await this.facts(tx, program, member.id, at, null));
  }

  /** `applying` for a member read by id; null for no active member. */
  async applyingTo(manager: EntityManager, program: ProgramConfig, memberId: string, at: number): Promise<Tier | null> {
    const member = await this.repository.stateOf(manager, memberId);
    return member ? this.applying(manager, program, member, at) : null;
  }

  /**
   * Ends a manual tier past its end, in the caller's transaction: the member's own qualification applies from
   * now (a `manual-ended` change in tier_history, and audited). A purchase does it before it is priced, so it
   * never gets the benefits of a tier that is over; the period-end batch does it for everyone else. Returns the
   * member as they are after it (unchanged when the manual tier is still running, or there is none).
   */
  async endManualIfOver<M extends MemberTierState>(
    tx: EntityManager,
    program: ProgramConfig,
    member: M,
    at: number,
    refId: string | null = null,
  ): Promise<M> {
    if (!manualTierEnded(member.tierManualUntil, at)) return member;
    const qualified = await this.applying(tx, program, member, at);
    await this.repository.setTier(tx, {
      memberId: member.id,
      from: member.tierCode,
      to: qualified.code,
      reason: 'manual-ended',
      refId,
      actorId: null,
      now: at,
    });
    await this.audit.record(tx, {
      actor: { kind: 'system', id: null },
      action: 'member.tier.manual_ended',
      target: { kind: 'member', id: member.id },
      before: { tier: member.tierCode, until: new Date(member.tierManualUntil as number).toISOString() },
      after: { tier: qualified.code },
    });
    return { ...member, tierCode: qualified.code, tierSince: at, tierManualUntil: null };
  }

  /** Headquarters sets a tier until a date (audited). It ends then; it never becomes a silent floor. */
  async setManual(staffId: string, memberId: string, tierCode: string, until: number, reason: string) {
    return this.transactions.run(async (tx) => {
      const program = await this.program.get(tx);
      const tier = program.tiers.ladder.find((t) => t.code === tierCode);
      if (!tier) throw new AppError('VALIDATION_FAILED', `no tier ${tierCode} in the program`);
      const now = this.clock.now();
      if (until <= now) throw new AppError('VALIDATION_FAILED', 'until must be in the future');
      const rows = await select<{ tier_code: string }>(
        tx,
        "SELECT tier_code FROM members WHERE id = ? AND status = 'active'",
        [memberId],
      );
      const from = rows[0]?.tier_code;
      if (!from) throw new AppError('MEMBER_NOT_FOUND', 'no such member');
      await this.repository.setTier(
        tx,
        { memberId, from, to: tier.code, reason: 'manual', refId: null, actorId: staffId, now },
        until,
      );
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staffId },
        action: 'member.tier.set',
        target: { kind: 'member', id: memberId },
        before: { tier: from },
        after: { tier: tier.code, until: new Date(until).toISOString(), reason },
      });
      return { memberId, tier: { code: tier.code, name: tier.name }, until: new Date(until).toISOString() };
    });
  }

  /** Headquarters ends a manual tier before its date: the tier the member qualifies for applies from now. */
  async endManual(staffId: string, memberId: string, reason: string) {
    return this.transactions.run(async (tx) => {
      const program = await this.program.get(tx);
      const rows = await select<{ tier_code: string; tier_manual_until: number | string | null }>(
        tx,
        "SELECT tier_code, tier_manual_until FROM members WHERE id = ? AND status = 'active'",
        [memberId],
      );
      const row = rows[0];
      if (!row) throw new AppError('MEMBER_NOT_FOUND', 'no such member');
      if (row.tier_manual_until === null) throw new AppError('CONFLICT', 'the member holds no manual tier');
      const now = this.clock.now();
      const qualified = qualifiedTier(program, await this.facts(tx, program, memberId, now, null));
      await this.repository.setTier(tx, {
        memberId,
        from: row.tier_code,
        to: qualified.code,
        reason: 'manual-ended',
        refId: null,
        actorId: staffId,
        now,
      });
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staffId },
        action: 'member.tier.end',
        target: { kind: 'member', id: memberId },
        before: { tier: row.tier_code, until: new Date(Number(row.tier_manual_until)).toISOString() },
        after: { tier: qualified.code, reason },
      });
      return { memberId, tier: { code: qualified.code, name: qualified.name } };
    });
  }

  /**
   * The period-end evaluation (`huika evaluate-tiers`). Periods are calendar months in the program's
   * time zone; a member is reviewed once per period, so a second run in the same period changes
   * nothing. Manual tiers past their date end first. Runs in batches, each its own transaction.
   */
  async evaluate(asOf: number): Promise<{ reviewed: number; downgraded: number; manualEnded: number }> {
    const program = await this.program.get();
    const period = DateTime.fromMillis(asOf, { zone: zoneOf(program.timeZone) }).toFormat('yyyy-MM');
    const entry = sortedLadder(program)[0] as Tier;
    const totals = { reviewed: 0, downgraded: 0, manualEnded: 0 };
    let after = '';
    for (;;) {
      const batch = await this.transactions.run(async (tx) => {
        const members = await select<{
          id: string;
          tier_code: string;
          tier_since: number | string | null;
          tier_manual_until: number | string | null;
        }>(
          tx,
          `SELECT id, tier_code, tier_since, tier_manual_until FROM members
           WHERE id > ? AND status = 'active'
             AND ((tier_manual_until IS NOT NULL AND tier_manual_until <= ?)
               OR (tier_manual_until IS NULL AND tier_code <> ? AND (tier_reviewed_period IS NULL OR tier_reviewed_period <> ?)))
           ORDER BY id LIMIT ${EVALUATION_BATCH}`,
          [after, asOf, entry.code, period],
        );
        for (const row of members) {
          if (row.tier_manual_until !== null) {
            totals.manualEnded += 1;
            await this.endManualIfOver(
              tx,
              program,
              {
                id: row.id,
                tierCode: row.tier_code,
                tierSince: row.tier_since === null ? null : Number(row.tier_since),
                tierManualUntil: Number(row.tier_manual_until),
              },
              asOf,
            );
            continue;
          }
          const current = tierOf(program, row.tier_code);
          const qualified = qualifiedTier(program, await this.facts(tx, program, row.id, asOf, null));
          totals.reviewed += 1;
          const since = row.tier_since === null ? 0 : Number(row.tier_since);
          const graceOver = since + program.tiers.downgradeGraceDays * DAY_MS <= asOf;
          if (qualified.rank < current.rank && graceOver) {
            const oneDown = sortedLadder(program)
              .filter((t) => t.rank < current.rank)
              .at(-1) as Tier;
            totals.downgraded += 1;
            await this.repository.setTier(tx, {
              memberId: row.id,
              from: current.code,
              to: oneDown.code,
              reason: 'period-end',
              refId: period,
              actorId: null,
              now: asOf,
            });
          }
          await execute(tx, 'UPDATE members SET tier_reviewed_period = ? WHERE id = ?', [period, row.id]);
        }
        return members.map((m) => m.id);
      });
      if (batch.length === 0) return totals;
      after = batch[batch.length - 1] as string;
    }
  }
}
