import { MemberRefreshBody, routes, SmsSendBody, SmsVerifyBody, WechatLoginBody } from '@huika/shared';
import { Controller } from '@nestjs/common';
import type { z } from 'zod';
import { ClientIp } from '../../common/rate-limit/client-ip.decorator';
import { Route, ValidBody } from '../../common/route.decorators';
import { MemberSessionsService } from '../auth/member-sessions.service';
import { IdentityService } from './identity.service';
import { SmsOtpService } from './sms-otp.service';

@Controller()
export class IdentityController {
  constructor(
    private readonly identity: IdentityService,
    private readonly otp: SmsOtpService,
    private readonly sessions: MemberSessionsService,
  ) {}

  @Route(routes.wechatLogin)
  wechat(@ValidBody() body: z.output<typeof WechatLoginBody>, @ClientIp() ip: string) {
    return this.identity.wechatLogin(body.code, ip);
  }

  @Route(routes.smsSend)
  smsSend(@ValidBody() body: z.output<typeof SmsSendBody>, @ClientIp() ip: string) {
    return this.otp.send(body.phone, ip);
  }

  @Route(routes.smsVerify)
  smsVerify(@ValidBody() body: z.output<typeof SmsVerifyBody>, @ClientIp() ip: string) {
    return this.identity.smsLogin(body.phone, body.code, ip);
  }

  @Route(routes.memberRefresh)
  refresh(@ValidBody() body: z.output<typeof MemberRefreshBody>, @ClientIp() ip: string) {
    return this.sessions.refresh(body.refreshToken, ip);
  }
}
