import { PaginationQuery, routes, UpdateMeBody } from '@huika/shared';
import { Controller, Param } from '@nestjs/common';
import type { z } from 'zod';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { Auth, Route, ValidBody, ValidQuery } from '../../common/route.decorators';
import { MeService } from './me.service';
import { MySessionsService } from './my-sessions.service';
import { ProfileService } from './profile.service';

@Controller()
export class MeController {
  constructor(
    private readonly me: MeService,
    private readonly profile: ProfileService,
    private readonly sessions: MySessionsService,
  ) {}

  @Route(routes.me)
  get(@Auth() member: MemberAuth) {
    return this.me.me(member);
  }

  @Route(routes.myPointEntries)
  entries(@Auth() member: MemberAuth, @ValidQuery() query: z.output<typeof PaginationQuery>) {
    return this.me.entries(member, query.cursor, query.limit);
  }

  @Route(routes.adminMemberPointEntries)
  async memberEntries(
    @Auth() staff: StaffAuth,
    @Param('id') id: string,
    @ValidQuery() query: z.output<typeof PaginationQuery>,
  ) {
    return this.me.entries(await this.me.readAsStaff(staff, id), query.cursor, query.limit);
  }

  @Route(routes.updateMe)
  update(@Auth() member: MemberAuth, @ValidBody() body: z.output<typeof UpdateMeBody>) {
    return this.profile.update(member, body);
  }

  @Route(routes.exportMe)
  export(@Auth() member: MemberAuth) {
    return this.profile.export(member);
  }

  /** The body `{ confirm: true }` is checked by the contract: closing cannot happen by accident. */
  @Route(routes.closeMe)
  async close(@Auth() member: MemberAuth, @ValidBody() _confirmed: unknown) {
    await this.profile.close(member);
  }

  @Route(routes.endMySessions)
  endSessions(@Auth() member: MemberAuth) {
    return this.sessions.endAll(member);
  }
}
