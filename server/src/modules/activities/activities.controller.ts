import { ActivitySignupsQuery, CreateActivityBody, PaginationQuery, routes, UpdateActivityBody } from '@huika/shared';
import { Controller, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { sendIdempotent } from '../../common/idempotent-reply';
import { Auth, IdempotencyKey, Route, ValidBody, ValidQuery } from '../../common/route.decorators';
import { ActivitiesService } from './activities.service';

@Controller()
export class ActivitiesController {
  constructor(private readonly activities: ActivitiesService) {}

  @Route(routes.listActivitiesAdmin)
  list(@ValidQuery() query: z.output<typeof PaginationQuery>) {
    return this.activities.list(query.cursor, query.limit);
  }

  @Route(routes.adminActivitySignups)
  signups(@Param('id') id: string, @ValidQuery() query: z.output<typeof ActivitySignupsQuery>) {
    return this.activities.signups(id, query);
  }

  @Route(routes.adminMemberActivitySignups)
  memberSignups(
    @Auth() staff: StaffAuth,
    @Param('id') id: string,
    @ValidQuery() query: z.output<typeof PaginationQuery>,
  ) {
    return this.activities.signupsOfMember(staff, id, query.cursor, query.limit);
  }

  @Route(routes.createActivity)
  create(@Auth() staff: StaffAuth, @ValidBody() body: z.output<typeof CreateActivityBody>) {
    return this.activities.create(staff, body);
  }

  @Route(routes.updateActivity)
  update(@Auth() staff: StaffAuth, @Param('id') id: string, @ValidBody() body: z.output<typeof UpdateActivityBody>) {
    return this.activities.update(staff, id, body);
  }

  @Route(routes.activities)
  upcoming(@Auth() member: MemberAuth, @ValidQuery() query: z.output<typeof PaginationQuery>) {
    return this.activities.upcoming(member, query.cursor, query.limit);
  }

  @Route(routes.signUpActivity)
  async signUp(
    @Auth() member: MemberAuth,
    @Param('id') id: string,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendIdempotent(reply, await this.activities.signUp(member, id, key));
  }

  @Route(routes.cancelActivitySignup)
  async cancel(
    @Auth() member: MemberAuth,
    @Param('id') id: string,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendIdempotent(reply, await this.activities.cancel(member, id, key));
  }
}
