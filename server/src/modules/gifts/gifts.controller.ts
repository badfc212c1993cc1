import {
  CreateGiftBody,
  GiftExchangeBody,
  GiftStockAdjustmentBody,
  PaginationQuery,
  PickupBody,
  RedeemGiftBody,
  routes,
  UpdateGiftBody,
} from '@huika/shared';
import { Controller, Header, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { sendIdempotent } from '../../common/idempotent-reply';
import { Auth, IdempotencyKey, Route, ValidBody, ValidQuery } from '../../common/route.decorators';
import { MeService } from '../me/me.service';
import { GiftsService } from './gifts.service';
import { PickupsService } from './pickups.service';
import { RedemptionsService } from './redemptions.service';

/** Headquarters keeps the catalog. */
@Controller()
export class GiftsAdminController {
  constructor(private readonly gifts: GiftsService) {}

  @Route(routes.listGifts)
  list(@ValidQuery() query: z.output<typeof PaginationQuery>) {
    return this.gifts.list(query.cursor, query.limit);
  }

  @Route(routes.createGift)
  create(@Auth() staff: StaffAuth, @ValidBody() body: z.output<typeof CreateGiftBody>) {
    return this.gifts.create(staff, body);
  }

  @Route(routes.updateGift)
  update(@Auth() staff: StaffAuth, @Param('id') id: string, @ValidBody() body: z.output<typeof UpdateGiftBody>) {
    return this.gifts.update(staff, id, body);
  }

  @Route(routes.adjustGiftStock)
  async adjustStock(
    @Auth() staff: StaffAuth,
    @Param('id') id: string,
    @IdempotencyKey() key: string | undefined,
    @ValidBody() body: z.output<typeof GiftStockAdjustmentBody>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendIdempotent(reply, await this.gifts.adjustStock(staff, id, key, body));
  }
}

/** Members browse the catalog, redeem, and show the pickup code. */
@Controller()
export class GiftsController {
  constructor(
    private readonly gifts: GiftsService,
    private readonly redemptions: RedemptionsService,
    private readonly me: MeService,
  ) {}

  @Route(routes.giftCatalog)
  catalog(@Auth() member: MemberAuth, @ValidQuery() query: z.output<typeof PaginationQuery>) {
    return this.gifts.catalog(member, query.cursor, query.limit);
  }

  @Route(routes.redeemGift)
  async redeem(
    @Auth() member: MemberAuth,
    @Param('id') giftId: string,
    @IdempotencyKey() key: string | undefined,
    @ValidBody() body: z.output<typeof RedeemGiftBody>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendIdempotent(reply, await this.redemptions.redeem(member, giftId, key, body));
  }

  @Route(routes.adminMemberRedemptions)
  async memberRedemptions(
    @Auth() staff: StaffAuth,
    @Param('id') id: string,
    @ValidQuery() query: z.output<typeof PaginationQuery>,
  ) {
    const page = await this.redemptions.mine(await this.me.readAsStaff(staff, id), query.cursor, query.limit);
    // The pickup code collects the gift: only the member holds it whole, the console sees its last two characters.
    return { ...page, items: page.items.map((item) => ({ ...item, pickupCode: `••••${item.pickupCode.slice(-2)}` })) };
  }

  @Route(routes.myRedemptions)
  mine(@Auth() member: MemberAuth, @ValidQuery() query: z.output<typeof PaginationQuery>) {
    return this.redemptions.mine(member, query.cursor, query.limit);
  }

  @Route(routes.myRedemption)
  one(@Auth() member: MemberAuth, @Param('id') id: string) {
    return this.redemptions.one(member, id);
  }

  @Route(routes.myRedemptionQr)
  @Header('content-type', 'image/png')
  @Header('cache-control', 'private, max-age=3600')
  qr(@Auth() member: MemberAuth, @Param('id') id: string) {
    return this.redemptions.qrPng(member, id);
  }
}

/** Store staff hand gifts over and exchange them. */
@Controller()
export class PickupsController {
  constructor(private readonly pickups: PickupsService) {}

  @Route(routes.collectPickup)
  collect(@Auth() staff: StaffAuth, @ValidBody() body: z.output<typeof PickupBody>) {
    return this.pickups.collect(staff, body.pickupCode);
  }

  @Route(routes.exchangePickup)
  exchange(@Auth() staff: StaffAuth, @Param('id') id: string, @ValidBody() body: z.output<typeof GiftExchangeBody>) {
    return this.pickups.exchange(staff, id, body.reason);
  }
}
