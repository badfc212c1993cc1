import { isCardLapsed, type PosScanBody, type PosScanResponse } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { RateLimiter } from '../../common/rate-limit/rate-limiter';
import { select, Transactions } from '../../common/transactions';
import { AuditService } from '../audit/audit.service';
import { CouponsService } from '../coupons/coupons.service';
import { PhoneVault } from '../identity/phone-vault';
import { ProgramService } from '../program/program.service';
import { POS_MANUAL_PER_CARD, POS_MANUAL_PER_STAFF, POS_SCAN_PER_STAFF } from './card-limits';
import { CardCodeService } from './card-code.service';
import { CheckoutTokenService } from './checkout-token.service';

interface TillMemberRow {
  id: string;
  card_no: string;
  name: string;
  phone_enc: string | null;
  phone_last4: string | null;
  tier_code: string;
  points_balance: number | string;
  points_pending: number | string;
  balance_fen: number | string;
  card_valid_until: number | string | null;
}

const MEMBER_COLUMNS =
  'id, card_no, name, phone_enc, phone_last4, tier_code, points_balance, points_pending, balance_fen, card_valid_until';

const NOT_FOUND_MANUAL = 'no card with this number and phone';

/**
 * The till's scan (API.md "Staff and till"): the dynamic code, or the card number with the phone's last 4
 * digits as the manual fallback (DOMAIN §2). Answers the member, masked, and a checkout token.
 */
@Injectable()
export class PosScanService {
  constructor(
    private readonly cardCodes: CardCodeService,
    private readonly checkoutTokens: CheckoutTokenService,
    private readonly limiter: RateLimiter,
    private readonly vault: PhoneVault,
    private readonly program: ProgramService,
    private readonly audit: AuditService,
    private readonly coupons: CouponsService,
    private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async scan(staff: StaffAuth, body: z.output<typeof PosScanBody>): Promise<z.output<typeof PosScanResponse>> {
    await this.limiter.consume([{ rule: POS_SCAN_PER_STAFF, key: staff.staffId }]);
    let member: TillMemberRow;
    let cardCode: { hash: string; ref: string; seq: number } | null = null;
    if (body.code !== undefined) {
      const verified = await this.cardCodes.verify(body.code);
      const found = await this.memberWhere('id = ?', verified.memberId);
      if (!found) throw new AppError('CARD_NOT_FOUND', 'no active card for this code');
      member = found;
      cardCode = { hash: verified.codeHash, ref: verified.ref, seq: verified.seq };
    } else {
      member = await this.manualLookup(staff, body.cardNo ?? '', body.phoneLast4 ?? '');
    }
    const cardValidUntil = member.card_valid_until === null ? null : Number(member.card_valid_until);
    const program = await this.program.get();
    if (isCardLapsed({ validityMonths: program.card.validityMonths, validUntil: cardValidUntil }, this.clock.now())) {
      throw new AppError('CARD_LAPSED', 'this card has lapsed: no purchase for a full validity period', {
        cardValidUntil: new Date(cardValidUntil ?? 0).toISOString(),
      });
    }
    const checkout = await this.checkoutTokens.sign({ memberId: member.id, staff, cardCode });
    // Staff saw a member's (masked) data: on the record, like every staff action (DOMAIN §12).
    await this.transactions.run((tx) =>
      this.audit.record(tx, {
        actor: { kind: 'staff', id: staff.staffId },
        action: 'member.scan',
        target: { kind: 'member', id: member.id },
        after: { method: cardCode ? 'code' : 'manual', storeId: staff.storeId },
      }),
    );
    const tier = program.tiers.ladder.find((t) => t.code === member.tier_code);
    return {
      checkoutToken: checkout.token,
      checkoutTokenExpiresAt: new Date(checkout.expiresAt).toISOString(),
      lookup: cardCode ? 'code' : 'manual',
      member: {
        id: member.id,
        cardNo: member.card_no,
        name: member.name,
        phoneMasked: await this.vault.masked(member.phone_enc, member.phone_last4),
        tier: {
          code: member.tier_code,
          name: tier?.name ?? member.tier_code,
          discountPercent: tier?.discountPercent ?? 100,
        },
        points: Number(member.points_balance),
        pointsPending: Number(member.points_pending),
        balanceFen: Number(member.balance_fen),
        cardValidUntil: cardValidUntil === null ? null : new Date(cardValidUntil).toISOString(),
        coupons: await this.coupons.usableAtTill(member.id, staff.storeId),
      },
    };
  }

  /**
   * Card number + last 4 digits of the phone. Every try counts against the card and the staff member until
   * it proves right, so concurrent guesses cannot slip past; a wrong number and a wrong phone answer alike.
   */
  private async manualLookup(staff: StaffAuth, cardNo: string, phoneLast4: string): Promise<TillMemberRow> {
    const hits = await this.limiter.consume([
      { rule: POS_MANUAL_PER_CARD, key: cardNo },
      { rule: POS_MANUAL_PER_STAFF, key: staff.staffId },
    ]);
    const member = await this.memberWhere('card_no = ?', cardNo);
    if (!member || member.phone_last4 !== phoneLast4) throw new AppError('CARD_NOT_FOUND', NOT_FOUND_MANUAL);
    await this.limiter.release(hits.filter((hit) => hit.rule === POS_MANUAL_PER_STAFF));
    await this.limiter.reset(POS_MANUAL_PER_CARD, cardNo);
    return member;
  }

  private async memberWhere(condition: string, value: string): Promise<TillMemberRow | null> {
    const rows = await select<TillMemberRow>(
      this.dataSource.manager,
      `SELECT ${MEMBER_COLUMNS} FROM members WHERE ${condition} AND status = 'active'`,
      [value],
    );
    return rows[0] ?? null;
  }
}
