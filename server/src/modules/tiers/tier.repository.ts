import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId } from '../../common/ids';
import { execute, select } from '../../common/transactions';

export type TierChangeReason = 'purchase' | 'refund' | 'period-end' | 'manual' | 'manual-ended' | 'top-up';

@Injectable()
export class TierRepository {
  /** Paid (net of refunds) since `from`, optionally excluding one purchase. */
  async spendSince(
    tx: EntityManager,
    memberId: string,
    from: number,
    excludePurchaseId: string | null = null,
  ): Promise<number> {
    const rows = await select<{ total: number | string | null }>(
      tx,
      `SELECT COALESCE(SUM(paid_fen - refunded_paid_fen), 0) AS total FROM purchases
       WHERE member_id = ? AND created_at >= ?${excludePurchaseId ? ' AND id <> ?' : ''}`,
      excludePurchaseId ? [memberId, from, excludePurchaseId] : [memberId, from],
    );
    return Number(rows[0]?.total ?? 0);
  }

  /** The largest net single purchase since `from` (what "single purchase ≥ X" looks at after refunds). */
  async largestPurchaseSince(tx: EntityManager, memberId: string, from: number): Promise<number> {
    const rows = await select<{ top: number | string | null }>(
      tx,
      'SELECT MAX(paid_fen - refunded_paid_fen) AS top FROM purchases WHERE member_id = ? AND created_at >= ?',
      [memberId, from],
    );
    return Number(rows[0]?.top ?? 0);
  }

  /** Points earned since `from`, net of reversals (never the balance); without what purchase `excludePurchaseId` earned. */
  async pointsEarnedSince(
    tx: EntityManager,
    memberId: string,
    from: number,
    excludePurchaseId: string | null = null,
  ): Promise<number> {
    const rows = await select<{ total: number | string | null }>(
      tx,
      `SELECT COALESCE(SUM(e.points), 0) AS total FROM point_entries e JOIN point_postings p ON p.id = e.posting_id
       WHERE e.member_id = ? AND e.account IN ('member', 'member_pending') AND p.kind IN ('earn', 'reverse') AND e.created_at >= ?${
         excludePurchaseId ? " AND NOT (p.ref_type = 'purchase' AND p.ref_id = ?)" : ''
       }`,
      excludePurchaseId ? [memberId, from, excludePurchaseId] : [memberId, from],
    );
    return Number(rows[0]?.total ?? 0);
  }

  async setTier(
    tx: EntityManager,
    change: {
      memberId: string;
      from: string;
      to: string;
      reason: TierChangeReason;
      refId: string | null;
      actorId: string | null;
      now: number;
    },
    manualUntil: number | null = null,
  ): Promise<void> {
    await execute(
      tx,
      'UPDATE members SET tier_code = ?, tier_since = ?, tier_manual_until = ?, updated_at = ? WHERE id = ?',
      [change.to, change.now, manualUntil, change.now, change.memberId],
    );
    await execute(
      tx,
      'INSERT INTO tier_history (id, member_id, from_tier, to_tier, reason, ref_id, actor_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [newId(), change.memberId, change.from, change.to, change.reason, change.refId, change.actorId, change.now],
    );
  }

  /** The member's tier, since when, and a manual hold's end; null for no active member. */
  async stateOf(
    manager: EntityManager,
    memberId: string,
  ): Promise<{ id: string; tierCode: string; tierSince: number | null; tierManualUntil: number | null } | null> {
    const rows = await select<{
      tier_code: string;
      tier_since: number | string | null;
      tier_manual_until: number | string | null;
    }>(manager, "SELECT tier_code, tier_since, tier_manual_until FROM members WHERE id = ? AND status = 'active'", [
      memberId,
    ]);
    const row = rows[0];
    if (!row) return null;
    return {
      id: memberId,
      tierCode: row.tier_code,
      tierSince: row.tier_since === null ? null : Number(row.tier_since),
      tierManualUntil: row.tier_manual_until === null ? null : Number(row.tier_manual_until),
    };
  }

  /** The member's tier since when, the manual hold's end, and the latest changes, newest first. */
  async historyOf(
    manager: EntityManager,
    memberId: string,
    limit: number,
  ): Promise<{
    since: number | null;
    manualUntil: number | null;
    changes: { from: string; to: string; reason: string; at: number }[];
  }> {
    const member = await select<{ tier_since: number | string | null; tier_manual_until: number | string | null }>(
      manager,
      'SELECT tier_since, tier_manual_until FROM members WHERE id = ?',
      [memberId],
    );
    const changes = await select<{ from_tier: string; to_tier: string; reason: string; created_at: number | string }>(
      manager,
      `SELECT from_tier, to_tier, reason, created_at FROM tier_history WHERE member_id = ?
       ORDER BY created_at DESC, id DESC LIMIT ${Math.trunc(limit)}`,
      [memberId],
    );
    const since = member[0]?.tier_since ?? null;
    const manualUntil = member[0]?.tier_manual_until ?? null;
    return {
      since: since === null ? null : Number(since),
      manualUntil: manualUntil === null ? null : Number(manualUntil),
      changes: changes.map((c) => ({ from: c.from_tier, to: c.to_tier, reason: c.reason, at: Number(c.created_at) })),
    };
  }
}
