import type { AdminMemberView, AdminUpdateMemberBody, MemberExport, UpdateMeBody } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { isBirthdayInFuture } from '../../common/time-zone';
import { execute, select, Transactions } from '../../common/transactions';
import { AuditLogEntity } from '../../database/entities';
import { AuditService, auditActorOf, type AuditActor } from '../audit/audit.service';
import { MemberSessionsService } from '../auth/member-sessions.service';
import { PhoneVault } from '../identity/phone-vault';
import { ProgramService } from '../program/program.service';
import { ReferralService } from '../referral/referral.service';
import { MeRepository, sessionHolder } from './me.repository';
import { type MemberEditRefusal, memberEditRefusal } from './member-edit-rule';
import { MeService } from './me.service';

/** What a closed account keeps as its name: the ledger stays for the books, the person does not (DOMAIN §15). */
export const CLOSED_MEMBER_NAME = '已注销会员';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | string | null) => (ms === null ? null : iso(Number(ms)));

type ProfileChange = z.output<typeof UpdateMeBody>;

const EDIT_REFUSALS: Record<MemberEditRefusal, string> = {
  not_a_manager: 'only headquarters and store managers correct a member',
  other_store: 'a store manager corrects only the members who joined at their store',
  birthday_headquarters_only: 'only headquarters changes a birthday once it is set',
};

interface ProfileRow {
  id: string;
  card_no: string;
  name: string;
  birthday: string | null;
  tier_code: string;
  status: 'active' | 'closed';
  phone_enc: string | null;
  phone_last4: string | null;
  created_at: number | string;
  updated_at: number | string;
}

/** The member's profile and privacy rights: change it, export it, close the account. */
@Injectable()
export class ProfileService {
  constructor(
    private readonly me: MeService,
    private readonly repository: MeRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly vault: PhoneVault,
    private readonly referrals: ReferralService,
    private readonly sessions: MemberSessionsService,
    private readonly program: ProgramService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** The member changes their name, and sets the birthday once (after that, headquarters changes it). */
  async update(auth: MemberAuth, change: ProfileChange) {
    const memberId = await this.me.memberIdOf(auth);
    await this.transactions.run((tx) =>
      this.change(tx, memberId, change, { kind: 'member', id: memberId }, { birthdayOnce: true }),
    );
    return this.me.me({ ...auth, memberId });
  }

  /**
   * Headquarters corrects a member's name or birthday; a store manager the name of their own store's members
   * (memberEditRefusal). Audited with before and after.
   */
  async adminUpdate(staff: StaffAuth, memberId: string, change: z.output<typeof AdminUpdateMemberBody>) {
    await this.transactions.run(async (tx) => {
      const current = await this.profileRow(tx, memberId);
      if (!current || current.status !== 'active') throw new AppError('MEMBER_NOT_FOUND', 'no such member');
      const changesBirthday = change.birthday !== undefined && change.birthday !== current.birthday;
      const refusal = memberEditRefusal(staff, await this.repository.joinStoreOf(tx, memberId), changesBirthday);
      if (refusal) throw new AppError('FORBIDDEN', EDIT_REFUSALS[refusal]);
      await this.change(tx, memberId, change, { kind: 'staff', id: staff.staffId }, { birthdayOnce: false });
    });
    return this.adminView(memberId);
  }

  /** The member as the console shows them, phone masked; closed accounts too. */
  async adminView(memberId: string): Promise<z.output<typeof AdminMemberView>> {
    const row = await this.profileRow(this.dataSource.manager, memberId);
    if (!row) throw new AppError('MEMBER_NOT_FOUND', 'no such member');
    return {
      id: row.id,
      cardNo: row.card_no,
      name: row.name,
      phoneMasked: await this.vault.masked(row.phone_enc, row.phone_last4),
      birthday: row.birthday,
      tierCode: row.tier_code,
      status: row.status,
      createdAt: iso(Number(row.created_at)),
      updatedAt: iso(Number(row.updated_at)),
    };
  }

  /** Everything kept about the member, as JSON (DOMAIN §15). */
  async export(auth: MemberAuth): Promise<z.output<typeof MemberExport>> {
    const memberId = await this.me.memberIdOf(auth);
    const member = await this.repository.activeMember(memberId);
    if (!member) throw new AppError('MEMBER_NOT_FOUND', 'no such member');
    const joins = await select<{
      scene: string | null;
      scene_kind: 'store' | 'staff' | 'campaign' | 'referrer' | null;
      store_id: string | null;
      staff_id: string | null;
      campaign: string | null;
      channel: string;
      consent_version: string;
      consented_at: number | string;
      created_at: number | string;
    }>(this.dataSource.manager, 'SELECT * FROM member_joins WHERE member_id = ?', [memberId]);
    const join = joins[0];
    const entries = [];
    for (let cursor: string | undefined; ;) {
      const page = await this.repository.entries(memberId, cursor, 500);
      entries.push(...page);
      if (page.length < 500) break;
      cursor = page[page.length - 1]?.id;
    }
    const referrals = await this.referrals.ofMember(memberId);
    return {
      exportedAt: iso(this.clock.now()),
      profile: {
        id: member.id,
        cardNo: member.cardNo,
        name: member.name,
        phone: member.phoneEnc ? await this.vault.decrypt(member.phoneEnc) : null,
        birthday: member.birthday,
        wechatLinked: member.openid !== null,
        tierCode: member.tierCode,
        pointsBalance: member.pointsBalance,
        pointsPending: member.pointsPending,
        balanceFen: member.balanceFen,
        cardValidUntil: isoOrNull(member.cardValidUntil),
        createdAt: iso(member.createdAt),
      },
      consent: member.consentVersion
        ? { version: member.consentVersion, consentedAt: join ? iso(Number(join.consented_at)) : null }
        : null,
      join: join
        ? {
            scene: join.scene,
            sceneKind: join.scene_kind,
            storeId: join.store_id,
            staffId: join.staff_id,
            campaign: join.campaign,
            channel: join.channel,
            joinedAt: iso(Number(join.created_at)),
          }
        : null,
      pointsEntries: entries.map((e) => ({
        id: e.id,
        kind: e.kind,
        points: e.points,
        pending: e.pending,
        balanceAfter: e.balanceAfter,
        ...(e.expiresAt !== null && e.points > 0 ? { expiresAt: iso(e.expiresAt) } : {}),
        refType: e.refType,
        refId: e.refId,
        createdAt: iso(e.createdAt),
      })),
      referrals: {
        invitedBy: referrals.invitedBy,
        invited: referrals.invited,
      },
    };
  }

  /**
   * Closes the account (DOMAIN §15): the personal data is erased (name anonymised, phone, WeChat ids and
   * birthday cleared), the ledger stays for the books, and the member's sessions end with it. The audit entry names no personal data.
   */
  async close(auth: MemberAuth): Promise<void> {
    const memberId = await this.me.memberIdOf(auth);
    await this.erase(memberId, { kind: 'member', id: memberId }, null);
  }

  /** Headquarters closes an account at the member's request (by phone, at a store): the same erasure, audited with the reason. */
  async closeByHeadquarters(staff: StaffAuth, memberId: string, reason: string) {
    await this.erase(memberId, auditActorOf(staff), reason);
    return this.adminView(memberId);
  }

  private async erase(memberId: string, actor: AuditActor, reason: string | null): Promise<void> {
    await this.transactions.run(async (tx) => {
      const identities = await select<{ phone_hash: string | null; openid: string | null }>(
        tx,
        "SELECT phone_hash, openid FROM members WHERE id = ? AND status = 'active'",
        [memberId],
      );
      const closed = await execute(
        tx,
        `UPDATE members SET name = ?, phone_hash = NULL, phone_enc = NULL, phone_last4 = NULL, openid = NULL,
           unionid = NULL, birthday = NULL, status = 'closed', updated_at = ?
         WHERE id = ? AND status = 'active'`,
        [CLOSED_MEMBER_NAME, this.clock.now(), memberId],
      );
      if (closed === 0) throw new AppError('MEMBER_NOT_FOUND', 'this account is closed already');
      await execute(tx, 'UPDATE member_joins SET device_hash = NULL WHERE member_id = ?', [memberId]);
      const { phone_hash: phoneHash, openid } = identities[0] ?? { phone_hash: null, openid: null };
      if (phoneHash) await execute(tx, 'DELETE FROM sms_codes WHERE phone_hash = ?', [phoneHash]);
      if (openid) await execute(tx, 'DELETE FROM wechat_accounts WHERE openid = ?', [openid]);
      await this.sessions.endAll(tx, sessionHolder(memberId, { openid, phoneHash }), 'closed');
      // Earlier profile changes named the person in the audit log: what they were is erased too.
      await tx
        .getRepository(AuditLogEntity)
        .update(
          { targetKind: 'member', targetId: memberId, action: 'member.update' },
          { before: { erased: true }, after: { erased: true } },
        );
      await this.audit.record(tx, {
        actor,
        action: 'member.close',
        target: { kind: 'member', id: memberId },
        before: { status: 'active' },
        after: reason === null ? { status: 'closed' } : { status: 'closed', reason },
      });
    });
  }

  private async change(
    tx: EntityManager,
    memberId: string,
    change: ProfileChange,
    actor: AuditActor,
    rules: { birthdayOnce: boolean },
  ): Promise<void> {
    const before = await this.profileRow(tx, memberId);
    if (!before || before.status !== 'active') throw new AppError('MEMBER_NOT_FOUND', 'no such member');
    const now = this.clock.now();
    if (change.birthday !== undefined && change.birthday !== before.birthday) {
      if (isBirthdayInFuture(change.birthday, now, (await this.program.get(tx)).timeZone)) {
        throw new AppError('VALIDATION_FAILED', 'a birthday cannot be in the future', {
          fields: [{ path: 'body.birthday', message: 'in the future' }],
        });
      }
      // Birthday rewards must not move at will: the member sets it once, headquarters corrects it afterwards.
      const set = await execute(
        tx,
        `UPDATE members SET birthday = ?, updated_at = ? WHERE id = ? AND status = 'active'${rules.birthdayOnce ? ' AND birthday IS NULL' : ''}`,
        [change.birthday, now, memberId],
      );
      if (set === 0) {
        throw new AppError('BIRTHDAY_LOCKED', 'the birthday is set already; ask headquarters to correct it');
      }
    }
    if (change.name !== undefined && change.name !== before.name) {
      await execute(tx, "UPDATE members SET name = ?, updated_at = ? WHERE id = ? AND status = 'active'", [
        change.name,
        now,
        memberId,
      ]);
    }
    await this.audit.record(tx, {
      actor,
      action: 'member.update',
      target: { kind: 'member', id: memberId },
      before: { name: before.name, birthday: before.birthday },
      after: { name: change.name ?? before.name, birthday: change.birthday ?? before.birthday },
    });
  }

  private async profileRow(manager: EntityManager, memberId: string): Promise<ProfileRow | null> {
    const rows = await select<ProfileRow>(
      manager,
      `SELECT id, card_no, name, birthday, tier_code, status, phone_enc, phone_last4, created_at, updated_at
       FROM members WHERE id = ?`,
      [memberId],
    );
    return rows[0] ?? null;
  }
}
