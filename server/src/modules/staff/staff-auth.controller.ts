import { routes, StaffLoginBody, StaffLogoutBody, StaffRefreshBody } from '@huika/shared';
import { Controller, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ClientIp } from '../../common/rate-limit/client-ip.decorator';
import { Route, ValidBody } from '../../common/route.decorators';
import { clearRefreshCookie, refreshTokenOf, withRefreshCookie } from './refresh-cookie';
import { StaffAuthService } from './staff-auth.service';

@Controller()
export class StaffAuthController {
  constructor(private readonly auth: StaffAuthService) {}

  @Route(routes.staffLogin)
  async login(
    @ValidBody() body: z.output<typeof StaffLoginBody>,
    @ClientIp() ip: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withRefreshCookie(request, reply, await this.auth.login(body, ip));
  }

  @Route(routes.staffRefresh)
  async refresh(
    @ValidBody() body: z.output<typeof StaffRefreshBody>,
    @ClientIp() ip: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withRefreshCookie(request, reply, await this.auth.refresh(refreshTokenOf(request, body), ip));
  }

  @Route(routes.staffLogout)
  async logout(
    @ValidBody() body: z.output<typeof StaffLogoutBody>,
    @ClientIp() ip: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    clearRefreshCookie(request, reply);
    await this.auth.logout(refreshTokenOf(request, body), ip);
  }
}
