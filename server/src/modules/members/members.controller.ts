import {
  AdminCloseMemberBody,
  AdminMembersQuery,
  AdminUpdateMemberBody,
  CreateSceneBody,
  JoinBody,
  routes,
} from '@huika/shared';
import { Controller, Header, Param } from '@nestjs/common';
import type { z } from 'zod';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { ClientIp } from '../../common/rate-limit/client-ip.decorator';
import { Auth, Route, ValidBody, ValidQuery } from '../../common/route.decorators';
import { MySessionsService } from '../me/my-sessions.service';
import { ProfileService } from '../me/profile.service';
import { MemberOverviewService } from './member-overview.service';
import { MemberSearchService } from './member-search.service';
import { MembersService } from './members.service';
import { RequestOrigin } from './request-origin.decorator';
import { ScenesService } from './scenes.service';

@Controller()
export class MembersController {
  constructor(
    private readonly members: MembersService,
    private readonly scenes: ScenesService,
    private readonly profile: ProfileService,
    private readonly memberSessions: MySessionsService,
    private readonly search: MemberSearchService,
    private readonly overviews: MemberOverviewService,
  ) {}

  @Route(routes.joinMember)
  join(@Auth() member: MemberAuth, @ValidBody() body: z.output<typeof JoinBody>, @ClientIp() ip: string) {
    return this.members.join(member, body, ip);
  }

  @Route(routes.adminScenesCreate)
  createScene(
    @Auth() staff: StaffAuth,
    @ValidBody() body: z.output<typeof CreateSceneBody>,
    @RequestOrigin() origin: string,
  ) {
    return this.scenes.create(staff, body, origin);
  }

  @Route(routes.adminSceneQr)
  @Header('content-type', 'image/png')
  @Header('cache-control', 'private, max-age=3600')
  sceneQr(@Param('code') code: string, @RequestOrigin() origin: string) {
    return this.scenes.qrPng(code, origin);
  }

  @Route(routes.adminMembersList)
  list(@Auth() staff: StaffAuth, @ValidQuery() query: z.output<typeof AdminMembersQuery>) {
    return this.search.search(staff, query);
  }

  @Route(routes.adminMemberOverview)
  overview(@Auth() staff: StaffAuth, @Param('id') id: string) {
    return this.overviews.overview(staff, id);
  }

  @Route(routes.adminMemberClose)
  close(@Auth() staff: StaffAuth, @Param('id') id: string, @ValidBody() body: z.output<typeof AdminCloseMemberBody>) {
    return this.profile.closeByHeadquarters(staff, id, body.reason);
  }

  @Route(routes.adminMembersUpdate)
  updateMember(
    @Auth() staff: StaffAuth,
    @Param('id') id: string,
    @ValidBody() body: z.output<typeof AdminUpdateMemberBody>,
  ) {
    return this.profile.adminUpdate(staff, id, body);
  }

  @Route(routes.adminMemberSessionsEnd)
  endSessions(@Auth() staff: StaffAuth, @Param('id') id: string) {
    return this.memberSessions.endAllByHeadquarters(staff, id);
  }
}
