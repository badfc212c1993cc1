import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { defer, select } from '../../common/transactions';
import { joinedBeforeBound, listOrderOf, namePrefixPattern, type SearchTerm } from './search-term';

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
  /** The last row of the previous page: its sort key (join or last-purchase time, see listOrderOf) and id. */
  after: { key: number; id: string } | undefined;
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
  /** The value the list is ordered by, for the next page's cursor. */
  sort_key: number | string;
}

/**
 * The members table's reads for headquarters and the purchase's one write to it outside the ledger.
 *
 * The list is in join order (created_at, id descending), or in last-purchase order with a last-purchase filter
 * (listOrderOf), and each filter is one the indexes of migrations 1795456000000 and 1795464000000 answer in
 * that order: the database walks one index and stops after the page. Points balance is not indexed on purpose:
 * every purchase changes it, and an index would add a B-tree write to every purchase; that filter is checked
 * on the rows the walk reads.
 */
@Injectable()
export class MembersRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async search(search: MemberSearch): Promise<MemberListRow[]> {
    // With a store, the walk is over that store's joins (member_joins(store_id, created_at), whose rows carry the
    // member's join time), not over every member checking each one's join: a store's first page then reads its
    // own newest joins instead of fifty stores' worth of members.
    const byStore = search.storeId !== undefined;
    const joinedAt = byStore ? 'j.created_at' : 'm.created_at';
    const sortKey = listOrderOf(search) === 'lastPurchase' ? 'm.last_purchase_at' : joinedAt;
    const rowId = byStore ? 'j.member_id' : 'm.id';
    const where: string[] = [];
    const params: unknown[] = [];
    if (byStore) {
      where.push('j.store_id = ?');
      params.push(search.storeId);
    }
    where.push("m.status = 'active'");
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
    range(joinedAt, search.joinedFrom, joinedBeforeBound(search));
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
      where.push(`(${sortKey} < ? OR (${sortKey} = ? AND ${rowId} < ?))`);
      params.push(search.after.key, search.after.key, search.after.id);
    }
    params.push(search.limit);
    // CROSS JOIN keeps the joins first on SQLite, STRAIGHT_JOIN on MariaDB: the walk must follow the list's order.
    const from = byStore
      ? `member_joins j ${this.dataSource.options.type === 'mysql' ? 'STRAIGHT_JOIN' : 'CROSS JOIN'} members m`
      : 'members m';
    return select<MemberListRow>(
      this.dataSource.manager,
      `SELECT m.id, m.card_no, m.name, m.phone_enc, m.phone_last4, m.tier_code, m.points_balance, m.created_at,
         m.last_purchase_at, ${sortKey} AS sort_key
       FROM ${from}
       WHERE ${byStore ? 'm.id = j.member_id AND ' : ''}${where.join(' AND ')}
       ORDER BY ${sortKey} DESC, ${rowId} DESC
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

  /** Where and how the member joined, with the join store's name. */
  async joinOf(memberId: string): Promise<MemberJoinRow | null> {
    const rows = await select<MemberJoinRow>(
      this.dataSource.manager,
      `SELECT j.store_id, s.name AS store_name, j.scene, j.scene_kind, j.staff_id, j.channel, j.created_at
       FROM member_joins j LEFT JOIN stores s ON s.id = j.store_id WHERE j.member_id = ?`,
      [memberId],
    );
    return rows[0] ?? null;
  }
}

export interface MemberJoinRow {
  store_id: string | null;
  store_name: string | null;
  scene: string | null;
  scene_kind: 'store' | 'staff' | 'campaign' | 'referrer' | null;
  staff_id: string | null;
  channel: string;
  created_at: number | string;
}
