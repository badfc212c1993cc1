import { randomInt } from 'node:crypto';
import type { ProgramConfig } from '@huika/shared';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { execute, select, Transactions } from '../../common/transactions';
import { CouponsService } from '../coupons/coupons.service';
import { LedgerService } from '../ledger/ledger.service';
import { SYSTEM_ACTOR } from '../ledger/ledger.types';
import { insertIfAbsent } from '../members/insert-if-absent';
import { ProgramService } from '../program/program.service';

export type ReferralState = 'pending' | 'granted' | 'reversed' | 'refused';

/** Why a referral was refused or reversed; recorded with it. */
export type ReferralReason =
  | 'self_referral_phone'
  | 'self_referral_wechat'
  | 'self_referral_device'
  | 'referrer_closed'
  | 'daily_cap'
  | 'monthly_cap'
  | 'purchase_refunded';

/** What the invitee brings to the self-referral check (hashes only, never the phone itself). */
export interface InviteeFacts {
  id: string;
  phoneHash: string | null;
  openid: string | null;
  unionid: string | null;
  deviceHash: string | null;
}

export interface ReferralRecordView {
  id: string;
  state: ReferralState;
  reason: string | null;
  createdAt: string;
}

/** The mini-program page that opens the join form with a scene. */
export function joinPagePath(scene: string): string {
  return `pages/join/index?scene=${encodeURIComponent(scene)}`;
}

/** Invite codes avoid look-alike characters (0/O, 1/I/L): people read them out and type them. */
const INVITE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const INVITE_LENGTH = 8;
const DAY_MS = 24 * 60 * 60 * 1000;

function newInviteCode(): string {
  let code = '';
  for (let i = 0; i < INVITE_LENGTH; i += 1) code += INVITE_ALPHABET[randomInt(0, INVITE_ALPHABET.length)];
  return code;
}

interface ReferralRow {
  id: string;
  referrer_id: string;
  invitee_id: string;
  state: ReferralState;
  reason: string | null;
  reward_points: number | string | null;
  reward_posting_id: string | null;
  created_at: number | string;
}

/**
 * Referral (DOMAIN §11). Every member has an invite code, which is also their invite scene (kind referrer).
 * A join through it records a referral, refused with its reason for a self-referral (same phone, WeChat
 * identity or device) or beyond the referrer's daily/monthly cap; at most one per invitee. The state machine:
 *
 *   pending --first qualifying purchase--> pending with grant_after = purchase + holding days
 *   pending --grantDue, grant_after passed--> granted (reward points to the referrer)
 *   pending | granted --qualifying purchase refunded--> reversed (a granted reward is taken back)
 *
 * The checkout calls onQualifyingPurchase and onPurchaseRefunded inside its own transactions.
 */
@Injectable()
export class ReferralService {
  private readonly logger = new Logger('Referral');

  constructor(
    private readonly ledger: LedgerService,
    private readonly program: ProgramService,
    private readonly coupons: CouponsService,
    private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** The member's invite code (= scene code), made on first need. Several racing callers may make one each: all work. */
  async inviteCodeOf(manager: EntityManager, memberId: string): Promise<string> {
    const existing = await this.existingInvite(manager, memberId);
    if (existing) return existing;
    if (!manager.queryRunner) {
      await this.transactions.run((tx) => this.createInvite(tx, memberId));
    } else {
      await this.createInvite(manager, memberId);
    }
    const created = await this.existingInvite(manager, memberId);
    if (!created) throw new Error(`no invite code for member ${memberId}`);
    return created;
  }

  /** Inside the join's transaction: the new member's own invite scene. */
  async createInvite(tx: EntityManager, memberId: string): Promise<void> {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const inserted = await insertIfAbsent(tx, 'scenes', {
        code: newInviteCode(),
        kind: 'referrer',
        target_id: memberId,
        created_by_kind: 'member',
        created_by: memberId,
        created_at: this.clock.now(),
      });
      if (inserted) return;
    }
    throw new Error('could not find a free invite code');
  }

  /**
   * Inside the join's transaction: records the referral of a join through a referrer scene, pending or
   * refused with its reason. Caps are counted atomically per referrer and period (program time zone).
   */
  async recordJoin(
    tx: EntityManager,
    input: { referrerId: string; scene: string; invitee: InviteeFacts; program: ProgramConfig },
  ): Promise<{ state: ReferralState; reason: ReferralReason | null }> {
    const reason = (await this.selfReferral(tx, input.referrerId, input.invitee)) ?? (await this.takeCap(tx, input));
    const now = this.clock.now();
    const state: ReferralState = reason ? 'refused' : 'pending';
    await execute(
      tx,
      `INSERT INTO referrals (id, referrer_id, invitee_id, scene, state, reason, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [newId(), input.referrerId, input.invitee.id, input.scene, state, reason, now, now],
    );
    return { state, reason };
  }

  /**
   * For checkout, inside the purchase's transaction: the invitee's first paid purchase starts the holding
   * period (program.earning.referralHoldingDays). Later purchases change nothing. Returns whether it qualified.
   */
  async onQualifyingPurchase(
    tx: EntityManager,
    input: { inviteeId: string; purchaseId: string; paidFen: number; program?: ProgramConfig },
  ): Promise<boolean> {
    if (input.paidFen <= 0) return false;
    const program = input.program ?? (await this.program.get(tx));
    const now = this.clock.now();
    const qualified = await execute(
      tx,
      `UPDATE referrals SET qualifying_purchase_id = ?, grant_after = ?, updated_at = ?
       WHERE invitee_id = ? AND state = 'pending' AND qualifying_purchase_id IS NULL`,
      [input.purchaseId, now + program.earning.referralHoldingDays * DAY_MS, now, input.inviteeId],
    );
    return qualified > 0;
  }

  /**
   * For checkout, inside the refund's transaction: a refund of the qualifying purchase reverses the
   * referral; a reward already granted is taken back from the referrer (it may leave a debt, DOMAIN §6).
   */
  async onPurchaseRefunded(tx: EntityManager, input: { purchaseId: string }): Promise<void> {
    const rows = await select<ReferralRow>(
      tx,
      "SELECT * FROM referrals WHERE qualifying_purchase_id = ? AND state IN ('pending', 'granted')",
      [input.purchaseId],
    );
    const referral = rows[0];
    if (!referral) return;
    const reversed = await execute(
      tx,
      "UPDATE referrals SET state = 'reversed', reason = 'purchase_refunded', updated_at = ? WHERE id = ? AND state = ?",
      [this.clock.now(), referral.id, referral.state],
    );
    const points = Number(referral.reward_points ?? 0);
    if (reversed === 0 || referral.state !== 'granted' || points <= 0) return;
    await this.ledger.reverse(
      tx,
      { memberId: referral.referrer_id, refType: 'referral', refId: referral.id, actor: SYSTEM_ACTOR },
      points,
      referral.reward_posting_id,
      // A reward is reversed once (the state change above): nothing of it was taken back before.
      0,
    );
  }

  /**
   * Grants every referral whose holding period has passed: the reward (program.earning.referralRewardPoints)
   * goes to the referrer, once (the ledger's posting cause is the referral). One transaction per referral;
   * safe to run again or on several instances at once.
   */
  async grantDue(limit = 500): Promise<{ granted: number; refused: number }> {
    const now = this.clock.now();
    const due = await select<{ id: string }>(
      this.dataSource.manager,
      `SELECT id FROM referrals WHERE state = 'pending' AND grant_after IS NOT NULL AND grant_after <= ?
       ORDER BY grant_after LIMIT ${Math.trunc(limit)}`,
      [now],
    );
    let granted = 0;
    let refused = 0;
    for (const { id } of due) {
      const outcome = await this.transactions.run((tx) => this.grantOne(tx, id, now));
      if (outcome === 'granted') granted += 1;
      if (outcome === 'refused') refused += 1;
    }
    if (due.length > 0) this.logger.log(`referrals: ${granted} granted, ${refused} refused`);
    return { granted, refused };
  }

  /** The member's referral numbers, as their invite page shows them. */
  async summary(memberId: string) {
    const manager = this.dataSource.manager;
    const inviteCode = await this.inviteCodeOf(manager, memberId);
    const rows = await select<{ state: ReferralState; n: number | string; points: number | string | null }>(
      manager,
      'SELECT state, COUNT(*) AS n, SUM(reward_points) AS points FROM referrals WHERE referrer_id = ? GROUP BY state',
      [memberId],
    );
    const count = (state: ReferralState) => Number(rows.find((r) => r.state === state)?.n ?? 0);
    return {
      inviteCode,
      scene: inviteCode,
      path: joinPagePath(inviteCode),
      invitedCount: count('pending') + count('granted') + count('reversed'),
      rewardedCount: count('granted'),
      pendingCount: count('pending'),
      refusedCount: count('refused'),
      pointsEarned: Number(rows.find((r) => r.state === 'granted')?.points ?? 0),
    };
  }

  /** The member's referrals, both ways, for the data export (the other member is not named). */
  async ofMember(memberId: string): Promise<{ invitedBy: ReferralRecordView | null; invited: ReferralRecordView[] }> {
    const rows = await select<ReferralRow>(
      this.dataSource.manager,
      'SELECT * FROM referrals WHERE referrer_id = ? OR invitee_id = ? ORDER BY created_at',
      [memberId, memberId],
    );
    const view = (row: ReferralRow): ReferralRecordView => ({
      id: row.id,
      state: row.state,
      reason: row.reason,
      createdAt: new Date(Number(row.created_at)).toISOString(),
    });
    const invitedBy = rows.find((row) => row.invitee_id === memberId);
    return {
      invitedBy: invitedBy ? view(invitedBy) : null,
      invited: rows.filter((row) => row.referrer_id === memberId).map(view),
    };
  }

  private async grantOne(tx: EntityManager, id: string, now: number): Promise<'granted' | 'refused' | 'skipped'> {
    const rows = await select<ReferralRow & { referrer_status: string | null }>(
      tx,
      `SELECT r.*, m.status AS referrer_status FROM referrals r LEFT JOIN members m ON m.id = r.referrer_id
       WHERE r.id = ? AND r.state = 'pending'`,
      [id],
    );
    const referral = rows[0];
    if (!referral) return 'skipped';
    if (referral.referrer_status !== 'active') {
      await execute(
        tx,
        "UPDATE referrals SET state = 'refused', reason = 'referrer_closed', updated_at = ? WHERE id = ? AND state = 'pending'",
        [now, id],
      );
      return 'refused';
    }
    const program = await this.program.get(tx);
    const points = program.earning.referralRewardPoints;
    const granted = await execute(
      tx,
      `UPDATE referrals SET state = 'granted', reward_points = ?, updated_at = ?
       WHERE id = ? AND state = 'pending' AND grant_after <= ?`,
      [points, now, id, now],
    );
    if (granted === 0) return 'skipped';
    if (points > 0) {
      const posting = await this.ledger.earn(
        tx,
        { memberId: referral.referrer_id, refType: 'referral', refId: id, actor: SYSTEM_ACTOR },
        points,
        { source: 'referral', program },
      );
      await execute(tx, 'UPDATE referrals SET reward_posting_id = ? WHERE id = ?', [posting.postingId, id]);
    }
    // The referrer's coupons, if the program gives any (once per referral: the referral is the trigger).
    await this.coupons.issueOnReferral(tx, referral.referrer_id, id, program);
    return 'granted';
  }

  private async existingInvite(manager: EntityManager, memberId: string): Promise<string | null> {
    const rows = await select<{ code: string }>(
      manager,
      "SELECT code FROM scenes WHERE kind = 'referrer' AND target_id = ? ORDER BY created_at, code LIMIT 1",
      [memberId],
    );
    return rows[0]?.code ?? null;
  }

  /** The same person on both sides: same phone, same WeChat identity, or the same device. */
  private async selfReferral(
    tx: EntityManager,
    referrerId: string,
    invitee: InviteeFacts,
  ): Promise<ReferralReason | null> {
    const rows = await select<{
      status: string;
      phone_hash: string | null;
      openid: string | null;
      unionid: string | null;
      device_hash: string | null;
    }>(
      tx,
      `SELECT m.status, m.phone_hash, m.openid, m.unionid, j.device_hash
       FROM members m LEFT JOIN member_joins j ON j.member_id = m.id WHERE m.id = ?`,
      [referrerId],
    );
    const referrer = rows[0];
    if (!referrer || referrer.status !== 'active') return 'referrer_closed';
    const same = (a: string | null, b: string | null) => a !== null && a === b;
    if (referrerId === invitee.id || same(referrer.phone_hash, invitee.phoneHash)) return 'self_referral_phone';
    if (same(referrer.openid, invitee.openid) || same(referrer.unionid, invitee.unionid)) return 'self_referral_wechat';
    if (same(referrer.device_hash, invitee.deviceHash)) return 'self_referral_device';
    return null;
  }

  /**
   * Takes one referral from the referrer's monthly and daily allowance, or names the cap that is reached.
   * The conditional increments are the guard: concurrent joins through one invite cannot overshoot.
   */
  private async takeCap(
    tx: EntityManager,
    input: { referrerId: string; program: ProgramConfig },
  ): Promise<ReferralReason | null> {
    const local = DateTime.fromMillis(this.clock.now(), { zone: input.program.timeZone });
    const month = `m:${local.toFormat('yyyy-LL')}`;
    const day = `d:${local.toFormat('yyyy-LL-dd')}`;
    const { dailyCap, monthlyCap } = input.program.referral;
    if (!(await this.take(tx, input.referrerId, month, monthlyCap))) return 'monthly_cap';
    if (!(await this.take(tx, input.referrerId, day, dailyCap))) {
      await execute(tx, 'UPDATE referral_counters SET taken = taken - 1 WHERE referrer_id = ? AND period_key = ?', [
        input.referrerId,
        month,
      ]);
      return 'daily_cap';
    }
    return null;
  }

  private async take(tx: EntityManager, referrerId: string, period: string, cap: number): Promise<boolean> {
    await insertIfAbsent(tx, 'referral_counters', { referrer_id: referrerId, period_key: period, taken: 0 });
    const taken = await execute(
      tx,
      'UPDATE referral_counters SET taken = taken + 1 WHERE referrer_id = ? AND period_key = ? AND taken < ?',
      [referrerId, period, cap],
    );
    return taken > 0;
  }
}
