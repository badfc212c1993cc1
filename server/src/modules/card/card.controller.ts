import { AdminReissueCardBody, CardReissueBody, PosScanBody, routes } from '@huika/shared';
import { Controller, Param } from '@nestjs/common';
import type { z } from 'zod';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { ClientIp } from '../../common/rate-limit/client-ip.decorator';
import { Auth, Route, ValidBody } from '../../common/route.decorators';
import { MeService } from '../me/me.service';
import { CardCodeService } from './card-code.service';
import { CardReissueService } from './card-reissue.service';
import { PosScanService } from './pos-scan.service';

@Controller()
export class CardController {
  constructor(
    private readonly me: MeService,
    private readonly cardCodes: CardCodeService,
    private readonly scans: PosScanService,
    private readonly reissues: CardReissueService,
  ) {}

  @Route(routes.myCardCode)
  async cardCode(@Auth() member: MemberAuth) {
    const issued = await this.cardCodes.issue(await this.me.memberIdOf(member));
    return { ...issued, expiresAt: new Date(issued.expiresAt).toISOString() };
  }

  @Route(routes.myCardReissue)
  reissue(@Auth() member: MemberAuth, @ValidBody() body: z.output<typeof CardReissueBody>, @ClientIp() ip: string) {
    return this.reissues.reissue(member, body, ip);
  }

  @Route(routes.adminMemberCardReissue)
  reissueByHeadquarters(
    @Auth() staff: StaffAuth,
    @Param('id') id: string,
    @ValidBody() body: z.output<typeof AdminReissueCardBody>,
  ) {
    return this.reissues.reissueByHeadquarters(staff, id, body.reason);
  }

  @Route(routes.posScan)
  scan(@Auth() staff: StaffAuth, @ValidBody() body: z.output<typeof PosScanBody>) {
    return this.scans.scan(staff, body);
  }
}
