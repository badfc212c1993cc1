import type { GiftExchangeResponse, PickupView } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { RateLimiter } from '../../common/rate-limit/rate-limiter';
import { Transactions } from '../../common/transactions';
import { AuditService } from '../audit/audit.service';
import { QUALITY_EXCHANGE_DAYS } from './gift-rules';
import { pickupView } from './gift.views';
import { GiftsRepository, type RedemptionRow } from './gifts.repository';
import { PICKUP_WRONG_CODE_PER_STAFF } from './gifts-limits';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The store side of a redemption (DOMAIN §5, §12): handing the gift over, and a quality exchange after. */
@Injectable()
export class PickupsService {
  constructor(
    private readonly repository: GiftsRepository,
    private readonly audit: AuditService,
    private readonly limiter: RateLimiter,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * Verifies a pickup code and marks the redemption collected at the staff member's store, once: the
   * conditional UPDATE lets exactly one of two simultaneous verifications through. Every attempt counts
   * against the staff member's wrong-code limit until the code turns out to exist.
   */
  async collect(staff: StaffAuth, pickupCode: string): Promise<z.output<typeof PickupView>> {
    const hits = await this.limiter.consume([{ rule: PICKUP_WRONG_CODE_PER_STAFF, key: staff.staffId }]);
    const found = await this.repository.redemptionByCode(pickupCode);
    if (!found) throw new AppError('PICKUP_CODE_NOT_FOUND', 'no redemption has this pickup code');
    await this.limiter.release(hits);
    return this.transactions.run(async (tx) => {
      const now = this.clock.now();
      if (!(await this.repository.markCollected(tx, found.id, staff.storeId, staff.staffId, now))) {
        const current = (await this.repository.redemption(tx, found.id)) as RedemptionRow;
        throw new AppError('ALREADY_COLLECTED', 'this gift has been collected already', {
          collectedAt: current.collectedAt === null ? null : new Date(current.collectedAt).toISOString(),
          collectedStoreId: current.collectedStoreId,
        });
      }
      const collected = (await this.repository.redemption(tx, found.id)) as RedemptionRow;
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staff.staffId },
        action: 'redemption.collect',
        target: { kind: 'redemption', id: found.id },
        before: { status: found.status },
        after: { status: collected.status, storeId: staff.storeId },
      });
      return pickupView(collected);
    });
  }

  /**
   * A quality exchange (DOMAIN §5): within QUALITY_EXCHANGE_DAYS of collection, once, by staff of the store that
   * handed the gift over (headquarters anywhere, as with refunds). No points move — the member gets the same
   * gift again — and the exchange is recorded with its reason and audited.
   */
  async exchange(
    staff: StaffAuth,
    redemptionId: string,
    reason: string,
  ): Promise<z.output<typeof GiftExchangeResponse>> {
    return this.transactions.run(async (tx) => {
      const now = this.clock.now();
      // The store's own stock replaces the gift, so only the store that handed it over exchanges it.
      const onlyAt = staff.role === 'admin' ? null : staff.storeId;
      if (staff.role !== 'admin' && onlyAt === null) {
        throw new AppError('PICKUP_WRONG_STORE', 'this account belongs to no store');
      }
      const since = now - QUALITY_EXCHANGE_DAYS * DAY_MS;
      if (!(await this.repository.markExchanged(tx, redemptionId, since, onlyAt, now))) {
        const current = await this.repository.redemption(tx, redemptionId);
        if (!current) throw new AppError('REDEMPTION_NOT_FOUND', `no redemption ${redemptionId}`);
        if (current.status === 'pending') throw new AppError('NOT_COLLECTED', 'the gift has not been collected yet');
        if (staff.role !== 'admin' && current.collectedStoreId !== staff.storeId) {
          throw new AppError('PICKUP_WRONG_STORE', 'a gift is exchanged only at the store that handed it over', {
            collectedStoreId: current.collectedStoreId,
          });
        }
        if (current.status === 'exchanged')
          throw new AppError('ALREADY_EXCHANGED', 'this gift has been exchanged already');
        throw new AppError(
          'EXCHANGE_PERIOD_OVER',
          `a quality exchange is possible within ${QUALITY_EXCHANGE_DAYS} days of collection`,
          {
            collectedAt: current.collectedAt === null ? null : new Date(current.collectedAt).toISOString(),
          },
        );
      }
      const exchangeId = newId();
      await this.repository.insertExchange(tx, {
        id: exchangeId,
        redemptionId,
        staffId: staff.staffId,
        storeId: staff.storeId,
        reason,
        now,
      });
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staff.staffId },
        action: 'redemption.exchange',
        target: { kind: 'redemption', id: redemptionId },
        before: { status: 'collected' },
        after: { status: 'exchanged', exchangeId, reason, storeId: staff.storeId },
      });
      const redemption = (await this.repository.redemption(tx, redemptionId)) as RedemptionRow;
      return {
        id: exchangeId,
        redemptionId,
        reason,
        storeId: staff.storeId,
        createdAt: new Date(now).toISOString(),
        redemption: pickupView(redemption),
      };
    });
  }
}
