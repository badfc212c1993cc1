import { Logger } from '@nestjs/common';
import { AppError } from '../../common/app-error';
import type { SettingsService } from '../../common/settings.service';
import type { WechatConfig } from '../../config/config';
import { type WechatApi, type WechatSession, wechatError } from './wechat.api';

/** Where the access token is shared by every instance: fetching a new one retires the old after 5 minutes. */
const ACCESS_TOKEN_SETTING = 'wechat_access_token';
/** Refreshed this long before WeChat says it expires, so a request never carries one expiring on the way. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;
const REQUEST_TIMEOUT_MS = 5000;
/** The access token was invalid (40001) or expired (42001): fetch a new one and try once more. */
const STALE_TOKEN = new Set([40001, 42001]);

interface WechatReply {
  errcode?: number;
  errmsg?: string;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * The WeChat server API over HTTPS (configurable base URL, so tests talk to a local fake). The access token
 * is cached in memory and in the database until shortly before it expires, and fetched anew when WeChat
 * calls it invalid or expired. Its expiry is WeChat's wall-clock time, not the program's (dev) clock.
 */
export class HttpWechatClient implements WechatApi {
  private readonly logger = new Logger('WeChat');
  private cached: CachedToken | null = null;
  private fetching: Promise<string> | null = null;

  constructor(
    private readonly config: WechatConfig & { appId: string; secret: string },
    private readonly settings: SettingsService,
  ) {}

  async code2session(code: string): Promise<WechatSession> {
    const query = new URLSearchParams({
      appid: this.config.appId,
      secret: this.config.secret,
      js_code: code,
      grant_type: 'authorization_code',
    });
    const reply = await this.call<WechatReply & { openid?: string; unionid?: string }>(`/sns/jscode2session?${query}`);
    if (reply.errcode) throw this.failure(reply, 'login');
    if (!reply.openid) throw new AppError('WECHAT_UNAVAILABLE', 'WeChat answered without an openid');
    return { openid: reply.openid, unionid: reply.unionid ?? null };
  }

  async phoneNumber(phoneCode: string): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.accessToken();
      const reply = await this.call<WechatReply & { phone_info?: { purePhoneNumber?: string; countryCode?: string } }>(
        `/wxa/business/getuserphonenumber?${new URLSearchParams({ access_token: token })}`,
        { code: phoneCode },
      );
      if (reply.errcode && STALE_TOKEN.has(reply.errcode) && attempt === 1) {
        await this.forget(token);
        continue;
      }
      if (reply.errcode) throw this.failure(reply, 'phone');
      const phone = reply.phone_info?.purePhoneNumber;
      if (!phone) throw new AppError('WECHAT_UNAVAILABLE', 'WeChat answered without a phone number');
      if (reply.phone_info?.countryCode && reply.phone_info.countryCode !== '86') {
        throw new AppError('VALIDATION_FAILED', 'only mainland China mobile numbers can join', {
          fields: [{ path: 'body.phoneCode', message: 'not a mainland mobile number' }],
        });
      }
      return phone;
    }
  }

  /** The cached access token, or a new one (one fetch at a time per instance). */
  private async accessToken(): Promise<string> {
    if (this.cached && Date.now() < this.cached.expiresAt) return this.cached.token;
    const shared = parseToken(await this.settings.get(ACCESS_TOKEN_SETTING));
    if (shared && Date.now() < shared.expiresAt) {
      this.cached = shared;
      return shared.token;
    }
    this.fetching ??= this.fetchToken().finally(() => (this.fetching = null));
    return this.fetching;
  }

  private async fetchToken(): Promise<string> {
    const query = new URLSearchParams({
      grant_type: 'client_credential',
      appid: this.config.appId,
      secret: this.config.secret,
    });
    const reply = await this.call<WechatReply & { access_token?: string; expires_in?: number }>(
      `/cgi-bin/token?${query}`,
    );
    if (reply.errcode || !reply.access_token) {
      // A wrong AppID or AppSecret is the operator's to fix; the member just sees WeChat unavailable.
      this.logger.error(`fetching the WeChat access token failed: ${reply.errcode} ${reply.errmsg ?? ''}`);
      throw this.failure({ errcode: reply.errcode ?? -1, errmsg: reply.errmsg ?? 'no access token' }, 'phone');
    }
    const lifetimeMs = (reply.expires_in ?? 7200) * 1000;
    const token = {
      token: reply.access_token,
      expiresAt: Date.now() + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2),
    };
    this.cached = token;
    await this.settings.set(ACCESS_TOKEN_SETTING, JSON.stringify(token));
    return token.token;
  }

  /** Drops a token WeChat refused, here and for the other instances (unless one has replaced it already). */
  private async forget(token: string): Promise<void> {
    if (this.cached?.token === token) this.cached = null;
    if (parseToken(await this.settings.get(ACCESS_TOKEN_SETTING))?.token === token) {
      await this.settings.set(ACCESS_TOKEN_SETTING, '');
    }
  }

  private failure(reply: WechatReply, what: 'login' | 'phone'): AppError {
    const error = wechatError(reply.errcode ?? -1, reply.errmsg ?? '', what);
    if (error.code === 'WECHAT_UNAVAILABLE') this.logger.warn(`WeChat ${what}: ${reply.errcode} ${reply.errmsg ?? ''}`);
    return error;
  }

  /** GET, or POST with a JSON body. WeChat answers JSON, sometimes labelled text/plain. */
  private async call<T>(pathAndQuery: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.config.baseUrl}${pathAndQuery}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      this.logger.warn(`WeChat unreachable: ${error instanceof Error ? error.message : String(error)}`);
      throw new AppError('WECHAT_UNAVAILABLE', 'WeChat cannot be reached right now; try again in a moment');
    }
    const text = await response.text();
    try {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return JSON.parse(text) as T;
    } catch (error) {
      this.logger.warn(`WeChat answered badly: ${error instanceof Error ? error.message : String(error)}`);
      throw new AppError('WECHAT_UNAVAILABLE', 'WeChat answered with an error; try again in a moment');
    }
  }
}

function parseToken(value: string | null): CachedToken | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Partial<CachedToken>;
    return typeof parsed.token === 'string' && typeof parsed.expiresAt === 'number'
      ? { token: parsed.token, expiresAt: parsed.expiresAt }
      : null;
  } catch {
    return null;
  }
}
