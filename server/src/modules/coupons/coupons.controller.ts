import {
  CouponBatchBody,
  CouponJobBody,
  CreateCouponTemplateBody,
  IssueCouponBody,
  MyCouponsQuery,
  PaginationQuery,
  routes,
  UpdateCouponTemplateBody,
} from '@huika/shared';
import { Controller, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { sendIdempotent } from '../../common/idempotent-reply';
import { Auth, IdempotencyKey, Route, ValidBody, ValidQuery } from '../../common/route.decorators';
import { MeService } from '../me/me.service';
import { CouponBatchesService } from './coupon-batches.service';
import { CouponTemplatesService } from './coupon-templates.service';
import { CouponWalletService } from './coupon-wallet.service';
import { CouponsService } from './coupons.service';

/** Headquarters: templates, coupons by hand, batches. */
@Controller()
export class CouponsAdminController {
  constructor(
    private readonly templates: CouponTemplatesService,
    private readonly coupons: CouponsService,
    private readonly batches: CouponBatchesService,
  ) {}

  @Route(routes.listCouponTemplates)
  list(@ValidQuery() query: z.output<typeof PaginationQuery>) {
    return this.templates.list(query.cursor, query.limit);
  }

  @Route(routes.createCouponTemplate)
  create(@Auth() staff: StaffAuth, @ValidBody() body: z.output<typeof CreateCouponTemplateBody>) {
    return this.templates.create(staff, body);
  }

  @Route(routes.updateCouponTemplate)
  update(
    @Auth() staff: StaffAuth,
    @Param('id') id: string,
    @ValidBody() body: z.output<typeof UpdateCouponTemplateBody>,
  ) {
    return this.templates.update(staff, id, body);
  }

  @Route(routes.issueCoupon)
  async issue(
    @Auth() staff: StaffAuth,
    @Param('id') memberId: string,
    @IdempotencyKey() key: string | undefined,
    @ValidBody() body: z.output<typeof IssueCouponBody>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendIdempotent(reply, await this.coupons.issueManual(staff, memberId, key, body));
  }

  @Route(routes.createCouponBatch)
  batch(@Auth() staff: StaffAuth, @ValidBody() body: z.output<typeof CouponBatchBody>) {
    return this.batches.submit(staff, body);
  }

  @Route(routes.couponBatch)
  progress(@Param('batchId') batchId: string) {
    return this.batches.progress(batchId);
  }
}

/** The member's wallet. */
@Controller()
export class CouponsController {
  constructor(
    private readonly wallet: CouponWalletService,
    private readonly me: MeService,
  ) {}

  @Route(routes.adminMemberCoupons)
  async memberCoupons(
    @Auth() staff: StaffAuth,
    @Param('id') id: string,
    @ValidQuery() query: z.output<typeof MyCouponsQuery>,
  ) {
    return this.wallet.mine(await this.me.readAsStaff(staff, id), query);
  }

  @Route(routes.myCoupons)
  mine(@Auth() member: MemberAuth, @ValidQuery() query: z.output<typeof MyCouponsQuery>) {
    return this.wallet.mine(member, query);
  }
}

/** Development only: the coupon jobs on demand (production runs them from the `huika` command). */
@Controller()
export class CouponsDevController {
  constructor(
    private readonly coupons: CouponsService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Route(routes.devExpireCoupons)
  async expire(@ValidBody() body: z.output<typeof CouponJobBody>) {
    const asOf = body.asOf ? Date.parse(body.asOf) : this.clock.now();
    return { asOf: new Date(asOf).toISOString(), expired: await this.coupons.expireDue(asOf) };
  }

  @Route(routes.devIssueBirthdayCoupons)
  async birthday(@ValidBody() body: z.output<typeof CouponJobBody>) {
    const asOf = body.asOf ? Date.parse(body.asOf) : this.clock.now();
    return { asOf: new Date(asOf).toISOString(), ...(await this.coupons.issueBirthday(asOf)) };
  }
}
