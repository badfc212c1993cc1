import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { select } from '../../common/transactions';
import type { CalendarDay } from './stats-calendar';

/** Whose figures: one store's, or every store's (undefined). */
export interface StatsScope {
  storeId: string | undefined;
}

export interface PurchaseDay {
  purchases: number;
  paidFen: number;
  pointsEarned: number;
  pointsSpent: number;
}

type Row = { day_index: number | string } & Record<string, number | string | null>;

/**
 * A statement that counts rows per calendar day: `column` is put in its day by a CASE over the days' boundaries
 * (given as parameters, worked out in the program's time zone by the caller), so that the SQL is the same on SQLite
 * and MariaDB and holds on the days a zone changes its clocks. The WHERE bounds `column` to the whole span, which is
 * what lets the database walk one index range.
 */
class DailyStatement {
  readonly params: unknown[] = [];
  private readonly where: string[] = [];

  constructor(
    private readonly column: string,
    private readonly days: readonly CalendarDay[],
  ) {}

  dayIndex(): string {
    const whens = this.days.map((day, index) => {
      this.params.push(day.to);
      return `WHEN ${this.column} < ? THEN ${index}`;
    });
    return `CASE ${whens.join(' ')} END`;
  }

  filter(condition: string, ...values: unknown[]): this {
    this.where.push(condition);
    this.params.push(...values);
    return this;
  }

  /** The conditions given, then the span of the days; call after dayIndex() so the parameters are in order. */
  whereClause(): string {
    this.where.push(`${this.column} >= ?`, `${this.column} < ?`);
    this.params.push(this.days[0]?.from ?? 0, this.days.at(-1)?.to ?? 0);
    return `WHERE ${this.where.join(' AND ')}`;
  }
}

/** Per-day values, in the days' order, with zeros for the days without rows. */
function perDay<T>(days: readonly CalendarDay[], rows: Row[], read: (row: Row) => T, zero: T): T[] {
  const values = days.map(() => zero);
  for (const row of rows) {
    const index = Number(row.day_index);
    if (index >= 0 && index < values.length) values[index] = read(row);
  }
  return values;
}

const num = (value: number | string | null | undefined) => Number(value ?? 0);

/**
 * The overview's read-only SQL (GET /api/admin/stats/summary). Reporting reads other modules' tables — members and
 * member_joins (members), purchases and refunds (checkout), coupons (coupons) — and writes nothing; every statement
 * of it is here. Each walks one index range over the days asked for:
 * - members: idx_members_joined (created_at, id); member_joins: idx_member_joins_store (store_id, created_at);
 * - purchases of one store: idx_purchases_store (store_id, created_at); of every store: idx_purchases_created;
 * - refunds: idx_refunds_created; coupons: idx_coupons_purchase, from the purchases found.
 */
@Injectable()
export class StatsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Members who joined each day: every join, or the joins attributed to the store. */
  async joinsPerDay(scope: StatsScope, days: readonly CalendarDay[]): Promise<number[]> {
    const statement = new DailyStatement('created_at', days);
    const dayIndex = statement.dayIndex();
    if (scope.storeId !== undefined) statement.filter('store_id = ?', scope.storeId);
    const table = scope.storeId === undefined ? 'members' : 'member_joins';
    const rows = await this.query(
      `SELECT ${dayIndex} AS day_index, COUNT(*) AS n FROM ${table} ${statement.whereClause()} GROUP BY day_index`,
      statement.params,
    );
    return perDay(days, rows, (row) => num(row.n), 0);
  }

  /** Purchases posted each day, what was paid on them and the points they earned and spent. */
  async purchasesPerDay(scope: StatsScope, days: readonly CalendarDay[]): Promise<PurchaseDay[]> {
    const statement = new DailyStatement('created_at', days);
    const dayIndex = statement.dayIndex();
    if (scope.storeId !== undefined) statement.filter('store_id = ?', scope.storeId);
    const rows = await this.query(
      `SELECT ${dayIndex} AS day_index, COUNT(*) AS purchases, SUM(paid_fen) AS paid_fen,
         SUM(points_earned) AS points_earned, SUM(points_spent) AS points_spent
       FROM purchases ${statement.whereClause()} GROUP BY day_index`,
      statement.params,
    );
    return perDay(
      days,
      rows,
      (row) => ({
        purchases: num(row.purchases),
        paidFen: num(row.paid_fen),
        pointsEarned: num(row.points_earned),
        pointsSpent: num(row.points_spent),
      }),
      { purchases: 0, paidFen: 0, pointsEarned: 0, pointsSpent: 0 },
    );
  }

  /** What refunds paid back each day (money and stored value), at the store of the purchase they refund. */
  async refundedPerDay(scope: StatsScope, days: readonly CalendarDay[]): Promise<number[]> {
    const statement = new DailyStatement('r.created_at', days);
    const dayIndex = statement.dayIndex();
    if (scope.storeId !== undefined) statement.filter('p.store_id = ?', scope.storeId);
    const join = scope.storeId === undefined ? '' : 'JOIN purchases p ON p.id = r.purchase_id';
    const rows = await this.query(
      `SELECT ${dayIndex} AS day_index, SUM(r.paid_fen) AS paid_fen FROM refunds r ${join}
       ${statement.whereClause()} GROUP BY day_index`,
      statement.params,
    );
    return perDay(days, rows, (row) => num(row.paid_fen), 0);
  }

  /** Coupons used on each day's purchases (a coupon that a full refund gave back no longer names its purchase). */
  async couponsUsedPerDay(scope: StatsScope, days: readonly CalendarDay[]): Promise<number[]> {
    const statement = new DailyStatement('p.created_at', days);
    const dayIndex = statement.dayIndex();
    if (scope.storeId !== undefined) statement.filter('p.store_id = ?', scope.storeId);
    // The purchases first, on their day index, then each one's coupons: the coupons table holds every coupon ever
    // issued, and MariaDB would rather scan it when its statistics say it is smaller than the days' purchases.
    const join = this.dataSource.options.type === 'mysql' ? 'STRAIGHT_JOIN' : 'CROSS JOIN';
    const rows = await this.query(
      `SELECT ${dayIndex} AS day_index, COUNT(*) AS n FROM purchases p ${join} coupons c
       ${statement.filter('c.purchase_id = p.id').filter("c.status = 'used'").whereClause()} GROUP BY day_index`,
      statement.params,
    );
    return perDay(days, rows, (row) => num(row.n), 0);
  }

  private query(sql: string, params: unknown[]): Promise<Row[]> {
    return select<Row>(this.dataSource.manager, sql, params);
  }
}
