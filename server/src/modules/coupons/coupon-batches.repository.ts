import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { execute, select, Transactions } from '../../common/transactions';

export type BatchAudience = { kind: 'members' } | { kind: 'segment'; tiers: string[] | null };

export type BatchState = 'pending' | 'running' | 'done';

export interface BatchRow {
  id: string;
  templateId: string;
  staffId: string | null;
  audience: BatchAudience;
  requestHash: string;
  state: BatchState;
  total: number;
  issued: number;
  skipped: number;
  lastMemberId: string;
  runner: string | null;
  leaseUntil: number | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

type Raw = Record<string, unknown>;

const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function toBatch(r: Raw): BatchRow {
  return {
    id: String(r.id),
    templateId: String(r.template_id),
    staffId: (r.staff_id as string | null) ?? null,
    audience: JSON.parse(String(r.audience)) as BatchAudience,
    requestHash: String(r.request_hash),
    state: r.state as BatchState,
    total: Number(r.total),
    issued: Number(r.issued),
    skipped: Number(r.skipped),
    lastMemberId: String(r.last_member_id ?? ''),
    runner: (r.runner as string | null) ?? null,
    leaseUntil: numOrNull(r.lease_until),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    finishedAt: numOrNull(r.finished_at),
  };
}

const tierFilter = (tiers: string[] | null) => (tiers ? ` AND tier_code IN (${tiers.map(() => '?').join(', ')})` : '');

/**
 * The SQL of headquarters batches: the batch with its audience and progress, and the walk over its members
 * in id order. Progress moves only with a conditional UPDATE naming the runner that holds the batch.
 */
@Injectable()
export class CouponBatchesRepository {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Transactions) private readonly transactions: Transactions,
  ) {}

  async batch(manager: EntityManager, id: string): Promise<BatchRow | null> {
    const rows = await select<Raw>(manager, 'SELECT * FROM coupon_batches WHERE id = ?', [id]);
    return rows[0] ? toBatch(rows[0]) : null;
  }

  /** Creates the batch unless its id is taken; returns whether it did. */
  async insertIfAbsent(
    tx: EntityManager,
    b: {
      id: string;
      templateId: string;
      staffId: string;
      audience: BatchAudience;
      requestHash: string;
      total: number;
      now: number;
    },
  ): Promise<boolean> {
    const verb = this.transactions.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    const inserted = await execute(
      tx,
      `${verb} INTO coupon_batches (id, template_id, staff_id, audience, request_hash, state, total, issued, skipped, last_member_id,
         created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, 0, 0, '', ?, ?)`,
      [b.id, b.templateId, b.staffId, JSON.stringify(b.audience), b.requestHash, b.total, b.now, b.now],
    );
    return inserted === 1;
  }

  async insertMembers(tx: EntityManager, batchId: string, memberIds: string[]): Promise<void> {
    for (let start = 0; start < memberIds.length; start += 500) {
      const chunk = memberIds.slice(start, start + 500);
      await execute(
        tx,
        `INSERT INTO coupon_batch_members (batch_id, member_id) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`,
        chunk.flatMap((memberId) => [batchId, memberId]),
      );
    }
  }

  async countSegment(tiers: string[] | null): Promise<number> {
    const rows = await select<{ n: number | string }>(
      this.dataSource.manager,
      `SELECT COUNT(*) AS n FROM members WHERE status = 'active'${tierFilter(tiers)}`,
      tiers ?? [],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Takes the batch for `runner` until `leaseUntil`, if no other runner holds it (or its lease ran out) and it
   * is not done — or, with `rescan`, even when done: then the walk starts again from the first member.
   */
  async claim(
    tx: EntityManager,
    c: { id: string; runner: string; now: number; leaseUntil: number; rescan: boolean },
  ): Promise<boolean> {
    const changed = await execute(
      tx,
      `UPDATE coupon_batches SET state = 'running', runner = ?, lease_until = ?, updated_at = ?
         ${c.rescan ? ", last_member_id = '', skipped = 0, finished_at = NULL" : ''}
       WHERE id = ? AND (runner IS NULL OR lease_until IS NULL OR lease_until < ?)${c.rescan ? '' : " AND state <> 'done'"}`,
      [c.runner, c.leaseUntil, c.now, c.id, c.now],
    );
    return changed === 1;
  }

  /** Renews the lease of the runner that holds the batch; false when it no longer does. */
  async renew(tx: EntityManager, id: string, runner: string, leaseUntil: number): Promise<boolean> {
    const changed = await execute(
      tx,
      "UPDATE coupon_batches SET lease_until = ? WHERE id = ? AND runner = ? AND state = 'running'",
      [leaseUntil, id, runner],
    );
    return changed === 1;
  }

  /** The next members of the walk: the batch's list, or the segment's active members, after `after`. */
  async nextMembers(
    tx: EntityManager,
    batch: BatchRow,
    after: string,
    limit: number,
  ): Promise<{ memberId: string; active: boolean }[]> {
    if (batch.audience.kind === 'members') {
      const rows = await select<{ member_id: string; status: string | null }>(
        tx,
        `SELECT b.member_id, m.status FROM coupon_batch_members b LEFT JOIN members m ON m.id = b.member_id
         WHERE b.batch_id = ? AND b.member_id > ? ORDER BY b.member_id LIMIT ${Math.trunc(limit)}`,
        [batch.id, after],
      );
      return rows.map((r) => ({ memberId: r.member_id, active: r.status === 'active' }));
    }
    const tiers = batch.audience.tiers;
    const rows = await select<{ id: string }>(
      tx,
      `SELECT id FROM members WHERE status = 'active' AND id > ?${tierFilter(tiers)} ORDER BY id LIMIT ${Math.trunc(limit)}`,
      [after, ...(tiers ?? [])],
    );
    return rows.map((r) => ({ memberId: r.id, active: true }));
  }

  /** Records a chunk's outcome, in the chunk's transaction, only for the runner that holds the batch. */
  async advance(
    tx: EntityManager,
    a: { id: string; runner: string; lastMemberId: string; issued: number; skipped: number; now: number },
  ): Promise<boolean> {
    const changed = await execute(
      tx,
      `UPDATE coupon_batches SET issued = issued + ?, skipped = skipped + ?, last_member_id = ?, updated_at = ?
       WHERE id = ? AND runner = ? AND state = 'running'`,
      [a.issued, a.skipped, a.lastMemberId, a.now, a.id, a.runner],
    );
    return changed === 1;
  }

  async finish(tx: EntityManager, id: string, runner: string, now: number): Promise<boolean> {
    const changed = await execute(
      tx,
      `UPDATE coupon_batches SET state = 'done', runner = NULL, lease_until = NULL, finished_at = ?, updated_at = ?
       WHERE id = ? AND runner = ? AND state = 'running'`,
      [now, now, id, runner],
    );
    return changed === 1;
  }

  /** A runner stopping before the end hands the batch back at once, for the next run to resume. */
  async release(tx: EntityManager, id: string, runner: string, now: number): Promise<void> {
    await execute(
      tx,
      `UPDATE coupon_batches SET state = 'pending', runner = NULL, lease_until = NULL, updated_at = ?
       WHERE id = ? AND runner = ? AND state = 'running'`,
      [now, id, runner],
    );
  }
}
