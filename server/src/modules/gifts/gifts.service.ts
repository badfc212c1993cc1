import type {
  CreateGiftBody,
  GiftAdminView,
  GiftCatalogItem,
  GiftStockAdjustmentBody,
  ProgramConfig,
  UpdateGiftBody,
} from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { newId } from '../../common/ids';
import { Transactions } from '../../common/transactions';
import type { GiftEntity } from '../../database/entities';
import { AuditService } from '../audit/audit.service';
import { MeService } from '../me/me.service';
import { ProgramService } from '../program/program.service';
import { refusalFor } from './gift-rules';
import { giftAdminView } from './gift.views';
import { type GiftFields, GiftsRepository } from './gifts.repository';

type Page<T> = { items: T[]; nextCursor: string | null };

/** The gift catalog (积分换礼, DOMAIN §5): kept by headquarters, shown to members with what they can redeem. */
@Injectable()
export class GiftsService {
  constructor(
    private readonly repository: GiftsRepository,
    private readonly program: ProgramService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly me: MeService,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async list(cursor: string | undefined, limit: number): Promise<Page<z.output<typeof GiftAdminView>>> {
    const rows = await this.repository.gifts(cursor, limit + 1, false);
    const page = rows.slice(0, limit);
    return { items: page.map(giftAdminView), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
  }

  async create(staff: StaffAuth, body: z.output<typeof CreateGiftBody>): Promise<z.output<typeof GiftAdminView>> {
    return this.transactions.run(async (tx) => {
      const tiers = body.tiers ?? null;
      this.assertTiers(await this.program.get(tx), tiers);
      const now = this.clock.now();
      const gift: GiftEntity = {
        id: newId(),
        name: body.name,
        description: body.description ?? null,
        imageUrl: body.imageUrl ?? null,
        pointsPrice: body.pointsPrice,
        stock: body.stock,
        perMemberLimit: body.perMemberLimit,
        tiers,
        exchangeWindow: body.window ?? null,
        active: true,
        createdAt: now,
        updatedAt: now,
      };
      await this.repository.insertGift(tx, gift);
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staff.staffId },
        action: 'gift.create',
        target: { kind: 'gift', id: gift.id },
        after: giftAdminView(gift),
      });
      return giftAdminView(gift);
    });
  }

  async update(
    staff: StaffAuth,
    id: string,
    body: z.output<typeof UpdateGiftBody>,
  ): Promise<z.output<typeof GiftAdminView>> {
    return this.transactions.run(async (tx) => {
      if (!(await this.repository.lockGift(tx, id))) throw new AppError('GIFT_NOT_FOUND', `no gift ${id}`);
      const before = (await this.repository.gift(tx, id)) as GiftEntity;
      if (body.tiers !== undefined) this.assertTiers(await this.program.get(tx), body.tiers);
      const fields: GiftFields = {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.description === undefined ? {} : { description: body.description }),
        ...(body.imageUrl === undefined ? {} : { imageUrl: body.imageUrl }),
        ...(body.pointsPrice === undefined ? {} : { pointsPrice: body.pointsPrice }),
        ...(body.perMemberLimit === undefined ? {} : { perMemberLimit: body.perMemberLimit }),
        ...(body.tiers === undefined ? {} : { tiers: body.tiers }),
        ...(body.window === undefined ? {} : { exchangeWindow: body.window }),
        ...(body.active === undefined ? {} : { active: body.active }),
      };
      const now = this.clock.now();
      await this.repository.updateGift(tx, id, fields, now);
      const after = (await this.repository.gift(tx, id)) as GiftEntity;
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staff.staffId },
        action: 'gift.update',
        target: { kind: 'gift', id },
        before: giftAdminView(before),
        after: giftAdminView(after),
      });
      return giftAdminView(after);
    });
  }

  /** Stock in or out by hand, with a reason: one conditional UPDATE, so it never goes below zero. */
  async adjustStock(
    staff: StaffAuth,
    giftId: string,
    key: string | undefined,
    body: z.output<typeof GiftStockAdjustmentBody>,
  ) {
    return this.idempotency.execute(
      {
        scope: `staff:${staff.staffId}`,
        key,
        route: 'adjustGiftStock',
        request: { giftId, ...body },
        successStatus: 201,
      },
      async (tx) => {
        const stock = await this.repository.adjustStock(tx, giftId, body.delta, this.clock.now());
        if (stock === null) {
          const gift = await this.repository.gift(tx, giftId);
          if (!gift) throw new AppError('GIFT_NOT_FOUND', `no gift ${giftId}`);
          throw new AppError(
            'OUT_OF_STOCK',
            `taking ${-body.delta} would leave the stock of ${gift.stock} below zero`,
            { stock: gift.stock },
          );
        }
        await this.audit.record(tx, {
          actor: { kind: 'staff', id: staff.staffId },
          action: 'gift.stock.adjust',
          target: { kind: 'gift', id: giftId },
          before: { stock: stock - body.delta },
          after: { stock, delta: body.delta, reason: body.reason },
        });
        return { giftId, delta: body.delta, stock };
      },
    );
  }

  /** The active gifts, each with whether this member could redeem one now and, if not, the code why. */
  async catalog(
    auth: MemberAuth,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<z.output<typeof GiftCatalogItem>>> {
    const memberId = await this.me.memberIdOf(auth);
    const member = await this.repository.member(memberId);
    if (!member) throw new AppError('MEMBER_NOT_FOUND', 'no such member');
    const rows = await this.repository.gifts(cursor, limit + 1, true);
    const page = rows.slice(0, limit);
    const counts = await this.repository.redeemedCounts(
      memberId,
      page.map((g) => g.id),
    );
    const program = await this.program.get();
    const now = this.clock.now();
    return {
      items: page.map((gift) => {
        const redeemedByMe = counts.get(gift.id) ?? 0;
        const reason = refusalFor(gift, { ...member, redeemed: redeemedByMe }, 1, now, program.timeZone);
        return {
          id: gift.id,
          name: gift.name,
          description: gift.description,
          imageUrl: gift.imageUrl,
          pointsPrice: gift.pointsPrice,
          stock: gift.stock,
          perMemberLimit: gift.perMemberLimit,
          tiers: gift.tiers,
          window: gift.exchangeWindow,
          redeemedByMe,
          redeemable: reason === null,
          ...(reason === null ? {} : { reason }),
        };
      }),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  private assertTiers(program: ProgramConfig, tiers: string[] | null): void {
    const unknown = (tiers ?? []).filter((code) => !program.tiers.ladder.some((t) => t.code === code));
    if (unknown.length > 0)
      throw new AppError('VALIDATION_FAILED', `no tier ${unknown.join(', ')} in the program`, { tiers: unknown });
  }
}
