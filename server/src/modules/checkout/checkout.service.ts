import {
  type BasketLine,
  isCardLapsed,
  type ProgramConfig,
  type PurchaseBody,
  type QuoteBody,
  type RefundBody,
  priceBasket,
  PricingError,
  type PricingResult,
  prorate,
  refundShare,
} from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { newId } from '../../common/ids';
import { zoneOf } from '../../common/time-zone';
import { together, Transactions } from '../../common/transactions';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { AuditService } from '../audit/audit.service';
import { CampaignsService, type RunningCampaigns } from '../campaigns/campaigns.service';
import { CardCodeService } from '../card/card-code.service';
import { CheckoutTokenService } from '../card/checkout-token.service';
import type { AppliedCoupon } from '../coupons/coupon-engine';
import { CouponCheckoutService } from '../coupons/coupon-checkout.service';
import { LedgerService } from '../ledger/ledger.service';
import { MeService } from '../me/me.service';
import { ProgramService } from '../program/program.service';
import { MembersRepository } from '../members/members.repository';
import { ReferralService } from '../referral/referral.service';
import { StaffCredentials } from '../staff/staff-credentials';
import { StaffSessions } from '../staff/staff-sessions';
import { tierOf, TierService } from '../tiers/tier.service';
import { isBirthday, isMemberDay, startOfLocalDay } from './calendar';
import { pricingView } from './pricing.view';
import { CheckoutRepository, type MemberAtTill } from './checkout.repository';
import { approverRefusal } from './refund-approval';
import { manualCheckoutRefusal, type TillSpending } from './manual-checkout';

type Quote = z.output<typeof QuoteBody>;
type Purchase = z.output<typeof PurchaseBody>;
type Refund = z.output<typeof RefundBody>;

const couponLine = (c: AppliedCoupon) => ({ id: c.couponId, name: c.name, amountFen: c.amountFen });

/**
 * The till (DOMAIN §3, §6, §7, §8): quotes, purchases and refunds. A purchase is one transaction: the
 * purchase and its lines, the points spent and earned (ledger postings), the stored value, the campaign
 * budget, the tier, the card's validity and the single use of the card code all commit or none does.
 */
@Injectable()
export class CheckoutService {
  constructor(
    private readonly repository: CheckoutRepository,
    private readonly members: MembersRepository,
    private readonly program: ProgramService,
    private readonly ledger: LedgerService,
    private readonly tiers: TierService,
    private readonly campaigns: CampaignsService,
    private readonly coupons: CouponCheckoutService,
    private readonly checkoutTokens: CheckoutTokenService,
    private readonly cardCodes: CardCodeService,
    private readonly referrals: ReferralService,
    private readonly idempotency: IdempotencyService,
    private readonly audit: AuditService,
    private readonly me: MeService,
    private readonly credentials: StaffCredentials,
    private readonly staffSessions: StaffSessions,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async quote(staff: StaffAuth, body: Quote) {
    const { memberId, cardCodeHash } = await this.checkoutTokens.verify(body.checkoutToken, staff);
    refuseManualSpending(cardCodeHash !== null, body);
    return this.transactions.run(async (tx) => {
      const [program, atTill, running] = await together([
        this.program.get(tx),
        this.repository.memberAtTill(tx, memberId),
        this.campaigns.runningAt(tx, this.clock.now()),
      ]);
      this.assertUsable(program, atTill);
      // A manual tier past its end is priced as the purchase will end it: at the member's own qualification.
      const tier = await this.tiers.applying(tx, program, atTill, running.at);
      const member = { ...atTill, tierCode: tier.code };
      const { pricing, coupons } = await this.price(tx, program, member, staff.storeId, body, running);
      return { ...pricingView(pricing), coupons: coupons.map(couponLine) };
    });
  }

  async purchase(staff: StaffAuth, key: string | undefined, body: Purchase) {
    if (staff.role !== 'admin' && staff.storeId !== body.storeId) {
      throw new AppError('FORBIDDEN', 'a cashier posts purchases only at their own store');
    }
    return this.idempotency.execute(
      { scope: `staff:${staff.staffId}`, key, route: 'purchase', request: body, successStatus: 201 },
      async (tx) => {
        const { memberId, cardCodeHash, scannedCode } = await this.checkoutTokens.verify(body.checkoutToken, staff);
        const now = this.clock.now();
        // Every read the purchase needs, issued together: one round trip on MariaDB, and every write then goes
        // with the COMMIT. The staff session is checked here, not by the guard (StaffSessionCheckedByUseCase),
        // and its refusal comes first. The member row is locked first, so the points balance and the tier facts
        // read after it stay what they are until the purchase commits. The tier facts depend on the program, read in the
        // same round trip: they are read for the program as last seen, and read again after the purchase is
        // written if the program turns out to have changed.
        const seen = this.program.lastSeen();
        const [, , program, atTill, running, tierFacts] = await together([
          this.staffSessions.requireCurrent(tx, staff),
          this.repository.storeExists(tx, body.storeId).then((exists) => {
            if (!exists) throw new AppError('VALIDATION_FAILED', 'no such store');
          }),
          this.program.get(tx),
          this.repository.memberAtTill(tx, memberId, { lock: true }),
          this.campaigns.runningAt(tx, now),
          seen ? this.tiers.factsBefore(tx, seen, memberId, now) : Promise.resolve(null),
        ]);
        refuseManualSpending(cardCodeHash !== null, body);
        this.assertUsable(program, atTill);
        const purchaseId = newId();
        // A manual tier past its end ends here, in the purchase's transaction (before the monthly batch would):
        // the purchase is priced, and its tier counted, at the member's own qualification (DOMAIN §7).
        const member = await this.tiers.endManualIfOver(tx, program, atTill, now, purchaseId);
        // Campaign budgets are spent atomically. A discount campaign whose budget ran out since the reads is
        // priced without, and the next best one (if any) must then have budget of its own; a points campaign's
        // budget is read again, under a lock, and the purchase earns with what is left of it.
        const excluded = new Set<string>();
        let campaigns = running;
        let priced = await this.price(tx, program, member, body.storeId, body, campaigns);
        for (;;) {
          const refused = await this.campaigns.spendBudgets(tx, purchaseId, priced.pricing, now);
          if (refused === null) break;
          if (refused === priced.pricing.discount.campaignId) excluded.add(refused);
          else campaigns = await this.campaigns.withBudgetReadAgain(tx, campaigns, refused);
          priced = await this.price(tx, program, member, body.storeId, body, campaigns, excluded);
        }
        const { pricing, coupons } = priced;
        const postings = {
          earn: pricing.pointsEarned > 0 ? newId() : null,
          spend: pricing.pointsSpent > 0 ? newId() : null,
        };
        await this.repository.insertPurchase(tx, {
          id: purchaseId,
          storeId: body.storeId,
          receiptNo: body.receiptNo,
          memberId,
          staffId: staff.staffId,
          pricing,
          tierBefore: member.tierCode,
          cardCodeHash,
          postings,
          now,
        });
        await this.members.recordPurchase(tx, memberId, now);
        await this.coupons.markUsed(tx, { memberId, purchaseId, applied: coupons, now });
        const pointsSpentByLine = prorate(
          pricing.pointsSpent,
          pricing.lines.map((l) => l.pointsCashFen),
        );
        await this.repository.insertLines(tx, purchaseId, pricing.lines, pointsSpentByLine);
        const ref = {
          memberId,
          refType: 'purchase' as const,
          refId: purchaseId,
          actor: { kind: 'staff' as const, id: staff.staffId },
        };
        const spend = postings.spend
          ? await this.ledger.spend(tx, ref, pricing.pointsSpent, 'spend', postings.spend)
          : null;
        if (!(await this.repository.takeBalance(tx, memberId, pricing.totals.balancePaidFen, now))) {
          throw new AppError('BALANCE_INSUFFICIENT', 'the stored-value balance does not cover this payment');
        }
        // The points balance is the locked read's unless points were just spent, and the tier facts are the ones
        // read with it unless the program changed: then neither step reads anything. Otherwise their reads go
        // together (one round trip); neither reads what the other writes.
        const [earn, tier] = await together([
          postings.earn
            ? this.ledger.earn(tx, ref, pricing.pointsEarned, {
                source: 'purchase',
                program,
                postingId: postings.earn,
                ...(spend ? {} : { balanceBefore: member.pointsBalance }),
              })
            : Promise.resolve(null),
          this.tiers.afterPurchase(
            tx,
            program,
            member,
            { id: purchaseId, paidFen: pricing.paidFen, pointsEarned: pricing.pointsEarned, staffId: staff.staffId },
            tierFacts,
          ),
        ]);
        if (tier.tier.code !== member.tierCode) await this.repository.setTierAfter(tx, purchaseId, tier.tier.code);
        if (program.card.validityMonths !== null) {
          const until = DateTime.fromMillis(now, { zone: zoneOf(program.timeZone) })
            .plus({ months: program.card.validityMonths })
            .toMillis();
          await this.repository.extendCard(tx, memberId, until, now);
        }
        if (cardCodeHash) await this.cardCodes.markUsed(tx, cardCodeHash, scannedCode);
        if (member.referralOpen) {
          await this.referrals.onQualifyingPurchase(tx, {
            inviteeId: memberId,
            purchaseId,
            paidFen: pricing.paidFen,
            program,
          });
        }
        // Nothing after the earning moves points, so the balance it left is the balance now.
        const balance = earn?.balance ?? spend?.balance ?? (await this.ledger.balanceOf(tx, memberId));
        return {
          id: purchaseId,
          totals: pricing.totals,
          pointsEarned: pricing.pointsEarned,
          pointsSpent: pricing.pointsSpent,
          pointsBalance: balance,
          tier: { code: tier.tier.code, name: tier.tier.name },
          tierChanged: tier.changed,
          couponsIssued: tier.couponsIssued,
          couponsUsed: coupons.map(couponLine),
        };
      },
    );
  }

  async refund(staff: StaffAuth, purchaseId: string, key: string | undefined, body: Refund, ip: string) {
    const approver = body.approval ? await this.approver(staff, purchaseId, body.approval, ip) : null;
    return this.idempotency.execute(
      { scope: `staff:${staff.staffId}`, key, route: 'refund', request: { purchaseId, ...body }, successStatus: 201 },
      async (tx) => {
        // Locked first: what was refunded before (the approval threshold, whether this refund completes it) is
        // then what the refunds before this one committed.
        const purchase = await this.repository.purchase(tx, purchaseId, { lock: true });
        if (!purchase) throw new AppError('PURCHASE_NOT_FOUND', 'no such purchase');
        if (staff.role !== 'admin' && staff.storeId !== purchase.storeId) {
          throw new AppError('FORBIDDEN', 'a purchase is refunded only at the store where it was made');
        }
        const program = await this.program.get(tx);
        const lines = await this.repository.lines(tx, purchaseId, { lock: true });
        const wanted =
          'all' in body
            ? lines.map((l) => ({ line: l, quantity: l.quantity - l.refundedQuantity })).filter((w) => w.quantity > 0)
            : this.pickLines(lines, body.lines);
        if (wanted.length === 0)
          throw new AppError('REFUND_EXCEEDS_PURCHASE', 'everything in this purchase was refunded already');

        const refundLines: {
          lineId: string;
          quantity: number;
          refundFen: number;
          balanceRestoredFen: number;
          pointsReversed: number;
          pointsRestored: number;
        }[] = [];
        let discountRefundedFen = 0;
        for (const { line, quantity } of wanted) {
          const before = await this.repository.refundUnits(tx, line.id, quantity);
          if (before === null) {
            throw new AppError(
              'REFUND_EXCEEDS_PURCHASE',
              `line ${line.sku}: refunding ${quantity} more would exceed the ${line.quantity} bought`,
            );
          }
          discountRefundedFen += refundShare(line.discountFen, line.quantity, before, quantity);
          refundLines.push({
            lineId: line.id,
            quantity,
            refundFen: refundShare(line.paidFen, line.quantity, before, quantity),
            balanceRestoredFen: refundShare(line.balancePaidFen, line.quantity, before, quantity),
            pointsReversed: refundShare(line.pointsEarned, line.quantity, before, quantity),
            pointsRestored: refundShare(line.pointsSpent, line.quantity, before, quantity),
          });
        }
        const sum = (key: 'refundFen' | 'balanceRestoredFen' | 'pointsReversed' | 'pointsRestored') =>
          refundLines.reduce((total, l) => total + l[key], 0);
        // Money back to the customer: what they paid in cash; stored value goes back to the card.
        const paidFen = sum('refundFen');
        const balanceRestoredFen = sum('balanceRestoredFen');
        const refundFen = paidFen - balanceRestoredFen;
        // The threshold is per purchase, not per refund: two small refunds need what one large one needs.
        const approvedBy = this.approval(
          staff,
          purchase.refundedPaidFen + paidFen,
          program,
          body.approval ? approver : undefined,
        );

        const refundId = newId();
        const ref = {
          memberId: purchase.memberId,
          refType: 'refund' as const,
          refId: refundId,
          actor: { kind: 'staff' as const, id: staff.staffId },
        };
        // The lines' shares are what the refund asks back; the ledger takes at most what the earning still
        // stands for (not what expired, not what earlier refunds took), and the lines record what it took.
        const pointsAsked = sum('pointsReversed');
        const pointsReversedBefore = pointsAsked > 0 ? await this.repository.pointsReversedBefore(tx, purchaseId) : 0;
        const pointsReversed =
          pointsAsked > 0
            ? (await this.ledger.reverse(tx, ref, pointsAsked, purchase.earnPostingId, pointsReversedBefore)).points
            : 0;
        if (pointsReversed < pointsAsked) {
          const parts = prorate(
            pointsReversed,
            refundLines.map((l) => l.pointsReversed),
          );
          refundLines.forEach((l, i) => {
            l.pointsReversed = parts[i] ?? 0;
          });
        }
        const pointsRestored = sum('pointsRestored');
        if (pointsRestored > 0 && purchase.spendPostingId)
          await this.ledger.restore(tx, ref, pointsRestored, purchase.spendPostingId);
        await this.repository.returnBalance(tx, purchase.memberId, balanceRestoredFen, this.clock.now());
        await this.repository.insertRefund(tx, {
          id: refundId,
          purchaseId,
          staffId: staff.staffId,
          approvedBy,
          refundFen,
          paidFen,
          pointsReversed,
          pointsRestored,
          balanceRestoredFen,
          now: this.clock.now(),
          lines: refundLines,
        });
        // Read after this refund's line updates, from the lines as committed: of two concurrent refunds that
        // together refund everything, exactly the later one sees it and restores the coupon.
        const fully = await this.repository.fullyRefunded(tx, purchaseId);
        await this.repository.addRefunded(tx, purchaseId, refundFen, paidFen, fully);
        // A coupon comes back only when the whole purchase has been refunded, and only if still valid (DOMAIN §6).
        const couponsRestored = fully
          ? await this.coupons.restoreAfterFullRefund(tx, purchaseId, this.clock.now())
          : [];
        const member = await this.repository.memberAtTill(tx, purchase.memberId).catch(() => null);
        if (member) await this.tiers.afterRefund(tx, program, member, purchase, refundId, staff.staffId);
        await this.referrals.onPurchaseRefunded(tx, { purchaseId });
        // The campaigns' share of what was refunded goes back to their budgets (the campaign rows, hot, last).
        await this.campaigns.giveBack(tx, purchaseId, {
          discountFen: discountRefundedFen,
          pointsEarned: purchase.pointsEarned,
          pointsReversedBefore,
          pointsReversed,
        });
        await this.audit.record(tx, {
          actor: { kind: 'staff', id: staff.staffId },
          action: 'purchase.refund',
          target: { kind: 'purchase', id: purchaseId },
          after: {
            refundId,
            refundFen,
            paidFen,
            pointsReversed,
            pointsRestored,
            balanceRestoredFen,
            approvedBy,
            couponsRestored: couponsRestored.map((c) => c.id),
          },
        });
        return { id: refundId, refundFen, pointsReversed, pointsRestored, balanceRestoredFen, couponsRestored };
      },
    );
  }

  async findByReceipt(staff: StaffAuth, receiptNo: string) {
    return this.transactions.run(async (tx) => {
      if (!staff.storeId) throw new AppError('FORBIDDEN', 'finding a receipt needs a store');
      const purchase = await this.repository.purchaseByReceipt(tx, staff.storeId, receiptNo);
      if (!purchase) throw new AppError('PURCHASE_NOT_FOUND', `no purchase with receipt ${receiptNo} at this store`);
      return this.view(tx, purchase);
    });
  }

  async memberPurchases(auth: MemberAuth, cursor: string | undefined, limit: number) {
    const memberId = await this.me.memberIdOf(auth);
    const rows = await this.repository.memberPurchasePage(memberId, cursor, limit + 1);
    const items = rows.slice(0, limit).map((p) => ({ ...p, createdAt: new Date(p.createdAt).toISOString() }));
    return { items, nextCursor: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
  }

  private async view(tx: EntityManager, p: Awaited<ReturnType<CheckoutRepository['purchase']>> & object) {
    const lines = await this.repository.lines(tx, p.id);
    return {
      id: p.id,
      storeId: p.storeId,
      storeName: await this.repository.storeName(tx, p.storeId),
      receiptNo: p.receiptNo,
      totals: {
        grossFen: p.grossFen,
        discountFen: p.discountFen,
        couponFen: p.couponFen,
        pointsCashFen: p.pointsCashFen,
        balancePaidFen: p.balancePaidFen,
        payableFen: p.payableFen,
      },
      pointsEarned: p.pointsEarned,
      pointsSpent: p.pointsSpent,
      refundedFen: p.refundedFen,
      status: p.status,
      lines: lines.map((l) => ({
        sku: l.sku,
        name: l.name,
        quantity: l.quantity,
        refundedQuantity: l.refundedQuantity,
        paidFen: l.paidFen,
      })),
      createdAt: new Date(p.createdAt).toISOString(),
    };
  }

  private pickLines(
    lines: Awaited<ReturnType<CheckoutRepository['lines']>>,
    requested: { sku: string; quantity: number }[],
  ) {
    const picked = new Map<string, { line: (typeof lines)[number]; quantity: number }>();
    for (const request of requested) {
      // A SKU may appear on several lines; take from them in order.
      let left = request.quantity;
      for (const line of lines.filter((l) => l.sku === request.sku)) {
        const already = picked.get(line.id)?.quantity ?? 0;
        const open = line.quantity - line.refundedQuantity - already;
        const take = Math.min(open, left);
        if (take > 0) {
          picked.set(line.id, { line, quantity: already + take });
          left -= take;
        }
      }
      if (left > 0) {
        if (!lines.some((l) => l.sku === request.sku))
          throw new AppError('VALIDATION_FAILED', `sku ${request.sku} is not in this purchase`);
        throw new AppError('REFUND_EXCEEDS_PURCHASE', `sku ${request.sku}: more than was bought would be refunded`);
      }
    }
    return [...picked.values()];
  }

  /**
   * The approver a refund names, checked before and outside the refund's transaction, as a staff login is:
   * against the login's limits per username and per IP address (429 RATE_LIMITED past them), with the same
   * hashing work for an unknown name, and every failure audited, so neither the count nor the audit goes
   * when the refund rolls back. Returns the approver's id, or null for no valid approver (audited).
   */
  private async approver(
    staff: StaffAuth,
    purchaseId: string,
    approval: { username: string; password: string },
    ip: string,
  ): Promise<string | null> {
    // Read before the password is checked, so a right one costs no more time than a wrong one.
    const storeId = (await this.transactions.run((tx) => this.repository.purchase(tx, purchaseId)))?.storeId ?? null;
    const attempt = {
      ...approval,
      ip,
      failedAction: 'refund.approval_failed',
      actor: { kind: 'staff' as const, id: staff.staffId },
      context: { purchaseId },
    };
    const { staff: candidate, hits } = await this.credentials.check(attempt);
    if (!candidate) return null;
    const refusal = storeId === null ? 'not_store_manager' : approverRefusal(candidate, storeId, this.config.dev);
    if (refusal) {
      await this.credentials.refuse(attempt, refusal, hits);
      return null;
    }
    await this.credentials.release(hits);
    return candidate.id;
  }

  /**
   * Refunds above the program's threshold need a store manager of that store (DOMAIN §12) when a cashier
   * refunds; `amountFen` is what the purchase will have paid back with this refund. `approver` is undefined
   * when no approval was given, null when the one given is not valid.
   */
  private approval(
    staff: StaffAuth,
    amountFen: number,
    program: ProgramConfig,
    approver: string | null | undefined,
  ): string | null {
    if (amountFen <= program.refunds.managerApprovalAboveFen || staff.role !== 'cashier') return null;
    if (approver === undefined) {
      throw new AppError(
        'MANAGER_APPROVAL_REQUIRED',
        `refunds above ${program.refunds.managerApprovalAboveFen} fen need a store manager's approval`,
      );
    }
    if (approver === null)
      throw new AppError('MANAGER_APPROVAL_REQUIRED', "the approval is not a valid store manager's");
    return approver;
  }

  /** A card that lapsed (no purchase for its validity period) takes no purchase until it is renewed. */
  private assertUsable(program: ProgramConfig, member: MemberAtTill): void {
    if (
      isCardLapsed({ validityMonths: program.card.validityMonths, validUntil: member.cardValidUntil }, this.clock.now())
    ) {
      throw new AppError('CARD_LAPSED', 'this card has lapsed: no purchase for a full year');
    }
  }

  /**
   * Prices the basket. With coupons, twice: first without them, for the lines after the member discount
   * that the coupons' rules measure; then with what the coupon engine says they take off.
   */
  private async price(
    tx: EntityManager,
    program: ProgramConfig,
    member: MemberAtTill,
    storeId: string | null,
    body: Quote,
    running: RunningCampaigns,
    excluded: ReadonlySet<string> = new Set(),
  ): Promise<{ pricing: PricingResult; coupons: AppliedCoupon[] }> {
    const now = running.at;
    const tier = tierOf(program, member.tierCode);
    const campaigns = this.campaigns
      .applicable(running, program, { storeId: storeId ?? '', tierCode: tier.code })
      .filter((c) => !excluded.has(c.id));
    try {
      const basket = {
        lines: body.lines as BasketLine[],
        program,
        tier,
        isMemberDay: isMemberDay(program, now),
        isBirthday: isBirthday(program, member.birthday, now),
        campaigns,
        earnedToday:
          program.earning.dailyCap === null
            ? 0
            : await this.repository.earnedSince(tx, member.id, startOfLocalDay(program, now)),
      };
      const couponIds = body.couponIds ?? [];
      const coupons =
        couponIds.length === 0
          ? []
          : await this.coupons.apply(tx, {
              memberId: member.id,
              couponIds,
              storeId,
              lines: priceBasket({ ...basket, coupons: [], pointsToUse: 0, payWithBalanceFen: 0 }).lines,
              now,
            });
      const pricing = priceBasket({
        ...basket,
        coupons,
        pointsToUse: body.pointsToUse ?? 0,
        payWithBalanceFen: body.payWithBalanceFen ?? 0,
      });
      return { pricing, coupons };
    } catch (error) {
      if (error instanceof PricingError) throw new AppError(error.code, error.message);
      throw error;
    }
  }
}

const MANUAL_SPENDING_MESSAGE = {
  BALANCE_NEEDS_CARD_CODE: 'paying with stored value needs the dynamic card code, not the card number',
  SPEND_NEEDS_CARD_CODE: 'a card found by number earns only: spending points or coupons needs the dynamic card code',
} as const;

function refuseManualSpending(scannedCardCode: boolean, spending: TillSpending): void {
  const refusal = manualCheckoutRefusal(scannedCardCode, spending);
  if (refusal) throw new AppError(refusal, MANUAL_SPENDING_MESSAGE[refusal]);
}
