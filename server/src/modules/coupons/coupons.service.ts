import { createHash } from 'node:crypto';
import type { CouponView, IssueCouponBody, IssuedCouponView, ProgramConfig } from '@huika/shared';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { newId } from '../../common/ids';
import { Transactions } from '../../common/transactions';
import { AuditService } from '../audit/audit.service';
import { ProgramService } from '../program/program.service';
import { couponView } from './coupon.views';
import { type CouponRow, CouponsRepository, type TemplateRow } from './coupons.repository';

/** What issued a coupon. */
export type TriggerKind = 'join' | 'birthday' | 'referral' | 'tierUpgrade' | 'manual' | 'batch';

/** The cause of a tier-upgrade coupon: once per member and tier. */
const tierUpgradeTrigger = (tierCode: string, memberId: string) => `tier:${tierCode}:${memberId}`;

/** One coupon to issue: to this member, for this trigger (unique per template: the same trigger never issues twice). */
export interface Grant {
  memberId: string;
  triggerKey: string;
}

/** Why a grant issued nothing. `duplicate`: its trigger issued this template before. */
export type NotIssued = 'duplicate' | 'limit' | 'quota' | 'inactive' | 'ended' | 'notFound';

export type IssueResult =
  { memberId: string; outcome: 'issued'; coupon: CouponRow } | { memberId: string; outcome: NotIssued };

/** Members per transaction in the jobs (birthday, expiry) and batches. */
export const COUPON_CHUNK = 500;

const REFUSALS: Record<Exclude<NotIssued, 'duplicate'>, { code: AppError['code']; message: string }> = {
  limit: { code: 'COUPON_LIMIT_REACHED', message: 'the member has as many of this coupon as one member may have' },
  quota: { code: 'COUPON_QUOTA_EXHAUSTED', message: "the template's quota is used up" },
  inactive: { code: 'COUPON_TEMPLATE_INACTIVE', message: 'the template is not active' },
  ended: { code: 'COUPON_TEMPLATE_INACTIVE', message: "the template's validity has ended" },
  notFound: { code: 'COUPON_TEMPLATE_NOT_FOUND', message: 'no such coupon template' },
};

/** Whether a grant that issued nothing counts as skipped (a duplicate was issued before, so it does not). */
export const isSkipped = (result: IssueResult) => result.outcome !== 'issued' && result.outcome !== 'duplicate';

/**
 * Issuing coupons (DOMAIN §9), exactly once per trigger: join, birthday, referral, tier upgrade, by hand and
 * headquarters batches all go through `issue`, which holds the template's total quota and the per-member
 * limit under any concurrency; and the jobs that go with them (birthdays, expiry).
 */
@Injectable()
export class CouponsService {
  private readonly logger = new Logger('Coupons');

  constructor(
    private readonly repository: CouponsRepository,
    private readonly program: ProgramService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * Issues one coupon of the template per grant, inside the caller's transaction. In this order: triggers
   * that issued already are left out; the members' counter rows are locked (the per-member limit); the
   * template's row is locked last (the quota: the hottest row, held for the shortest time); the coupons are
   * inserted, a trigger taken at the same moment losing on the unique key; then the counts move. One grant
   * per member per call.
   */
  async issue(
    tx: EntityManager,
    templateId: string,
    grants: Grant[],
    triggerKind: TriggerKind,
    program: ProgramConfig,
  ): Promise<IssueResult[]> {
    if (new Set(grants.map((g) => g.memberId)).size !== grants.length) {
      throw new Error('issue(): one grant per member per call');
    }
    const now = this.clock.now();
    const refuseAll = (outcome: NotIssued) => grants.map((g) => ({ memberId: g.memberId, outcome }));
    const peek = await this.repository.template(tx, templateId);
    if (!peek) return refuseAll('notFound');
    if (!peek.active) return refuseAll('inactive');

    const outcomes = new Map<string, IssueResult>();
    const taken = await this.repository.issuedKeys(
      tx,
      templateId,
      grants.map((g) => g.triggerKey),
    );
    const open = grants.filter((g) => {
      if (!taken.has(g.triggerKey)) return true;
      outcomes.set(g.memberId, { memberId: g.memberId, outcome: 'duplicate' });
      return false;
    });
    if (open.length > 0) {
      const counts = await this.repository.lockMemberCounts(
        tx,
        templateId,
        open.map((g) => g.memberId),
        now,
      );
      const template = await this.repository.lockTemplate(tx, templateId);
      if (!template) return refuseAll('notFound');
      const refusal: NotIssued | null = !template.active
        ? 'inactive'
        : template.validTo !== null && template.validTo < now
          ? 'ended'
          : null;
      let room = template.totalQuota === null ? Number.POSITIVE_INFINITY : template.totalQuota - template.issuedCount;
      const candidates: Grant[] = [];
      for (const grant of open) {
        const outcome: NotIssued | null =
          refusal ??
          ((counts.get(grant.memberId) ?? 0) >= template.perMemberLimit ? 'limit' : room <= 0 ? 'quota' : null);
        if (outcome) {
          outcomes.set(grant.memberId, { memberId: grant.memberId, outcome });
        } else {
          candidates.push(grant);
          room -= 1;
        }
      }
      const validity = this.validityOf(template, now, program.timeZone);
      const coupons = candidates.map((g) => ({
        id: newId(),
        templateId,
        memberId: g.memberId,
        triggerKind,
        triggerKey: g.triggerKey,
        ...validity,
        now,
      }));
      const inserted = await this.repository.insertCoupons(tx, template, coupons);
      const winners = coupons.filter((c) => inserted.has(c.id));
      for (const c of coupons) {
        outcomes.set(
          c.memberId,
          inserted.has(c.id)
            ? { memberId: c.memberId, outcome: 'issued', coupon: this.rowOf(template, c, triggerKind) }
            : { memberId: c.memberId, outcome: 'duplicate' },
        );
      }
      if (winners.length > 0) {
        await this.repository.addMemberCounts(
          tx,
          templateId,
          winners.map((c) => c.memberId),
          now,
        );
        await this.repository.addIssued(tx, templateId, winners.length, now);
      }
    }
    return grants.map((g) => outcomes.get(g.memberId) ?? { memberId: g.memberId, outcome: 'duplicate' });
  }

  /** 入会有礼 (DOMAIN §1), inside the join's transaction: the program's join-gift coupons, once per member. */
  async issueOnJoin(tx: EntityManager, memberId: string, program: ProgramConfig): Promise<CouponRow[]> {
    return this.issueEach(tx, program.coupons.joinGiftTemplateIds, memberId, `join:${memberId}`, 'join', program);
  }

  /** Inside the purchase's transaction: the coupons for reaching `tierCode`, once per member and tier. */
  async issueOnTierUpgrade(
    tx: EntityManager,
    memberId: string,
    tierCode: string,
    program: ProgramConfig,
  ): Promise<CouponRow[]> {
    const templateIds = program.coupons.tierUpgradeTemplateIds[tierCode] ?? [];
    return this.issueEach(tx, templateIds, memberId, tierUpgradeTrigger(tierCode, memberId), 'tierUpgrade', program);
  }

  /**
   * Inside the refund's transaction, when it undid an upgrade to `tierCodes` (DOMAIN §6, §9): the coupons
   * that upgrade issued (since `issuedSince`, the upgrading purchase) are withdrawn if still unused. The
   * trigger stays taken, so reaching the tier again issues no second coupon, as before the refund.
   */
  async withdrawTierUpgrade(
    tx: EntityManager,
    memberId: string,
    tierCodes: string[],
    issuedSince: number,
  ): Promise<string[]> {
    return this.repository.withdrawTierUpgrade(
      tx,
      memberId,
      tierCodes.map((code) => tierUpgradeTrigger(code, memberId)),
      issuedSince,
      this.clock.now(),
    );
  }

  /** Inside the grant's transaction: the referrer's coupons for a granted referral, once per referral. */
  async issueOnReferral(
    tx: EntityManager,
    referrerId: string,
    referralId: string,
    program: ProgramConfig,
  ): Promise<CouponRow[]> {
    return this.issueEach(
      tx,
      program.coupons.referralTemplateIds,
      referrerId,
      `referral:${referralId}`,
      'referral',
      program,
    );
  }

  /**
   * Headquarters issues a coupon by hand, with a reason: audited, within the quota and the member's limit.
   * The trigger is the staff member's Idempotency-Key, so even a retry after the key's retention cannot
   * issue twice.
   */
  async issueManual(
    staff: StaffAuth,
    memberId: string,
    key: string | undefined,
    body: z.output<typeof IssueCouponBody>,
  ) {
    return this.idempotency.execute(
      {
        scope: `staff:${staff.staffId}`,
        key,
        route: 'issueCoupon',
        request: { memberId, ...body },
        successStatus: 201,
      },
      async (tx): Promise<z.output<typeof IssuedCouponView>> => {
        if (!(await this.repository.memberIsActive(tx, memberId))) {
          throw new AppError('MEMBER_NOT_FOUND', 'no such member');
        }
        const program = await this.program.get(tx);
        const trigger = createHash('sha256')
          .update(`${staff.staffId}\n${String(key)}`)
          .digest('hex')
          .slice(0, 40);
        const [result] = await this.issue(
          tx,
          body.templateId,
          [{ memberId, triggerKey: `manual:${trigger}` }],
          'manual',
          program,
        );
        if (!result || result.outcome === 'duplicate') {
          throw new AppError('CONFLICT', 'this request issued its coupon already');
        }
        if (result.outcome !== 'issued') {
          const refusal = REFUSALS[result.outcome];
          throw new AppError(refusal.code, refusal.message, { templateId: body.templateId });
        }
        await this.audit.record(tx, {
          actor: { kind: 'staff', id: staff.staffId },
          action: 'coupon.issue',
          target: { kind: 'member', id: memberId },
          after: { couponId: result.coupon.id, templateId: body.templateId, reason: body.reason },
        });
        return { ...couponView(result.coupon, this.clock.now()), memberId };
      },
    );
  }

  /**
   * Birthday gifts (DOMAIN §8): the program's birthday coupons to every active member whose birthday falls in
   * the month of `asOf` (program time zone), once per member and year (the trigger is the year). In chunks,
   * each its own transaction; safe to run again, every day of the month or on several instances at once.
   */
  async issueBirthday(asOf: number): Promise<{ issued: number; skipped: number }> {
    const program = await this.program.get();
    const templateIds = program.coupons.birthdayTemplateIds;
    const totals = { issued: 0, skipped: 0 };
    if (templateIds.length === 0) return totals;
    const local = DateTime.fromMillis(asOf, { zone: program.timeZone });
    const month = local.toFormat('LL');
    let after = '';
    for (;;) {
      const memberIds = await this.repository.membersBornIn(month, after, COUPON_CHUNK);
      if (memberIds.length === 0) break;
      const chunk = await this.transactions.run(async (tx) => {
        const counted = { issued: 0, skipped: 0 };
        for (const templateId of templateIds) {
          const grants = memberIds.map((memberId) => ({ memberId, triggerKey: `birthday:${local.year}:${memberId}` }));
          for (const result of await this.issue(tx, templateId, grants, 'birthday', program)) {
            if (result.outcome === 'issued') counted.issued += 1;
            else if (isSkipped(result)) counted.skipped += 1;
          }
        }
        return counted;
      });
      totals.issued += chunk.issued;
      totals.skipped += chunk.skipped;
      after = memberIds[memberIds.length - 1] as string;
    }
    if (totals.issued > 0) this.logger.log(`birthday coupons: ${totals.issued} issued, ${totals.skipped} skipped`);
    return totals;
  }

  /** Marks every available coupon past its validity at `asOf` expired, in chunks; safe to run again. */
  async expireDue(asOf: number): Promise<number> {
    let expired = 0;
    for (;;) {
      const ids = await this.repository.dueToExpire(asOf, COUPON_CHUNK);
      if (ids.length === 0) return expired;
      expired += await this.transactions.run((tx) => this.repository.markExpired(tx, ids, asOf, this.clock.now()));
    }
  }

  /** The member's coupons the till can use now at this store (POST /api/pos/scan). */
  async usableAtTill(memberId: string, storeId: string | null): Promise<z.output<typeof CouponView>[]> {
    const now = this.clock.now();
    return (await this.repository.usableAt(memberId, storeId, now, 50)).map((c) => couponView(c, now));
  }

  private async issueEach(
    tx: EntityManager,
    templateIds: string[],
    memberId: string,
    triggerKey: string,
    triggerKind: TriggerKind,
    program: ProgramConfig,
  ): Promise<CouponRow[]> {
    const issued: CouponRow[] = [];
    for (const templateId of templateIds) {
      const [result] = await this.issue(tx, templateId, [{ memberId, triggerKey }], triggerKind, program);
      if (result?.outcome === 'issued') issued.push(result.coupon);
      else if (result && result.outcome !== 'duplicate') {
        // Configured, but refused (quota used up, template paused): the trigger goes on without it.
        this.logger.warn(
          `${triggerKind} coupon of template ${templateId} not issued to ${memberId}: ${result.outcome}`,
        );
      }
    }
    return issued;
  }

  /** Fixed dates, or from now until the end of the N-th day after issue (program time zone). */
  private validityOf(template: TemplateRow, now: number, timeZone: string): { validFrom: number; validTo: number } {
    if (template.validDays !== null) {
      return {
        validFrom: now,
        validTo: DateTime.fromMillis(now, { zone: timeZone })
          .plus({ days: template.validDays })
          .endOf('day')
          .toMillis(),
      };
    }
    return { validFrom: template.validFrom ?? now, validTo: template.validTo ?? now };
  }

  private rowOf(
    template: TemplateRow,
    c: { id: string; memberId: string; validFrom: number; validTo: number; now: number },
    triggerKind: TriggerKind,
  ): CouponRow {
    return {
      id: c.id,
      templateId: template.id,
      memberId: c.memberId,
      triggerKind,
      name: template.name,
      kind: template.kind,
      valueFen: template.valueFen,
      percent: template.percent,
      maxDiscountFen: template.maxDiscountFen,
      minSpendFen: template.minSpendFen,
      sku: template.sku,
      categories: template.categories,
      storeIds: template.storeIds,
      stackable: template.stackable,
      validFrom: c.validFrom,
      validTo: c.validTo,
      status: 'available',
      purchaseId: null,
      usedAt: null,
      discountFen: null,
      issuedAt: c.now,
    };
  }
}
