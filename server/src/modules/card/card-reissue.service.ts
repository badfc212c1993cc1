import type { CardReissueBody } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { RateLimiter } from '../../common/rate-limit/rate-limiter';
import { execute, select, Transactions } from '../../common/transactions';
import { AuditService, auditActorOf, type AuditActor } from '../audit/audit.service';
import { MemberSessionsService } from '../auth/member-sessions.service';
import { PhoneVault } from '../identity/phone-vault';
import { SmsOtpService } from '../identity/sms-otp.service';
import { sessionHolder } from '../me/me.repository';
import { MeService } from '../me/me.service';
import { CARD_REISSUE_PER_MEMBER } from './card-limits';
import { withNewCardNo } from './card-number';
import { CardCodeService } from './card-code.service';

/**
 * Lost card or new phone (DOMAIN §2): after a fresh one-time code to the member's own phone, a new card
 * number; the old number and every code of the old card are dead. The member row stays, so points, tier,
 * coupons and balance carry over as they are.
 */
@Injectable()
export class CardReissueService {
  constructor(
    private readonly me: MeService,
    private readonly otp: SmsOtpService,
    private readonly vault: PhoneVault,
    private readonly cardCodes: CardCodeService,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditService,
    private readonly sessions: MemberSessionsService,
    private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async reissue(auth: MemberAuth, body: z.output<typeof CardReissueBody>, ip: string) {
    const memberId = await this.me.memberIdOf(auth);
    await this.limiter.consume([{ rule: CARD_REISSUE_PER_MEMBER, key: memberId }]);
    const phoneHash = await this.vault.hash(body.phone);
    const owner = await select<{ id: string }>(
      this.dataSource.manager,
      "SELECT id FROM members WHERE id = ? AND phone_hash = ? AND status = 'active'",
      [memberId, phoneHash],
    );
    // Checked before the code is spent: a code for another phone proves nothing about this member.
    if (owner.length === 0) throw new AppError('PHONE_MISMATCH', "this is not the member's phone number");
    await this.otp.verify(body.phone, body.code, ip);
    await this.replaceCard(memberId, { kind: 'member', id: memberId }, { phoneHash, keepSessionId: auth.sessionId });
    return this.me.me({ ...auth, memberId });
  }

  /**
   * Headquarters reissues the card of a member who reported a lost phone: no code to the phone (it is lost), a
   * reason in the audit log instead, and every member session ends.
   */
  async reissueByHeadquarters(staff: StaffAuth, memberId: string, reason: string) {
    const { cardNo, sessionsEnded } = await this.replaceCard(memberId, auditActorOf(staff), { reason });
    return { cardNo, sessionsEnded };
  }

  /** A new card number; the old number and the old card's codes die, and the member's sessions end (but one). */
  private replaceCard(
    memberId: string,
    actor: AuditActor,
    options: { phoneHash?: string; keepSessionId?: string; reason?: string },
  ): Promise<{ cardNo: string; sessionsEnded: number }> {
    return withNewCardNo((cardNo) =>
      this.transactions.run(async (tx) => {
        const before = await select<{ card_no: string; openid: string | null; phone_hash: string | null }>(
          tx,
          "SELECT card_no, openid, phone_hash FROM members WHERE id = ? AND status = 'active'",
          [memberId],
        );
        const current = before[0];
        // With a proven phone, the row must still carry it: a phone changed meanwhile proves nothing.
        if (!current || (options.phoneHash !== undefined && current.phone_hash !== options.phoneHash)) {
          throw new AppError('MEMBER_NOT_FOUND', 'no such member');
        }
        const changed = await execute(
          tx,
          "UPDATE members SET card_no = ?, updated_at = ? WHERE id = ? AND card_no = ? AND status = 'active'",
          [cardNo, this.clock.now(), memberId, current.card_no],
        );
        if (changed === 0) throw new AppError('MEMBER_NOT_FOUND', 'no such member');
        await this.cardCodes.replaceReference(tx, memberId);
        const holder = sessionHolder(memberId, { openid: current.openid, phoneHash: current.phone_hash });
        const sessionsEnded = await this.sessions.endAll(tx, holder, 'reissue', options.keepSessionId ?? null);
        await this.audit.record(tx, {
          actor,
          action: 'member.card_reissue',
          target: { kind: 'member', id: memberId },
          before: { cardNo: current.card_no },
          after: options.reason === undefined ? { cardNo } : { cardNo, reason: options.reason },
        });
        return { cardNo, sessionsEnded };
      }),
    );
  }
}
