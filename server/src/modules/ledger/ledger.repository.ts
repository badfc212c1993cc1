import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import { onUniqueViolation } from '../../database/unique-violation';
import { defer, execute, select, Transactions } from '../../common/transactions';
import type { Account, Actor, LotSource, PostingKind, RefType } from './ledger.types';

export interface PostingRow {
  id: string;
  memberId: string;
  kind: PostingKind;
  refType: RefType;
  refId: string;
  actor: Actor;
  memo: string | null;
  createdAt: number;
}

export interface EntryRow {
  id: string;
  postingId: string;
  account: Account;
  memberId: string | null;
  points: number;
  balanceAfter: number | null;
  createdAt: number;
}

export interface LotRow {
  id: string;
  memberId: string;
  postingId: string;
  source: LotSource;
  points: number;
  remaining: number;
  earnedAt: number;
  expiresAt: number | null;
  /** Set while the points are pending; null once spendable. */
  availableAt: number | null;
  createdAt: number;
}

export interface MoveRow {
  id: string;
  lotId: string;
  postingId: string;
  points: number;
  createdAt: number;
}

/** Where the expiry job's walk over due lots stands. */
export interface ExpiryCursor {
  expiresAt: number;
  id: string;
}

export interface OpenLot {
  id: string;
  remaining: number;
  expiresAt: number | null;
  availableAt: number | null;
}

type LotSelectRow = {
  id: string;
  remaining: number | string;
  expires_at: number | string | null;
  available_at: number | string | null;
};

const toOpenLot = (r: LotSelectRow): OpenLot => ({
  id: r.id,
  remaining: Number(r.remaining),
  expiresAt: r.expires_at === null ? null : Number(r.expires_at),
  availableAt: r.available_at === null ? null : Number(r.available_at),
});

function placeholders(columns: number, rows: number): string {
  const row = `(${new Array(columns).fill('?').join(', ')})`;
  return new Array(rows).fill(row).join(', ');
}

/** The ledger's SQL. Statements are plain and portable; the few dialect differences are branched here. */
@Injectable()
export class LedgerRepository {
  constructor(@Inject(Transactions) private readonly transactions: Transactions) {}

  private get forUpdate(): string {
    // SQLite transactions hold the database's single write lock already.
    return this.transactions.dialect === 'mysql' ? ' FOR UPDATE' : '';
  }

  async insertPostings(tx: EntityManager, postings: PostingRow[]): Promise<void> {
    if (postings.length === 0) return;
    await defer(
      tx,
      `INSERT INTO point_postings (id, member_id, kind, ref_type, ref_id, actor_kind, actor_id, memo, created_at) VALUES ${placeholders(9, postings.length)}`,
      postings.flatMap((p) => [
        p.id,
        p.memberId,
        p.kind,
        p.refType,
        p.refId,
        p.actor.kind,
        p.actor.id,
        p.memo,
        p.createdAt,
      ]),
      {
        onError: onUniqueViolation(
          () =>
            new AppError('CONFLICT', 'this cause has already been posted to the ledger', {
              causes: postings.map((p) => `${p.kind}:${p.refType}:${p.refId}`),
            }),
        ),
      },
    );
  }

  async insertEntries(tx: EntityManager, entries: EntryRow[]): Promise<void> {
    if (entries.length === 0) return;
    await defer(
      tx,
      `INSERT INTO point_entries (id, posting_id, account, member_id, points, balance_after, created_at) VALUES ${placeholders(7, entries.length)}`,
      entries.flatMap((e) => [e.id, e.postingId, e.account, e.memberId, e.points, e.balanceAfter, e.createdAt]),
    );
  }

  async insertLot(tx: EntityManager, lot: LotRow): Promise<void> {
    await defer(
      tx,
      'INSERT INTO point_lots (id, member_id, posting_id, source, points, remaining, earned_at, expires_at, available_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        lot.id,
        lot.memberId,
        lot.postingId,
        lot.source,
        lot.points,
        lot.remaining,
        lot.earnedAt,
        lot.expiresAt,
        lot.availableAt,
        lot.createdAt,
      ],
    );
  }

  async insertMoves(tx: EntityManager, moves: MoveRow[]): Promise<void> {
    if (moves.length === 0) return;
    await execute(
      tx,
      `INSERT INTO point_lot_moves (id, lot_id, posting_id, points, created_at) VALUES ${placeholders(5, moves.length)}`,
      moves.flatMap((m) => [m.id, m.lotId, m.postingId, m.points, m.createdAt]),
    );
  }

  /** Adds `delta` (any sign) to the cached balance; returns the new balance. No floor: for credits and debt-allowed reversals. */
  async addToBalance(tx: EntityManager, memberId: string, delta: number, now: number): Promise<number> {
    // The new balance is read in the same round trip as the UPDATE.
    await defer(
      tx,
      'UPDATE members SET points_balance = points_balance + ?, updated_at = ? WHERE id = ?',
      [delta, now, memberId],
      {
        rows: 1,
        orElse: () => new AppError('MEMBER_NOT_FOUND', 'no such member'),
      },
    );
    return this.balanceOf(tx, memberId);
  }

  /**
   * Adds `delta` to a balance this transaction read as `before` with the member row locked, without reading it
   * back: returns `before + delta`. The UPDATE changes the row only if the balance is still `before`, and fails
   * the transaction otherwise, so a balance changed since the read can never be written as this one's result.
   */
  async addToLockedBalance(
    tx: EntityManager,
    memberId: string,
    delta: number,
    now: number,
    before: number,
  ): Promise<number> {
    await defer(
      tx,
      'UPDATE members SET points_balance = points_balance + ?, updated_at = ? WHERE id = ? AND points_balance = ?',
      [delta, now, memberId, before],
      {
        rows: 1,
        orElse: () => new Error(`the points balance of member ${memberId} is no longer the ${before} read under lock`),
      },
    );
    return before + delta;
  }

  /**
   * Takes `points` off the balance only if the balance covers them, atomically: the condition is
   * checked by the UPDATE itself, never read first. Returns the new balance, or null if it does not cover.
   */
  async takeFromBalance(tx: EntityManager, memberId: string, points: number, now: number): Promise<number | null> {
    const changed = await execute(
      tx,
      'UPDATE members SET points_balance = points_balance - ?, updated_at = ? WHERE id = ? AND points_balance >= ?',
      [points, now, memberId, points],
    );
    if (changed === 1) return this.balanceOf(tx, memberId);
    const exists = await select(tx, 'SELECT id FROM members WHERE id = ?', [memberId]);
    if (exists.length === 0) throw new AppError('MEMBER_NOT_FOUND', 'no such member');
    return null;
  }

  /**
   * Takes `points` off the member's balance if it holds them, without reading the new balance back (for
   * the expiry, which reads every balance of its batch at once afterwards). Whether it did.
   */
  async takeIfCovered(tx: EntityManager, memberId: string, points: number, now: number): Promise<boolean> {
    const changed = await execute(
      tx,
      'UPDATE members SET points_balance = points_balance - ?, updated_at = ? WHERE id = ? AND points_balance >= ?',
      [points, now, memberId, points],
    );
    return changed === 1;
  }

  /** Read after this transaction's own UPDATE of the row, which it holds locked: the value is current. */
  async balanceOf(tx: EntityManager, memberId: string): Promise<number> {
    const rows = await select<{ points_balance: number | string }>(
      tx,
      'SELECT points_balance FROM members WHERE id = ?',
      [memberId],
    );
    if (!rows[0]) throw new AppError('MEMBER_NOT_FOUND', 'no such member');
    return Number(rows[0].points_balance);
  }

  /** The member's spendable lots with points left, oldest-expiring first (never-expiring last), locked. */
  async openLots(tx: EntityManager, memberId: string): Promise<OpenLot[]> {
    const rows = await select<LotSelectRow>(
      tx,
      `SELECT id, remaining, expires_at, available_at FROM point_lots
       WHERE member_id = ? AND remaining > 0 AND available_at IS NULL
       ORDER BY CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END, expires_at, id${this.forUpdate}`,
      [memberId],
    );
    return rows.map(toOpenLot);
  }

  /** Pending lots whose pending period is over at `now` (of one member, or of anyone), locked. */
  async maturedLots(
    tx: EntityManager,
    memberId: string | null,
    now: number,
    limit: number,
  ): Promise<(OpenLot & { memberId: string })[]> {
    const rows = await select<LotSelectRow & { member_id: string }>(
      tx,
      `SELECT id, member_id, remaining, expires_at, available_at FROM point_lots
       WHERE available_at IS NOT NULL AND available_at <= ? AND remaining > 0${memberId ? ' AND member_id = ?' : ''}
       ORDER BY available_at, id LIMIT ${Math.trunc(limit)}${this.forUpdate}`,
      memberId ? [now, memberId] : [now],
    );
    return rows.map((r) => ({ ...toOpenLot(r), memberId: r.member_id }));
  }

  /** The lot's points become spendable; `remaining` is what is left after repaying any debt. */
  async makeAvailable(tx: EntityManager, lotId: string, remaining: number): Promise<void> {
    const changed = await execute(
      tx,
      'UPDATE point_lots SET available_at = NULL, remaining = ? WHERE id = ? AND available_at IS NOT NULL',
      [remaining, lotId],
    );
    if (changed !== 1) throw new Error(`lot ${lotId} is not pending`);
  }

  /** Adds `delta` to the member's pending points; returns the new pending total. */
  async addToPending(tx: EntityManager, memberId: string, delta: number, now: number): Promise<number> {
    const changed = await execute(
      tx,
      'UPDATE members SET points_pending = points_pending + ?, updated_at = ? WHERE id = ? AND points_pending + ? >= 0',
      [delta, now, memberId, delta],
    );
    if (changed !== 1) throw new Error(`pending points of member ${memberId} cannot change by ${delta}`);
    const rows = await select<{ points_pending: number | string }>(
      tx,
      'SELECT points_pending FROM members WHERE id = ?',
      [memberId],
    );
    return Number(rows[0]?.points_pending ?? 0);
  }

  /** The lots a posting created, with the points each was created with, locked. */
  async lotsOfPosting(tx: EntityManager, postingId: string): Promise<(OpenLot & { points: number })[]> {
    const rows = await select<LotSelectRow & { points: number | string }>(
      tx,
      `SELECT id, points, remaining, expires_at, available_at FROM point_lots WHERE posting_id = ?${this.forUpdate}`,
      [postingId],
    );
    return rows.map((r) => ({ ...toOpenLot(r), points: Number(r.points) }));
  }

  /**
   * Points that expired out of the lots a posting created. A locking read on MySQL: it sees the expiry
   * runs committed while this transaction waited for the lots, not an older snapshot.
   */
  async expiredOfPosting(tx: EntityManager, postingId: string): Promise<number> {
    const rows = await select<{ expired: number | string | null }>(
      tx,
      `SELECT COALESCE(SUM(-m.points), 0) AS expired FROM point_lot_moves m
       JOIN point_lots l ON l.id = m.lot_id JOIN point_postings p ON p.id = m.posting_id
       WHERE l.posting_id = ? AND p.kind = 'expire'${this.forUpdate}`,
      [postingId],
    );
    return Number(rows[0]?.expired ?? 0);
  }

  /** Expiry dates of the lots a posting took points from. */
  async expiriesConsumedBy(tx: EntityManager, postingId: string): Promise<(number | null)[]> {
    const rows = await select<{ expires_at: number | string | null }>(
      tx,
      `SELECT l.expires_at FROM point_lot_moves m JOIN point_lots l ON l.id = m.lot_id
       WHERE m.posting_id = ? AND m.points < 0`,
      [postingId],
    );
    return rows.map((r) => (r.expires_at === null ? null : Number(r.expires_at)));
  }

  /** Takes points from one lot; the condition keeps a lot from ever going below zero. */
  async takeFromLot(tx: EntityManager, lotId: string, points: number): Promise<void> {
    const changed = await execute(
      tx,
      'UPDATE point_lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?',
      [points, lotId, points],
    );
    if (changed !== 1) throw new Error(`lot ${lotId} does not hold ${points} points`);
  }

  async findPosting(
    tx: EntityManager,
    kind: PostingKind,
    refType: RefType,
    refId: string,
  ): Promise<{ id: string; memberId: string } | null> {
    const rows = await select<{ id: string; member_id: string }>(
      tx,
      'SELECT id, member_id FROM point_postings WHERE kind = ? AND ref_type = ? AND ref_id = ?',
      [kind, refType, refId],
    );
    return rows[0] ? { id: rows[0].id, memberId: rows[0].member_id } : null;
  }

  /**
   * Lots due to expire at `asOf`, locked, in (expires_at, id) order after the cursor: each batch reads
   * only its own rows. A new run starts from the beginning and so also picks up what a crash left.
   */
  async dueLots(
    tx: EntityManager,
    asOf: number,
    limit: number,
    after: ExpiryCursor | null,
  ): Promise<{ id: string; memberId: string; remaining: number; expiresAt: number }[]> {
    const rows = await select<{
      id: string;
      member_id: string;
      remaining: number | string;
      expires_at: number | string;
    }>(
      tx,
      `SELECT id, member_id, remaining, expires_at FROM point_lots
       WHERE expires_at IS NOT NULL AND expires_at <= ? AND remaining > 0 AND available_at IS NULL
       ${after ? 'AND (expires_at > ? OR (expires_at = ? AND id > ?))' : ''}
       ORDER BY expires_at, id LIMIT ${Math.trunc(limit)}${this.forUpdate}`,
      after ? [asOf, after.expiresAt, after.expiresAt, after.id] : [asOf],
    );
    return rows.map((r) => ({
      id: r.id,
      memberId: r.member_id,
      remaining: Number(r.remaining),
      expiresAt: Number(r.expires_at),
    }));
  }

  async zeroLots(tx: EntityManager, lotIds: string[]): Promise<number> {
    if (lotIds.length === 0) return 0;
    return execute(
      tx,
      `UPDATE point_lots SET remaining = 0 WHERE id IN (${lotIds.map(() => '?').join(', ')}) AND remaining > 0`,
      lotIds,
    );
  }

  async balancesOf(tx: EntityManager, memberIds: string[]): Promise<Map<string, number>> {
    if (memberIds.length === 0) return new Map();
    const rows = await select<{ id: string; points_balance: number | string }>(
      tx,
      `SELECT id, points_balance FROM members WHERE id IN (${memberIds.map(() => '?').join(', ')})`,
      memberIds,
    );
    return new Map(rows.map((r) => [r.id, Number(r.points_balance)]));
  }
}
