import { z } from 'zod';
import { LoginResponse } from './dev';
import { defineRoute } from './route';

/** A mainland mobile number: 11 digits starting with 1. */
export const MobilePhone = z
  .string()
  .trim()
  .regex(/^1\d{10}$/, 'a mainland mobile number of 11 digits');

/** The six digits of an SMS one-time code. */
export const SmsCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'the 6 digits from the text message');

export const WechatLoginBody = z.object({
  /** The code from wx.login(), exchanged once with WeChat (code2session). */
  code: z.string().trim().min(1).max(128),
});

export const SmsSendBody = z.object({ phone: MobilePhone });

export const SmsSendResponse = z.object({
  /** How long the code stays valid. */
  expiresInSeconds: z.number().int().positive(),
  /** When another code may be sent to this phone. */
  resendInSeconds: z.number().int().positive(),
});

export const SmsVerifyBody = z.object({ phone: MobilePhone, code: SmsCode });

export const MemberRefreshBody = z.object({ refreshToken: z.string().min(1).max(256) });

export const identityRoutes = {
  wechatLogin: defineRoute({
    method: 'POST',
    path: '/api/auth/wechat',
    summary: 'Log in with a wx.login() code: a member token for the WeChat identity (memberId null: not joined yet)',
    tag: 'member',
    auth: 'public',
    body: WechatLoginBody,
    status: 200,
    response: LoginResponse,
    errors: ['WECHAT_CODE_INVALID', 'WECHAT_UNAVAILABLE', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE'],
  }),
  smsSend: defineRoute({
    method: 'POST',
    path: '/api/auth/sms/send',
    summary: 'Text a 6-digit one-time code to a phone (H5 login, card reissue); valid 5 minutes, once a minute',
    tag: 'member',
    auth: 'public',
    body: SmsSendBody,
    status: 200,
    response: SmsSendResponse,
    errors: ['RATE_LIMITED', 'SERVICE_UNAVAILABLE'],
  }),
  smsVerify: defineRoute({
    method: 'POST',
    path: '/api/auth/sms/verify',
    summary: 'Log in with the phone and its one-time code: a member token for the phone identity',
    tag: 'member',
    auth: 'public',
    body: SmsVerifyBody,
    status: 200,
    response: LoginResponse,
    errors: ['SMS_CODE_INVALID', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE'],
  }),
  memberRefresh: defineRoute({
    method: 'POST',
    path: '/api/auth/member/refresh',
    summary:
      'Exchange a member refresh token for a new access token and a new refresh token (the old one is spent; ' +
      'spent twice, the whole session ends)',
    tag: 'member',
    auth: 'public',
    body: MemberRefreshBody,
    status: 200,
    response: LoginResponse,
    errors: ['REFRESH_TOKEN_INVALID'],
  }),
};
