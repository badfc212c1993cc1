import type { StatsFigures, StatsSummaryQuery, StatsSummaryResponse } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { ProgramService } from '../program/program.service';
import { statsCalendar } from './stats-calendar';
import { StatsRepository, type StatsScope } from './stats.repository';

type Figures = z.output<typeof StatsFigures>;

const ZERO: Figures = { newMembers: 0, purchases: 0, salesFen: 0, pointsIssued: 0, pointsSpent: 0, couponsUsed: 0 };

function sum(figures: readonly Figures[]): Figures {
  return figures.reduce(
    (total, day) => ({
      newMembers: total.newMembers + day.newMembers,
      purchases: total.purchases + day.purchases,
      salesFen: total.salesFen + day.salesFen,
      pointsIssued: total.pointsIssued + day.pointsIssued,
      pointsSpent: total.pointsSpent + day.pointsSpent,
      couponsUsed: total.couponsUsed + day.couponsUsed,
    }),
    ZERO,
  );
}

/** The console's overview (GET /api/admin/stats/summary): the figures of today, this month and the last 30 days. */
@Injectable()
export class StatsService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly program: ProgramService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async summary(
    staff: StaffAuth,
    query: z.output<typeof StatsSummaryQuery>,
  ): Promise<z.output<typeof StatsSummaryResponse>> {
    const scope = this.scopeOf(staff, query.storeId);
    const now = this.clock.now();
    const { timeZone } = await this.program.get();
    // Every figure is counted per calendar day; today and this month are sums of days, so they agree with the chart.
    const calendar = statsCalendar(timeZone, now);
    const [joins, purchases, refunded, coupons] = await Promise.all([
      this.stats.joinsPerDay(scope, calendar.days),
      this.stats.purchasesPerDay(scope, calendar.days),
      this.stats.refundedPerDay(scope, calendar.days),
      this.stats.couponsUsedPerDay(scope, calendar.days),
    ]);
    const days = calendar.days.map((day, index) => {
      const bought = purchases[index];
      return {
        date: day.date,
        figures: {
          newMembers: joins[index] ?? 0,
          purchases: bought?.purchases ?? 0,
          salesFen: (bought?.paidFen ?? 0) - (refunded[index] ?? 0),
          pointsIssued: bought?.pointsEarned ?? 0,
          pointsSpent: bought?.pointsSpent ?? 0,
          couponsUsed: coupons[index] ?? 0,
        },
      };
    });
    return {
      timeZone,
      generatedAt: new Date(now).toISOString(),
      storeId: scope.storeId ?? null,
      today: days.at(-1)?.figures ?? ZERO,
      thisMonth: sum(days.slice(calendar.monthStart).map((day) => day.figures)),
      daily: days.slice(calendar.chartStart).map(({ date, figures }) => ({
        date,
        newMembers: figures.newMembers,
        purchases: figures.purchases,
        salesFen: figures.salesFen,
      })),
    };
  }

  /** A store manager sees their own store's figures, and only those (DOMAIN §12); headquarters any store's or all. */
  private scopeOf(staff: StaffAuth, requested: string | undefined): StatsScope {
    if (staff.role === 'admin') return { storeId: requested };
    if (!staff.storeId || (requested !== undefined && requested !== staff.storeId)) {
      throw new AppError('FORBIDDEN', "a store manager sees only their own store's figures");
    }
    return { storeId: staff.storeId };
  }
}
