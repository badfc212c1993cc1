import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** The WeChat APIs the fake serves; each can be told to fail its next call. */
export type WechatFakeApi = 'token' | 'code2session' | 'phone';

export interface WechatFakeOptions {
  appId?: string;
  secret?: string;
  /** `expires_in` of each access token, seconds (WeChat: 7200). */
  tokenLifetimeSeconds?: number;
}

interface Issued<T> {
  value: T;
  used: boolean;
}

/**
 * A local stand-in for api.weixin.qq.com over real HTTP (127.0.0.1, a free port), for the medium and the
 * end-to-end tests. It behaves like WeChat where Huika cares: single-use login and phone codes, errcodes
 * (40029 invalid code, 40163 code used, 40001 invalid token, 42001 token expired, 40125 bad secret,
 * 45011 rate limit, -1 busy), `text/plain` JSON from jscode2session, and it counts access-token fetches.
 */
export class WechatFake {
  readonly appId: string;
  readonly secret: string;
  /** Base URL for HUIKA_WECHAT_BASE_URL. */
  url = '';
  tokenFetches = 0;
  code2sessionCalls = 0;
  phoneCalls = 0;

  private readonly tokenLifetimeSeconds: number;
  private readonly loginCodes = new Map<string, Issued<{ openid: string; unionid: string | null }>>();
  private readonly phoneCodes = new Map<string, Issued<string>>();
  /** Access token -> the instant (ms) it expires. */
  private readonly tokens = new Map<string, number>();
  private readonly failures: { api: WechatFakeApi; errcode: number; errmsg: string }[] = [];
  private serial = 0;

  private readonly server: Server;

  private constructor(options: WechatFakeOptions) {
    this.appId = options.appId ?? 'wx-fake-appid';
    this.secret = options.secret ?? 'fake-app-secret';
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 7200;
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
  }

  static async start(options: WechatFakeOptions = {}): Promise<WechatFake> {
    const fake = new WechatFake(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const address = fake.server.address();
    if (typeof address !== 'object' || !address) throw new Error('the fake WeChat server is not listening');
    fake.url = `http://127.0.0.1:${address.port}`;
    return fake;
  }

  /** What wx.login() would hand the mini-program for this person: a code that works once. */
  loginCode(openid: string, unionid: string | null = null): string {
    const code = `js-${randomBytes(8).toString('hex')}`;
    this.loginCodes.set(code, { value: { openid, unionid }, used: false });
    return code;
  }

  /** What the getPhoneNumber button would hand the mini-program for this phone: a code that works once. */
  phoneCode(phone: string): string {
    const code = `ph-${randomBytes(8).toString('hex')}`;
    this.phoneCodes.set(code, { value: phone, used: false });
    return code;
  }

  /** The next call to `api` answers this errcode. */
  failNext(api: WechatFakeApi, errcode: number, errmsg = 'fake failure'): void {
    this.failures.push({ api, errcode, errmsg });
  }

  /** Every access token issued so far expires now (42001 from then on). */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  /** Every access token issued so far becomes unknown (40001), as when another party fetched a new one. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const query = url.searchParams;
    const route = `${request.method} ${url.pathname}`;
    if (route === 'GET /cgi-bin/token') {
      this.tokenFetches += 1;
      return this.reply(response, this.failure('token') ?? this.token(query));
    }
    if (route === 'GET /sns/jscode2session') {
      this.code2sessionCalls += 1;
      // WeChat labels this JSON as text/plain.
      return this.reply(response, this.failure('code2session') ?? this.code2session(query), 'text/plain');
    }
    if (route === 'POST /wxa/business/getuserphonenumber') {
      this.phoneCalls += 1;
      const body = await readJson(request);
      return this.reply(response, this.failure('phone') ?? this.phone(query, body));
    }
    response.writeHead(404, { 'content-type': 'text/html' }).end('<html>404</html>');
  }

  private token(query: URLSearchParams): object {
    if (query.get('grant_type') !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' };
    if (query.get('appid') !== this.appId) return { errcode: 40013, errmsg: 'invalid appid' };
    if (query.get('secret') !== this.secret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    this.serial += 1;
    const token = `fake-access-token-${this.serial}-${randomBytes(6).toString('hex')}`;
    this.tokens.set(token, Date.now() + this.tokenLifetimeSeconds * 1000);
    return { access_token: token, expires_in: this.tokenLifetimeSeconds };
  }

  private code2session(query: URLSearchParams): object {
    if (query.get('appid') !== this.appId) return { errcode: 40013, errmsg: 'invalid appid' };
    if (query.get('secret') !== this.secret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    const issued = this.loginCodes.get(query.get('js_code') ?? '');
    if (!issued) return { errcode: 40029, errmsg: 'invalid code' };
    if (issued.used) return { errcode: 40163, errmsg: 'code been used' };
    issued.used = true;
    return {
      openid: issued.value.openid,
      session_key: randomBytes(16).toString('base64'),
      ...(issued.value.unionid ? { unionid: issued.value.unionid } : {}),
    };
  }

  private phone(query: URLSearchParams, body: unknown): object {
    const expiresAt = this.tokens.get(query.get('access_token') ?? '');
    if (expiresAt === undefined) {
      return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    }
    if (expiresAt <= Date.now()) return { errcode: 42001, errmsg: 'access_token expired' };
    const code = typeof body === 'object' && body !== null ? (body as { code?: unknown }).code : undefined;
    const issued = typeof code === 'string' ? this.phoneCodes.get(code) : undefined;
    if (!issued) return { errcode: 40029, errmsg: 'invalid code' };
    if (issued.used) return { errcode: 40163, errmsg: 'code been used' };
    issued.used = true;
    return {
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: issued.value,
        purePhoneNumber: issued.value,
        countryCode: '86',
        watermark: { timestamp: Math.floor(Date.now() / 1000), appid: this.appId },
      },
    };
  }

  private failure(api: WechatFakeApi): object | null {
    const index = this.failures.findIndex((failure) => failure.api === api);
    if (index < 0) return null;
    const [failure] = this.failures.splice(index, 1);
    return failure ? { errcode: failure.errcode, errmsg: failure.errmsg } : null;
  }

  private reply(response: ServerResponse, body: object, contentType = 'application/json'): void {
    response.writeHead(200, { 'content-type': `${contentType}; charset=utf-8` }).end(JSON.stringify(body));
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
