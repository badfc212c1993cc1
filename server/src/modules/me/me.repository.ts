import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { MemberEntity } from '../../database/entities';
import type { SessionHolder } from '../auth/member-sessions.repository';

export interface EntryView {
  id: string;
  kind: 'earn' | 'spend' | 'expire' | 'reverse' | 'restore' | 'adjust' | 'release';
  points: number;
  /** Points earned into the pending period (not yet spendable). */
  pending: boolean;
  balanceAfter: number;
  expiresAt: number | null;
  refType: string;
  refId: string;
  createdAt: number;
}

/** Reads for the member's own pages. */
@Injectable()
export class MeRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async activeMember(id: string): Promise<MemberEntity | null> {
    return this.dataSource.getRepository(MemberEntity).findOneBy({ id, status: 'active' });
  }

  async memberIdByOpenid(openid: string): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(MemberEntity)
      .findOne({ where: { openid, status: 'active' }, select: { id: true } });
    return row?.id ?? null;
  }

  /** A member of any status (a closed account keeps its row and ledger). */
  async exists(id: string): Promise<boolean> {
    const rows = (await this.dataSource.query('SELECT 1 AS one FROM members WHERE id = ?', [id])) as unknown[];
    return rows.length > 0;
  }

  async isActive(id: string): Promise<boolean> {
    const sql = "SELECT 1 AS one FROM members WHERE id = ? AND status = 'active'";
    const rows = (await this.dataSource.query(sql, [id])) as unknown[];
    return rows.length > 0;
  }

  /** The active member of a login identity: `wx:<openid>` or `phone:<lookup hash>`. */
  async memberIdOfIdentity(identity: string): Promise<string | null> {
    if (identity.startsWith('wx:')) return this.memberIdByOpenid(identity.slice(3));
    if (!identity.startsWith('phone:')) return null;
    const rows = (await this.dataSource.query("SELECT id FROM members WHERE phone_hash = ? AND status = 'active'", [
      identity.slice(6),
    ])) as { id: string }[];
    return rows[0]?.id ?? null;
  }

  /** The store the member joined at (their join was attributed to it), or null for none. */
  async joinStoreOf(manager: EntityManager, memberId: string): Promise<string | null> {
    const rows = (await manager.query('SELECT store_id FROM member_joins WHERE member_id = ?', [memberId])) as {
      store_id: string | null;
    }[];
    return rows[0]?.store_id ?? null;
  }

  /** Whose sessions are the member's: its own, and those of its login identities (WeChat, phone). */
  async sessionHolderOf(manager: EntityManager, memberId: string): Promise<SessionHolder | null> {
    const member = await manager
      .getRepository(MemberEntity)
      .findOne({ where: { id: memberId }, select: { id: true, openid: true, phoneHash: true } });
    return member ? sessionHolder(member.id, member) : null;
  }

  /**
   * Spendable points still held, grouped by the instant they expire, soonest first. Pending lots (their
   * `available_at` still set) are left out: until released they are not the member's to spend (DOMAIN §3).
   */
  async expiring(memberId: string, limit: number): Promise<{ points: number; expiresAt: number }[]> {
    const rows = (await this.dataSource.query(
      `SELECT expires_at, SUM(remaining) AS points FROM point_lots
       WHERE member_id = ? AND remaining > 0 AND expires_at IS NOT NULL AND available_at IS NULL
       GROUP BY expires_at ORDER BY expires_at LIMIT ${Math.trunc(limit)}`,
      [memberId],
    )) as { expires_at: number | string; points: number | string }[];
    return rows.map((r) => ({ points: Number(r.points), expiresAt: Number(r.expires_at) }));
  }

  /** The member's entries, newest first, after the cursor (an entry id; ULIDs sort by time). */
  async entries(memberId: string, before: string | undefined, limit: number): Promise<EntryView[]> {
    const rows = (await this.dataSource.query(
      `SELECT e.id, p.kind, e.account, e.points, e.balance_after, p.ref_type, p.ref_id, e.created_at,
              (SELECT l.expires_at FROM point_lots l WHERE l.posting_id = e.posting_id LIMIT 1) AS expires_at
       FROM point_entries e JOIN point_postings p ON p.id = e.posting_id
       WHERE e.member_id = ?${before ? ' AND e.id < ?' : ''}
         AND (e.account = 'member' OR (e.account = 'member_pending' AND p.kind <> 'release'))
       ORDER BY e.id DESC LIMIT ${Math.trunc(limit)}`,
      before ? [memberId, before] : [memberId],
    )) as {
      id: string;
      kind: EntryView['kind'];
      account: string;
      points: number | string;
      balance_after: number | string;
      ref_type: string;
      ref_id: string;
      created_at: number | string;
      expires_at: number | string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      points: Number(r.points),
      pending: r.account === 'member_pending',
      balanceAfter: Number(r.balance_after),
      expiresAt: r.expires_at === null ? null : Number(r.expires_at),
      refType: r.ref_type,
      refId: r.ref_id,
      createdAt: Number(r.created_at),
    }));
  }
}

/** The sessions of a member and of the identities it logs in with. */
export function sessionHolder(
  memberId: string,
  ids: { openid: string | null; phoneHash: string | null },
): SessionHolder {
  const identities = [ids.openid && `wx:${ids.openid}`, ids.phoneHash && `phone:${ids.phoneHash}`];
  return { memberId, identities: identities.filter((identity): identity is string => Boolean(identity)) };
}
