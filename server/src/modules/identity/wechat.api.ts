import { AppError } from '../../common/app-error';

/** What code2session tells about the person behind a wx.login() code. */
export interface WechatSession {
  openid: string;
  /** Set when the mini-program is bound to a WeChat Open Platform account. */
  unionid: string | null;
}

/** The WeChat server API the member login needs (DOMAIN §1). */
export interface WechatApi {
  /** GET /sns/jscode2session: a wx.login() code for the openid (each code works once). */
  code2session(code: string): Promise<WechatSession>;
  /** POST /wxa/business/getuserphonenumber: a getPhoneNumber code for the phone number (without country code). */
  phoneNumber(phoneCode: string): Promise<string>;
}

export const WECHAT_API = Symbol('WECHAT_API');

/** WeChat's error codes the member sees differently; every other one means "WeChat could not help now". */
export function wechatError(errcode: number, errmsg: string, what: 'login' | 'phone'): AppError {
  switch (errcode) {
    case 40029:
    case 40163:
      return new AppError(
        'WECHAT_CODE_INVALID',
        what === 'login'
          ? 'the WeChat login code is invalid or already used; call wx.login() again'
          : 'the WeChat phone code is invalid or already used; ask for the phone number again',
        { errcode },
      );
    case 45011:
      return new AppError('RATE_LIMITED', 'WeChat limits how often this can be done; try again in a minute', {
        errcode,
        retryAfterSeconds: 60,
      });
    case -1:
      return new AppError('WECHAT_UNAVAILABLE', 'WeChat is busy right now; try again in a moment', { errcode });
    default:
      return new AppError('WECHAT_UNAVAILABLE', `WeChat refused the request (errcode ${errcode}: ${errmsg})`, {
        errcode,
      });
  }
}

/** Stands in while HUIKA_WECHAT_APPID / HUIKA_WECHAT_SECRET are not set: WeChat login is unavailable. */
export class UnconfiguredWechat implements WechatApi {
  code2session(): Promise<WechatSession> {
    return Promise.reject(this.unavailable());
  }

  phoneNumber(): Promise<string> {
    return Promise.reject(this.unavailable());
  }

  private unavailable(): AppError {
    return new AppError(
      'SERVICE_UNAVAILABLE',
      'WeChat login is not configured on this server (HUIKA_WECHAT_APPID and HUIKA_WECHAT_SECRET)',
    );
  }
}
