import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../../common/app-error';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { nextTierProgress } from '@huika/shared';
import { DataSource } from 'typeorm';
import { ProgramService } from '../program/program.service';
import { tierOf, TierService } from '../tiers/tier.service';
import { PhoneVault } from '../identity/phone-vault';
import { memberEditRefusal } from './member-edit-rule';
import { MeRepository } from './me.repository';

const iso = (ms: number) => new Date(ms).toISOString();

@Injectable()
export class MeService {
  constructor(
    private readonly repository: MeRepository,
    private readonly program: ProgramService,
    private readonly tiers: TierService,
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly vault: PhoneVault,
  ) {}

  /**
   * The caller's active member id: from the token, or (joined since the token was issued) from the identity,
   * `wx:<openid>` or `phone:<lookup hash>`. A closed account's tokens stop working here.
   */
  async memberIdOf(auth: MemberAuth): Promise<string> {
    if (auth.memberId && (await this.repository.isActive(auth.memberId))) return auth.memberId;
    const id = await this.repository.memberIdOfIdentity(auth.identity);
    if (!id) {
      throw new AppError('MEMBER_NOT_FOUND', auth.memberId ? 'this account is closed' : 'not a member yet: join first');
    }
    return id;
  }

  /**
   * Headquarters, or the manager of the store the member joined at, reading an active member's card, points and
   * lists as the member sees them: the member-side reads then serve the console too, with one scope rule.
   */
  async readAsStaff(staff: StaffAuth, memberId: string): Promise<MemberAuth> {
    await this.assertStaffMayRead(staff, memberId);
    if (!(await this.repository.isActive(memberId))) throw new AppError('MEMBER_NOT_FOUND', 'this account is closed');
    return { kind: 'member', identity: `member:${memberId}`, memberId, sessionId: '' };
  }

  /** A store manager sees only the members who joined at their store; headquarters sees every member. */
  async assertStaffMayRead(staff: StaffAuth, memberId: string): Promise<void> {
    if (!(await this.repository.exists(memberId))) throw new AppError('MEMBER_NOT_FOUND', 'no such member');
    const joinStore = await this.repository.joinStoreOf(this.dataSource.manager, memberId);
    if (memberEditRefusal(staff, joinStore, false)) {
      throw new AppError('FORBIDDEN', "a store manager sees only their store's members");
    }
  }

  async me(auth: MemberAuth) {
    const memberId = await this.memberIdOf(auth);
    const member = await this.repository.activeMember(memberId);
    if (!member) throw new AppError('MEMBER_NOT_FOUND', 'no such member');
    const program = await this.program.get();
    // A manual tier past its end no longer applies, even before the batch or a purchase records it.
    const tier =
      (await this.tiers.applyingTo(this.dataSource.manager, program, memberId, this.tiers.now())) ??
      tierOf(program, member.tierCode);
    const expiring = await this.repository.expiring(memberId, 5);
    return {
      id: member.id,
      cardNo: member.cardNo,
      name: member.name,
      phoneMasked: await this.vault.masked(member.phoneEnc, member.phoneLast4),
      tier: { code: tier.code, name: tier.name, discountPercent: tier.discountPercent },
      points: {
        balance: member.pointsBalance,
        pending: member.pointsPending,
        expiring: expiring.map((e) => ({ points: e.points, expiresAt: iso(e.expiresAt) })),
      },
      // "再消费 ¥X 升级": the least the member must still pay to reach the next tier.
      nextTier: nextTierProgress(
        program,
        tier,
        await this.tiers.facts(this.dataSource.manager, program, member.id, this.tiers.now(), 0),
      ),
      balanceFen: member.balanceFen,
      cardValidUntil: member.cardValidUntil === null ? null : iso(member.cardValidUntil),
      birthday: member.birthday,
    };
  }

  async entries(auth: MemberAuth, cursor: string | undefined, limit: number) {
    const memberId = await this.memberIdOf(auth);
    const rows = await this.repository.entries(memberId, cursor, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((e) => ({
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
      nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }
}
