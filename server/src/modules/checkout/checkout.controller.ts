import {
  EndManualTierBody,
  EvaluateTiersBody,
  PaginationQuery,
  PurchaseBody,
  QuoteBody,
  RefundBody,
  routes,
  SetTierBody,
} from '@huika/shared';
import { Controller, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { sendIdempotent } from '../../common/idempotent-reply';
import { ClientIp } from '../../common/rate-limit/client-ip.decorator';
import { Auth, IdempotencyKey, Route, ValidBody, ValidQuery } from '../../common/route.decorators';
import { MeService } from '../me/me.service';
import { StaffSessionCheckedByUseCase } from '../staff/staff-sessions';
import { TierService } from '../tiers/tier.service';
import { CheckoutService } from './checkout.service';

@Controller()
export class CheckoutController {
  constructor(
    private readonly checkout: CheckoutService,
    private readonly tiers: TierService,
    private readonly me: MeService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Route(routes.quote)
  quote(@Auth() staff: StaffAuth, @ValidBody() body: z.output<typeof QuoteBody>) {
    return this.checkout.quote(staff, body);
  }

  @Route(routes.purchase)
  @StaffSessionCheckedByUseCase()
  async purchase(
    @Auth() staff: StaffAuth,
    @IdempotencyKey() key: string | undefined,
    @ValidBody() body: z.output<typeof PurchaseBody>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendIdempotent(reply, await this.checkout.purchase(staff, key, body));
  }

  @Route(routes.refund)
  async refund(
    @Auth() staff: StaffAuth,
    @Param('id') purchaseId: string,
    @IdempotencyKey() key: string | undefined,
    @ValidBody() body: z.output<typeof RefundBody>,
    @ClientIp() ip: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendIdempotent(reply, await this.checkout.refund(staff, purchaseId, key, body, ip));
  }

  @Route(routes.storePurchase)
  byReceipt(@Auth() staff: StaffAuth, @Param('receiptNo') receiptNo: string) {
    return this.checkout.findByReceipt(staff, receiptNo);
  }

  @Route(routes.myPurchases)
  mine(@Auth() member: MemberAuth, @ValidQuery() query: z.output<typeof PaginationQuery>) {
    return this.checkout.memberPurchases(member, query.cursor, query.limit);
  }

  @Route(routes.adminMemberPurchases)
  async memberPurchases(
    @Auth() staff: StaffAuth,
    @Param('id') id: string,
    @ValidQuery() query: z.output<typeof PaginationQuery>,
  ) {
    return this.checkout.memberPurchases(await this.me.readAsStaff(staff, id), query.cursor, query.limit);
  }

  @Route(routes.setMemberTier)
  setTier(@Auth() staff: StaffAuth, @Param('id') memberId: string, @ValidBody() body: z.output<typeof SetTierBody>) {
    return this.tiers.setManual(staff.staffId, memberId, body.tierCode, Date.parse(body.until), body.reason);
  }

  @Route(routes.endMemberTier)
  endTier(
    @Auth() staff: StaffAuth,
    @Param('id') memberId: string,
    @ValidBody() body: z.output<typeof EndManualTierBody>,
  ) {
    return this.tiers.endManual(staff.staffId, memberId, body.reason);
  }

  @Route(routes.devEvaluateTiers)
  async evaluate(@ValidBody() body: z.output<typeof EvaluateTiersBody>) {
    const asOf = body.asOf ? Date.parse(body.asOf) : this.clock.now();
    return { asOf: new Date(asOf).toISOString(), ...(await this.tiers.evaluate(asOf)) };
  }
}
