import { Inject, Injectable } from '@nestjs/common';
import { select, Transactions } from '../../common/transactions';

export interface ReconcileReport {
  members: number;
  postings: number;
  lots: number;
  differences: string[];
}

/**
 * Checks the books (issue: reconciliation): every member balance equals the sum of its entries, every
 * posting sums to zero and has a member entry, every lot's remaining points equal its points plus its
 * movements and never drop below zero, what a member's spendable lots hold equals the positive part of
 * the balance, and what the pending lots hold equals the pending points.
 */
@Injectable()
export class ReconcileService {
  constructor(@Inject(Transactions) private readonly transactions: Transactions) {}

  async run(limit = 100): Promise<ReconcileReport> {
    return this.transactions.run(async (tx) => {
      const differences: string[] = [];
      const count = async (sql: string) => Number((await select<{ n: number | string }>(tx, sql))[0]?.n ?? 0);

      const balances = await select<{ id: string; cached: number | string; entries: number | string | null }>(
        tx,
        `SELECT m.id, m.points_balance AS cached, e.total AS entries FROM members m
         LEFT JOIN (SELECT member_id, SUM(points) AS total FROM point_entries WHERE account = 'member' GROUP BY member_id) e
           ON e.member_id = m.id
         WHERE m.points_balance <> COALESCE(e.total, 0) LIMIT ${limit}`,
      );
      for (const row of balances) {
        differences.push(
          `member ${row.id}: balance ${Number(row.cached)} but its entries sum to ${Number(row.entries ?? 0)}`,
        );
      }

      const pending = await select<{ id: string; cached: number | string; entries: number | string | null }>(
        tx,
        `SELECT m.id, m.points_pending AS cached, e.total AS entries FROM members m
         LEFT JOIN (SELECT member_id, SUM(points) AS total FROM point_entries WHERE account = 'member_pending' GROUP BY member_id) e
           ON e.member_id = m.id
         WHERE m.points_pending <> COALESCE(e.total, 0) LIMIT ${limit}`,
      );
      for (const row of pending) {
        differences.push(
          `member ${row.id}: ${Number(row.cached)} points pending but its pending entries sum to ${Number(row.entries ?? 0)}`,
        );
      }

      const unbalanced = await select<{ posting_id: string; total: number | string }>(
        tx,
        `SELECT posting_id, SUM(points) AS total FROM point_entries GROUP BY posting_id HAVING SUM(points) <> 0 LIMIT ${limit}`,
      );
      for (const row of unbalanced)
        differences.push(`posting ${row.posting_id}: entries sum to ${Number(row.total)}, not 0`);

      const orphans = await select<{ id: string }>(
        tx,
        `SELECT p.id FROM point_postings p LEFT JOIN point_entries e ON e.posting_id = p.id AND e.account IN ('member', 'member_pending')
         WHERE e.id IS NULL LIMIT ${limit}`,
      );
      for (const row of orphans) differences.push(`posting ${row.id}: has no member entry`);

      const lots = await select<{
        id: string;
        points: number | string;
        remaining: number | string;
        moved: number | string | null;
      }>(
        tx,
        `SELECT l.id, l.points, l.remaining, mv.total AS moved FROM point_lots l
         LEFT JOIN (SELECT lot_id, SUM(points) AS total FROM point_lot_moves GROUP BY lot_id) mv ON mv.lot_id = l.id
         WHERE l.remaining <> l.points + COALESCE(mv.total, 0) OR l.remaining < 0 LIMIT ${limit}`,
      );
      for (const row of lots) {
        differences.push(
          `lot ${row.id}: ${Number(row.remaining)} remaining but ${Number(row.points)} earned and ${Number(row.moved ?? 0)} moved`,
        );
      }

      const holdings = await select<{ id: string; balance: number | string; held: number | string | null }>(
        tx,
        `SELECT m.id, m.points_balance AS balance, h.total AS held FROM members m
         LEFT JOIN (SELECT member_id, SUM(remaining) AS total FROM point_lots WHERE available_at IS NULL GROUP BY member_id) h
           ON h.member_id = m.id
         WHERE COALESCE(h.total, 0) <> CASE WHEN m.points_balance > 0 THEN m.points_balance ELSE 0 END LIMIT ${limit}`,
      );
      for (const row of holdings) {
        differences.push(
          `member ${row.id}: lots hold ${Number(row.held ?? 0)} but the balance is ${Number(row.balance)}`,
        );
      }

      const pendingHoldings = await select<{ id: string; pending: number | string; held: number | string | null }>(
        tx,
        `SELECT m.id, m.points_pending AS pending, h.total AS held FROM members m
         LEFT JOIN (SELECT member_id, SUM(remaining) AS total FROM point_lots WHERE available_at IS NOT NULL GROUP BY member_id) h
           ON h.member_id = m.id
         WHERE COALESCE(h.total, 0) <> m.points_pending LIMIT ${limit}`,
      );
      for (const row of pendingHoldings) {
        differences.push(
          `member ${row.id}: pending lots hold ${Number(row.held ?? 0)} but ${Number(row.pending)} points are pending`,
        );
      }

      return {
        members: await count('SELECT COUNT(*) AS n FROM members'),
        postings: await count('SELECT COUNT(*) AS n FROM point_postings'),
        lots: await count('SELECT COUNT(*) AS n FROM point_lots'),
        differences,
      };
    });
  }
}
