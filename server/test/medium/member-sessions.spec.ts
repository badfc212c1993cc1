import { createSecretKey } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { newId } from '../../src/common/ids';
import { SettingsService } from '../../src/common/settings.service';
import { Transactions } from '../../src/common/transactions';
import { DevSmsProvider, SMS_PROVIDER } from '../../src/modules/identity/sms.provider';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { SYSTEM_ACTOR } from '../../src/modules/ledger/ledger.types';
import { scalar } from './fixtures';
import {
  bearer,
  joinedMember,
  type MembershipHarness,
  staffHeaders,
  startMembershipApp,
  wechatLogin,
} from './members.helpers';
import { startTestApp, TEST_DB, type TestApp, type TestResponse } from './test-app';

interface Login {
  token: string;
  memberId: string | null;
  refreshToken: string;
  expiresIn: number;
}

describe(`member sessions on ${TEST_DB}`, () => {
  let harness: MembershipHarness;

  beforeAll(async () => {
    harness = await startMembershipApp();
  });

  afterAll(async () => {
    await harness.close();
  });

  const request: TestApp['request'] = (options) => harness.app.request(options);
  const dataSource = () => harness.app.huika.dataSource;

  /** A WeChat login as the whole answer, refresh token included. */
  async function login(openid: string, app: TestApp = harness.app): Promise<Login> {
    const response = await app.request({
      method: 'POST',
      url: '/api/auth/wechat',
      payload: { code: harness.wechat.loginCode(openid, null) },
    });
    expect(response.status).toBe(200);
    return response.body as Login;
  }

  const me = (token: string, app: TestApp = harness.app) =>
    app.request({ method: 'GET', url: '/api/me', headers: bearer(token) });
  const refresh = (refreshToken: string) =>
    request({ method: 'POST', url: '/api/auth/member/refresh', payload: { refreshToken } });
  const endAll = (token: string) =>
    request({ method: 'POST', url: '/api/me/sessions/end-all', headers: bearer(token) });

  function expectEnded(response: TestResponse): void {
    expect(response).toMatchObject({ status: 401, body: { code: 'SESSION_ENDED' } });
  }

  async function giveGiftPoints(memberId: string): Promise<string> {
    await harness.app.huika.app
      .get(Transactions)
      .run((tx) =>
        harness.app.huika.app
          .get(LedgerService)
          .adjust(tx, { memberId, refType: 'adjustment', refId: newId(), actor: SYSTEM_ACTOR }, 100),
      );
    const gift = await request({
      method: 'POST',
      url: '/api/admin/gifts',
      headers: await staffHeaders(harness.app, 'admin'),
      payload: { name: `礼品${newId()}`, pointsPrice: 1, stock: 10, perMemberLimit: null },
    });
    expect(gift.status).toBe(201);
    return (gift.body as { id: string }).id;
  }

  const redeem = (token: string, giftId: string) =>
    request({
      method: 'POST',
      url: `/api/gifts/${giftId}/redemptions`,
      headers: { ...bearer(token), 'idempotency-key': newId() },
      payload: { quantity: 1 },
    });

  it("a card reissue ends the lost phone's session: no card code, no redemption, no closing the account", async () => {
    const member = await joinedMember(harness);
    const giftId = await giveGiftPoints(member.id);
    const lostPhone = member.token;
    const newPhone = await login(member.openid);
    expect((await me(lostPhone)).status).toBe(200);

    expect(
      (await request({ method: 'POST', url: '/api/auth/sms/send', payload: { phone: member.phone } })).status,
    ).toBe(200);
    const code = harness.app.huika.app.get<DevSmsProvider>(SMS_PROVIDER).lastCodeFor(member.phone) ?? '';
    const reissued = await request({
      method: 'POST',
      url: '/api/me/card/reissue',
      headers: bearer(newPhone.token),
      payload: { phone: member.phone, code },
    });
    expect(reissued.status).toBe(200);

    expectEnded(await request({ method: 'GET', url: '/api/me/card-code', headers: bearer(lostPhone) }));
    expectEnded(await redeem(lostPhone, giftId));
    expectEnded(
      await request({ method: 'DELETE', url: '/api/me', headers: bearer(lostPhone), payload: { confirm: true } }),
    );
    expect(
      await scalar(dataSource(), "SELECT COUNT(*) FROM members WHERE id = ? AND status = 'active'", [member.id]),
    ).toBe(1);
    // The phone that proved the number goes on.
    expect((await request({ method: 'GET', url: '/api/me/card-code', headers: bearer(newPhone.token) })).status).toBe(
      200,
    );
    expect((await redeem(newPhone.token, giftId)).status).toBe(201);
  });

  it('logging out everywhere ends every session of the member, the one that asked included', async () => {
    const member = await joinedMember(harness);
    const phoneA = await login(member.openid);
    const phoneB = await login(member.openid);
    expect((await me(phoneA.token)).status).toBe(200);

    const ended = await endAll(phoneA.token);
    expect(ended).toMatchObject({ status: 200, body: { ended: 3 } });
    for (const token of [member.token, phoneA.token, phoneB.token]) expectEnded(await me(token));
    for (const { refreshToken } of [phoneA, phoneB]) {
      expect(await refresh(refreshToken)).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
    }
    expect(
      await scalar(
        dataSource(),
        "SELECT COUNT(*) FROM audit_log WHERE action = 'member.sessions_end' AND target_id = ?",
        [member.id],
      ),
    ).toBe(1);
    // A new login is a new session.
    expect((await me((await login(member.openid)).token)).status).toBe(200);
  });

  it('logging out everywhere works before joining too', async () => {
    const first = await wechatLogin(harness);
    const second = await login(first.openid);
    expect(await endAll(second.token)).toMatchObject({ status: 200, body: { ended: 2 } });
    const join = await request({ method: 'POST', url: '/api/members', headers: bearer(first.token), payload: {} });
    expectEnded(join);
  });

  it("headquarters ends a member's sessions, audited; nobody else may", async () => {
    const member = await joinedMember(harness);
    const other = await login(member.openid);
    const url = `/api/admin/members/${member.id}/sessions/end`;
    expect(await request({ method: 'POST', url, headers: await staffHeaders(harness.app, 'manager') })).toMatchObject({
      status: 403,
    });
    expect(await request({ method: 'POST', url, headers: bearer(other.token) })).toMatchObject({ status: 403 });
    expect((await me(other.token)).status).toBe(200);

    const ended = await request({ method: 'POST', url, headers: await staffHeaders(harness.app, 'admin') });
    expect(ended).toMatchObject({ status: 200, body: { ended: 2 } });
    expectEnded(await me(member.token));
    expectEnded(await me(other.token));
    const audit = (await dataSource().query(
      "SELECT actor_kind, actor_id FROM audit_log WHERE action = 'member.sessions_end' AND target_id = ?",
      [member.id],
    )) as { actor_kind: string; actor_id: string }[];
    const admin = (await dataSource().query("SELECT id FROM staff WHERE username = 'admin'")) as { id: string }[];
    expect(audit).toEqual([{ actor_kind: 'staff', actor_id: admin[0]?.id }]);
    expect(
      await request({
        method: 'POST',
        url: `/api/admin/members/${newId()}/sessions/end`,
        headers: await staffHeaders(harness.app, 'admin'),
      }),
    ).toMatchObject({ status: 404, body: { code: 'MEMBER_NOT_FOUND' } });
  });

  it('a second instance on the same database refuses a session ended on the first, at once', async () => {
    const second = await startTestApp(harness.db.config, {
      wechat: { baseUrl: harness.wechat.url, appId: harness.wechat.appId, secret: harness.wechat.secret },
    });
    try {
      const member = await joinedMember(harness);
      // Seen, and verified, by the second instance first.
      expect((await me(member.token, second)).status).toBe(200);
      expect((await endAll(member.token)).status).toBe(200);
      expectEnded(await me(member.token, second));
    } finally {
      await second.close();
    }
  });

  it('an expired access token is renewed with the refresh token, which rotates', async () => {
    const member = await joinedMember(harness);
    const session = await login(member.openid);
    expect(session).toMatchObject({ memberId: member.id, expiresIn: 3600 });
    const claims = decodeJwt(session.token);
    expect(claims.exp).toBe((claims.iat ?? 0) + 3600);
    const secret = await harness.app.huika.app.get(SettingsService).secret('token_secret');
    const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
    const expired = await new SignJWT({ typ: 'member', mid: member.id, sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(claims.sub))
      .setIssuer('huika')
      .setIssuedAt(anHourAgo - 3600)
      .setExpirationTime(anHourAgo)
      .sign(createSecretKey(Buffer.from(secret, 'utf8')));
    expect(await me(expired)).toMatchObject({ status: 401, body: { code: 'TOKEN_EXPIRED' } });

    const renewed = await refresh(session.refreshToken);
    expect(renewed).toMatchObject({ status: 200, body: { memberId: member.id, expiresIn: 3600 } });
    const next = renewed.body as Login;
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(decodeJwt(next.token).sid).toBe(claims.sid);
    expect(await me(next.token)).toMatchObject({ status: 200, body: { id: member.id } });
    expect((await refresh(next.refreshToken)).status).toBe(200);
  });

  it('a refresh token spent twice ends its whole session, and only that one', async () => {
    const member = await joinedMember(harness);
    const stolen = await login(member.openid);
    const renewed = (await refresh(stolen.refreshToken)).body as Login;
    expect((await me(renewed.token)).status).toBe(200);

    expect(await refresh(stolen.refreshToken)).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
    expectEnded(await me(renewed.token));
    expectEnded(await me(stolen.token));
    expect(await refresh(renewed.refreshToken)).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
    expect(
      await scalar(
        dataSource(),
        "SELECT COUNT(*) FROM audit_log WHERE action = 'member.refresh_reused' AND target_id = ?",
        [String(decodeJwt(stolen.token).sid)],
      ),
    ).toBe(1);
    // The member's other session (the join's) is not that family.
    expect((await me(member.token)).status).toBe(200);
  });

  it('refuses an unknown refresh token', async () => {
    expect(await refresh('not-a-refresh-token')).toMatchObject({
      status: 401,
      body: { code: 'REFRESH_TOKEN_INVALID' },
    });
  });
});
