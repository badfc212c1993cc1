import { routes, StaffLoginBody, StaffLogoutBody, StaffRefreshBody } from '@huika/shared';
import { Controller } from '@nestjs/common';
import type { z } from 'zod';
import { ClientIp } from '../../common/rate-limit/client-ip.decorator';
import { Route, ValidBody } from '../../common/route.decorators';
import { StaffAuthService } from './staff-auth.service';

@Controller()
export class StaffAuthController {
  constructor(private readonly auth: StaffAuthService) {}

  @Route(routes.staffLogin)
  login(@ValidBody() body: z.output<typeof StaffLoginBody>, @ClientIp() ip: string) {
    return this.auth.login(body, ip);
  }

  @Route(routes.staffRefresh)
  refresh(@ValidBody() body: z.output<typeof StaffRefreshBody>, @ClientIp() ip: string) {
    return this.auth.refresh(body.refreshToken, ip);
  }

  @Route(routes.staffLogout)
  logout(@ValidBody() body: z.output<typeof StaffLogoutBody>, @ClientIp() ip: string) {
    return this.auth.logout(body.refreshToken, ip);
  }
}
