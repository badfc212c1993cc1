import type { CouponStatus, CouponView } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { MemberAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { MeService } from '../me/me.service';
import { couponView } from './coupon.views';
import { CouponsRepository } from './coupons.repository';

/** The member's wallet (GET /api/me/coupons): available, used and expired coupons, newest first. */
@Injectable()
export class CouponWalletService {
  constructor(
    private readonly repository: CouponsRepository,
    private readonly me: MeService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async mine(
    auth: MemberAuth,
    query: { status?: CouponStatus | undefined; cursor?: string | undefined; limit: number },
  ): Promise<{ items: z.output<typeof CouponView>[]; nextCursor: string | null }> {
    const memberId = await this.me.memberIdOf(auth);
    const now = this.clock.now();
    const rows = await this.repository.wallet(memberId, query.status, query.cursor, query.limit + 1, now);
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((c) => couponView(c, now)),
      nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }
}
