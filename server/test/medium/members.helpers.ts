import { type ProgramConfig, ProgramConfigSchema } from '@huika/shared';
import type { DataSource } from 'typeorm';
import { WechatFake } from '../../../test/src/fakes/wechat-fake';
import type { AppConfig } from '../../src/config/config';
import { staffToken } from './fixtures';
import { freshDatabase, startTestApp, type TestApp, type TestDatabase, type TestResponse } from './test-app';

/** A test app wired to a local fake WeChat server, as the membership specs use it. */
export interface MembershipHarness {
  db: TestDatabase;
  app: TestApp;
  wechat: WechatFake;
  close(): Promise<void>;
}

export async function startMembershipApp(overrides: Partial<AppConfig> = {}): Promise<MembershipHarness> {
  const wechat = await WechatFake.start();
  const db = await freshDatabase();
  const app = await startTestApp(db.config, {
    wechat: { baseUrl: wechat.url, appId: wechat.appId, secret: wechat.secret },
    ...overrides,
  });
  return {
    db,
    app,
    wechat,
    close: async () => {
      await app.close();
      await db.drop();
      await wechat.stop();
    },
  };
}

let phoneSerial = Math.floor(Math.random() * 1_000_000);

/** A phone number no other test uses. */
export function newPhone(): string {
  phoneSerial += 1;
  return `139${String(phoneSerial).padStart(8, '0')}`;
}

let openidSerial = 0;

export function newOpenid(): string {
  openidSerial += 1;
  return `o-wx-${Date.now().toString(36)}-${openidSerial}`;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Logs in through POST /api/auth/wechat with a fresh code from the fake WeChat server. */
export async function wechatLogin(
  harness: MembershipHarness,
  openid: string = newOpenid(),
  unionid: string | null = null,
): Promise<{ token: string; memberId: string | null; openid: string }> {
  const response = await harness.app.request({
    method: 'POST',
    url: '/api/auth/wechat',
    payload: { code: harness.wechat.loginCode(openid, unionid) },
  });
  if (response.status !== 200) throw new Error(`wechat login: ${response.status} ${JSON.stringify(response.body)}`);
  const body = response.body as { token: string; memberId: string | null };
  return { ...body, openid };
}

export interface JoinFields {
  name?: string;
  birthday?: string;
  phone?: string;
  phoneCode?: string;
  consentVersion?: string;
  scene?: string;
  deviceId?: string;
}

export function joinRequest(app: TestApp, token: string, fields: JoinFields = {}): Promise<TestResponse> {
  return app.request({
    method: 'POST',
    url: '/api/members',
    headers: bearer(token),
    payload: {
      name: '王小明',
      birthday: '1990-05-17',
      consentVersion: '2026-01',
      ...(fields.phoneCode ? {} : { phone: newPhone() }),
      ...fields,
    },
  });
}

export interface JoinedMember {
  id: string;
  cardNo: string;
  token: string;
  openid: string;
  phone: string;
  body: Record<string, unknown>;
}

/** A WeChat login and a join; fails the test on anything but 201. */
export async function joinedMember(harness: MembershipHarness, fields: JoinFields = {}): Promise<JoinedMember> {
  const login = await wechatLogin(harness);
  const phone = fields.phone ?? newPhone();
  const response = await joinRequest(harness.app, login.token, { ...fields, phone });
  if (response.status !== 201) throw new Error(`join: ${response.status} ${JSON.stringify(response.body)}`);
  const body = response.body as { id: string; cardNo: string; token: string };
  return {
    id: body.id,
    cardNo: body.cardNo,
    token: body.token,
    openid: login.openid,
    phone,
    body: response.body as Record<string, unknown>,
  };
}

/** Changes the program's rules in the database (ProgramService reads them on every use). */
export async function patchProgram(dataSource: DataSource, patch: (config: ProgramConfig) => void): Promise<void> {
  const rows = (await dataSource.query('SELECT config FROM program_config WHERE id = 1')) as { config: string }[];
  const config = ProgramConfigSchema.parse(JSON.parse(rows[0]?.config ?? '{}'));
  patch(config);
  await dataSource.query('UPDATE program_config SET config = ? WHERE id = 1', [JSON.stringify(config)]);
}

export async function staffHeaders(
  app: TestApp,
  username: 'admin' | 'cashier' | 'manager',
): Promise<Record<string, string>> {
  return bearer(await staffToken(app, username));
}
