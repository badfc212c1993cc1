import type { RedeemGiftBody, RedeemGiftResponse, RedemptionDetail, RedemptionView } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { MemberAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { newId } from '../../common/ids';
import type { GiftEntity } from '../../database/entities';
import { LedgerService } from '../ledger/ledger.service';
import { MeService } from '../me/me.service';
import { ProgramService } from '../program/program.service';
import { type RedeemRefusal, standingRefusal } from './gift-rules';
import { redemptionView } from './gift.views';
import { GiftsRepository } from './gifts.repository';

const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2, width: 384 } as const;

function refusal(code: RedeemRefusal, gift: GiftEntity, quantity: number): AppError {
  switch (code) {
    case 'TIER_NOT_ELIGIBLE':
      return new AppError(code, `${gift.name} is for the tiers ${(gift.tiers ?? []).join(', ')} only`, {
        tiers: gift.tiers,
      });
    case 'OUTSIDE_EXCHANGE_WINDOW':
      return new AppError(code, `${gift.name} can be exchanged only within its window`, {
        window: gift.exchangeWindow,
      });
    case 'OUT_OF_STOCK':
      return new AppError(code, `${gift.name} is out of stock`, { requested: quantity });
    case 'LIMIT_REACHED':
      return new AppError(code, `at most ${gift.perMemberLimit} of ${gift.name} per member`, {
        perMemberLimit: gift.perMemberLimit,
      });
    case 'POINTS_INSUFFICIENT':
      return new AppError(code, `${gift.name} needs ${gift.pointsPrice * quantity} points`, {
        required: gift.pointsPrice * quantity,
      });
  }
}

/**
 * Redeeming gifts (DOMAIN §5): stock and points in one transaction, a pickup code for the store. Redeemed
 * gifts are not returnable, so there is no way back here; a quality issue is an exchange at the till.
 */
@Injectable()
export class RedemptionsService {
  constructor(
    private readonly repository: GiftsRepository,
    private readonly ledger: LedgerService,
    private readonly program: ProgramService,
    private readonly idempotency: IdempotencyService,
    private readonly me: MeService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * One transaction, in lock order: the member's row (their redemptions queue there), their count of this
   * gift (the per-member limit, a conditional UPDATE), their points (the ledger refuses a spend the balance
   * does not cover, so a member in debt cannot redeem), the redemption with its pickup code, and last the
   * gift's stock — the row every redeeming member wants, held for the shortest time before commit.
   */
  async redeem(auth: MemberAuth, giftId: string, key: string | undefined, body: z.output<typeof RedeemGiftBody>) {
    const memberId = await this.me.memberIdOf(auth);
    return this.idempotency.execute<z.output<typeof RedeemGiftResponse>>(
      { scope: `member:${memberId}`, key, route: 'redeemGift', request: { giftId, ...body }, successStatus: 201 },
      async (tx) => {
        const now = this.clock.now();
        const quantity = body.quantity;
        const gift = await this.repository.gift(tx, giftId);
        if (!gift?.active) throw new AppError('GIFT_NOT_FOUND', `no gift ${giftId} on offer`);
        const member = await this.repository.lockMember(tx, memberId);
        if (!member) throw new AppError('MEMBER_NOT_FOUND', 'no such member');
        const program = await this.program.get(tx);
        // Stock as read here only turns away requests early once it is gone; the UPDATE below decides.
        const standing = standingRefusal(gift, member.tierCode, quantity, now, program.timeZone);
        if (standing) throw refusal(standing, gift, quantity);
        if (!(await this.repository.countRedeemed(tx, giftId, memberId, quantity, gift.perMemberLimit, now))) {
          throw refusal('LIMIT_REACHED', gift, quantity);
        }
        const redemptionId = newId();
        const pointsSpent = gift.pointsPrice * quantity;
        const spend = await this.ledger.spend(
          tx,
          {
            memberId,
            refType: 'redemption',
            refId: redemptionId,
            actor: { kind: 'member', id: memberId },
            memo: gift.name,
          },
          pointsSpent,
        );
        const pickupCode = await this.repository.insertRedemption(tx, {
          id: redemptionId,
          giftId,
          memberId,
          quantity,
          pointsPrice: gift.pointsPrice,
          pointsSpent,
          spendPostingId: spend.postingId,
          now,
        });
        if (!(await this.repository.takeStock(tx, giftId, quantity))) throw refusal('OUT_OF_STOCK', gift, quantity);
        return {
          id: redemptionId,
          giftId,
          quantity,
          pickupCode,
          pointsSpent,
          pointsBalance: spend.balance,
          status: 'pending' as const,
        };
      },
    );
  }

  async mine(
    auth: MemberAuth,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: z.output<typeof RedemptionView>[]; nextCursor: string | null }> {
    const memberId = await this.me.memberIdOf(auth);
    const rows = await this.repository.redemptionsOfMember(memberId, cursor, limit + 1);
    const page = rows.slice(0, limit);
    return { items: page.map(redemptionView), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
  }

  async one(auth: MemberAuth, id: string): Promise<z.output<typeof RedemptionDetail>> {
    const redemption = await this.own(auth, id);
    return {
      ...redemptionView(redemption),
      pickupQr: await QRCode.toDataURL(redemption.pickupCode, { ...QR_OPTIONS, type: 'image/png' }),
    };
  }

  /** The pickup QR code as a PNG: it encodes the pickup code, which the till's scanner reads. */
  async qrPng(auth: MemberAuth, id: string): Promise<Buffer> {
    const redemption = await this.own(auth, id);
    return QRCode.toBuffer(redemption.pickupCode, { ...QR_OPTIONS, type: 'png' });
  }

  private async own(auth: MemberAuth, id: string) {
    const memberId = await this.me.memberIdOf(auth);
    const redemption = await this.repository.redemptionOfMember(memberId, id);
    if (!redemption) throw new AppError('REDEMPTION_NOT_FOUND', `no redemption ${id}`);
    return redemption;
  }
}
