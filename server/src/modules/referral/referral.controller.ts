import { routes } from '@huika/shared';
import { Controller } from '@nestjs/common';
import type { MemberAuth } from '../../common/auth.types';
import { Auth, Route } from '../../common/route.decorators';
import { MeService } from '../me/me.service';
import { ReferralService } from './referral.service';

@Controller()
export class ReferralController {
  constructor(
    private readonly me: MeService,
    private readonly referrals: ReferralService,
  ) {}

  @Route(routes.myReferral)
  async mine(@Auth() member: MemberAuth) {
    return this.referrals.summary(await this.me.memberIdOf(member));
  }
}
