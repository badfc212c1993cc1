import type { AdminMemberOverview } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import type { StaffAuth } from '../../common/auth.types';
import { MeService } from '../me/me.service';
import { ProfileService } from '../me/profile.service';
import { ReferralService } from '../referral/referral.service';
import { TierService } from '../tiers/tier.service';
import { MembersRepository } from './members.repository';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/**
 * A member's page for headquarters and the manager of the member's join store: each part read from the module
 * that owns it (profile, card and points from me, tier history from tiers, the join from members, referral).
 */
@Injectable()
export class MemberOverviewService {
  constructor(
    private readonly me: MeService,
    private readonly profile: ProfileService,
    private readonly tiers: TierService,
    private readonly referrals: ReferralService,
    private readonly repository: MembersRepository,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async overview(staff: StaffAuth, memberId: string): Promise<z.output<typeof AdminMemberOverview>> {
    await this.me.assertStaffMayRead(staff, memberId);
    const member = await this.profile.adminView(memberId);
    const account = member.status === 'active' ? await this.me.me(await this.me.readAsStaff(staff, memberId)) : null;
    const join = await this.repository.joinOf(memberId);
    const tier = await this.tiers.history(this.dataSource.manager, memberId);
    const referral = await this.referrals.ofMember(memberId);
    const invited = { pending: 0, granted: 0, reversed: 0, refused: 0 };
    for (const record of referral.invited) invited[record.state] += 1;
    return {
      member,
      account,
      join: join && {
        storeId: join.store_id,
        storeName: join.store_name,
        scene: join.scene,
        sceneKind: join.scene_kind,
        staffId: join.staff_id,
        channel: join.channel,
        joinedAt: iso(Number(join.created_at)),
      },
      tier: {
        since: isoOrNull(tier.since),
        manualUntil: isoOrNull(tier.manualUntil),
        history: tier.changes.map((change) => ({ ...change, at: iso(change.at) })),
      },
      referral: { invitedBy: referral.invitedBy?.state ?? null, invited },
    };
  }
}
