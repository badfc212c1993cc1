import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { defer, select } from '../../common/transactions';
import { namePrefixPattern, type SearchTerm } from './search-term';

/** A search, with every key already resolved (phone → lookup hash, days → epoch ms in the program's zone). */
export interface MemberSearch {
  term: (SearchTerm & { phoneHash?: string }) | undefined;
  tierCode: string | undefined;
  storeId: string | undefined;
  scene: string | undefined;
  inviteCode: string | undefined;
  joinedFrom: number | undefined;
  /** Exclusive. */
  joinedBefore: number | undefined;
  lastPurchaseFrom: number | undefined;
  lastPurchaseBefore: number | undefined;
  pointsMin: number | undefined;
  pointsMax: number | undefined;
  birthdayMonth: number | undefined;
  /** The last row of the previous page, in the list's order. */
  after: { createdAt: number; id: string } | undefined;
  limit: number;
}

export interface MemberListRow {
  id: string;
  card_no: string;
  name: string;
  phone_enc: string | null;
  phone_last4: string | null;
  tier_code: string;
  points_balance: number | string;
  created_at: number | string;
  last_purchase_at: number | string | null;
}

/**
 * The members table's reads for headquarters and the purchase's one write to it outside the ledger.
 *
 * The list is always in join order (created_at, id descending), and each filter is one the indexes of
 * migration 1795456000000 answer in that order: the database walks one index and stops after the page.
 * Points balance and last purchase are not indexed on purpose: every purchase changes them, and an index
 * would add a B-tree write to every purchase; those filters are checked on the rows the walk reads.
 */
@Injectable()
export class MembersRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async search(search: MemberSearch): Promise<MemberListRow[]> {
    const where: string[] = ["m.status = 'active'"];
    const params: unknown[] = [];
    const term = search.term;
    if (term?.kind === 'phone') {
      where.push('m.phone_hash = ?');
      params.push(term.phoneHash);
    } else if (term?.kind === 'cardNo') {
      where.push('m.card_no = ?');
      params.push(term.cardNo);
    } else if (term?.kind === 'name') {
      where.push("m.name LIKE ? ESCAPE '!'");
      params.push(namePrefixPattern(term.prefix));
    }
    if (search.inviteCode !== undefined) {
      // The member's own invite code is a referrer scene whose target is the member.
      where.push("m.id IN (SELECT s.target_id FROM scenes s WHERE s.code = ? AND s.kind = 'referrer')");
      params.push(search.inviteCode);
    }
    if (search.tierCode !== undefined) {
      where.push('m.tier_code = ?');
      params.push(search.tierCode);
    }
    if (search.scene !== undefined) {
      where.push('m.join_scene = ?');
      params.push(search.scene);
    }
    if (search.storeId !== undefined) {
      where.push('EXISTS (SELECT 1 FROM member_joins j WHERE j.member_id = m.id AND j.store_id = ?)');
      params.push(search.storeId);
    }
    const range = (column: string, from: number | undefined, before: number | undefined) => {
      if (from !== undefined) {
        where.push(`${column} >= ?`);
        params.push(from);
      }
      if (before !== undefined) {
        where.push(`${column} < ?`);
        params.push(before);
      }
    };
    range('m.created_at', search.joinedFrom, search.joinedBefore);
    range('m.last_purchase_at', search.lastPurchaseFrom, search.lastPurchaseBefore);
    if (search.pointsMin !== undefined) {
      where.push('m.points_balance >= ?');
      params.push(search.pointsMin);
    }
    if (search.pointsMax !== undefined) {
      where.push('m.points_balance <= ?');
      params.push(search.pointsMax);
    }
    if (search.birthdayMonth !== undefined) {
      where.push('m.birth_month = ?');
      params.push(search.birthdayMonth);
    }
    if (search.after) {
      // Keyset, not OFFSET: a page deep in a million rows costs what the first one does.
      where.push('(m.created_at < ? OR (m.created_at = ? AND m.id < ?))');
      params.push(search.after.createdAt, search.after.createdAt, search.after.id);
    }
    params.push(search.limit);
    return select<MemberListRow>(
      this.dataSource.manager,
      `SELECT m.id, m.card_no, m.name, m.phone_enc, m.phone_last4, m.tier_code, m.points_balance, m.created_at,
         m.last_purchase_at
       FROM members m
       WHERE ${where.join(' AND ')}
       ORDER BY m.created_at DESC, m.id DESC
       LIMIT ?`,
      params,
    );
  }

  /**
   * A purchase was posted for the member: deferred, so it travels with the purchase's other writes (no extra
   * round trip), on the member row the purchase has locked already.
   */
  async recordPurchase(tx: EntityManager, memberId: string, at: number): Promise<void> {
    await defer(
      tx,
      'UPDATE members SET last_purchase_at = ? WHERE id = ? AND (last_purchase_at IS NULL OR last_purchase_at < ?)',
      [at, memberId, at],
    );
  }
}
