import { WechatFake } from '../../../test/src/fakes/wechat-fake';
import { Clock } from '../../src/common/clock';
import { SettingsService } from '../../src/common/settings.service';
import { isValidCardNo } from '../../src/modules/card/card-number';
import { DevSmsProvider, SMS_PROVIDER } from '../../src/modules/identity/sms.provider';
import { WECHAT_API, type WechatApi } from '../../src/modules/identity/wechat.api';
import { HttpWechatClient } from '../../src/modules/identity/wechat-http.client';
import { insertMember, insertStore, memberToken, scalar } from './fixtures';
import {
  bearer,
  joinedMember,
  joinRequest,
  type MembershipHarness,
  newOpenid,
  newPhone,
  patchProgram,
  staffHeaders,
  startMembershipApp,
  wechatLogin,
} from './members.helpers';
import { startTestApp, TEST_DB } from './test-app';

jest.setTimeout(180_000);

describe(`membership: identity, joining and privacy on ${TEST_DB}`, () => {
  let harness: MembershipHarness;
  let clock: Clock;

  beforeAll(async () => {
    harness = await startMembershipApp();
    clock = harness.app.huika.app.get(Clock);
  });

  afterAll(async () => {
    await clock.reset();
    await harness.close();
  });

  const request = (...args: Parameters<MembershipHarness['app']['request']>) => harness.app.request(...args);
  const dataSource = () => harness.app.huika.dataSource;

  describe('WeChat login', () => {
    it('exchanges a wx.login() code for a member token, and tells WeChat errors apart', async () => {
      const openid = newOpenid();
      const code = harness.wechat.loginCode(openid);
      const login = await request({ method: 'POST', url: '/api/auth/wechat', payload: { code } });
      expect(login).toMatchObject({ status: 200, body: { memberId: null, token: expect.any(String) } });
      // A not-yet-member is logged in but has no card.
      const me = await request({
        method: 'GET',
        url: '/api/me',
        headers: bearer((login.body as { token: string }).token),
      });
      expect(me).toMatchObject({ status: 404, body: { code: 'MEMBER_NOT_FOUND' } });

      const reused = await request({ method: 'POST', url: '/api/auth/wechat', payload: { code } });
      expect(reused).toMatchObject({ status: 401, body: { code: 'WECHAT_CODE_INVALID' } });
      const unknown = await request({ method: 'POST', url: '/api/auth/wechat', payload: { code: 'nonsense' } });
      expect(unknown).toMatchObject({ status: 401, body: { code: 'WECHAT_CODE_INVALID' } });

      harness.wechat.failNext('code2session', 45011, 'api minute-quota reach limit');
      const limited = await request({
        method: 'POST',
        url: '/api/auth/wechat',
        payload: { code: harness.wechat.loginCode(openid) },
      });
      expect(limited).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
      expect(limited.headers['retry-after']).toBe('60');

      harness.wechat.failNext('code2session', -1, 'system error');
      const busy = await request({
        method: 'POST',
        url: '/api/auth/wechat',
        payload: { code: harness.wechat.loginCode(openid) },
      });
      expect(busy).toMatchObject({ status: 503, body: { code: 'WECHAT_UNAVAILABLE' } });
    });

    it('answers 503 with a clear message when WeChat is unreachable', async () => {
      const down = await startTestApp(harness.db.config, {
        wechat: { baseUrl: 'http://127.0.0.1:9', appId: 'wx', secret: 'secret' },
      });
      try {
        const response = await down.request({ method: 'POST', url: '/api/auth/wechat', payload: { code: 'abc' } });
        expect(response).toMatchObject({ status: 503, body: { code: 'WECHAT_UNAVAILABLE' } });
      } finally {
        await down.close();
      }
    });

    it('exchanges phone codes with one cached access token, fetched anew on 42001 and 40001', async () => {
      const wechat = harness.app.huika.app.get<WechatApi>(WECHAT_API);
      const before = harness.wechat.tokenFetches;
      expect(await wechat.phoneNumber(harness.wechat.phoneCode('13800138000'))).toBe('13800138000');
      expect(await wechat.phoneNumber(harness.wechat.phoneCode('13800138001'))).toBe('13800138001');
      expect(harness.wechat.tokenFetches - before).toBe(1);

      harness.wechat.expireTokens();
      expect(await wechat.phoneNumber(harness.wechat.phoneCode('13800138002'))).toBe('13800138002');
      expect(harness.wechat.tokenFetches - before).toBe(2);

      harness.wechat.revokeTokens();
      expect(await wechat.phoneNumber(harness.wechat.phoneCode('13800138003'))).toBe('13800138003');
      expect(harness.wechat.tokenFetches - before).toBe(3);

      await expect(wechat.phoneNumber('not-a-code')).rejects.toMatchObject({ code: 'WECHAT_CODE_INVALID' });
      harness.wechat.failNext('phone', 45011);
      await expect(wechat.phoneNumber(harness.wechat.phoneCode('13800138004'))).rejects.toMatchObject({
        code: 'RATE_LIMITED',
      });
      expect(harness.wechat.tokenFetches - before).toBe(3);
    });

    it('keeps the access token until shortly before WeChat says it expires', async () => {
      const shortLived = await WechatFake.start({ tokenLifetimeSeconds: 2 });
      const settings = harness.app.huika.app.get(SettingsService);
      // Not the token the other tests' client shared through the database.
      await settings.set('wechat_access_token', '');
      try {
        const client = new HttpWechatClient(
          { baseUrl: shortLived.url, appId: shortLived.appId, secret: shortLived.secret },
          settings,
        );
        expect(await client.phoneNumber(shortLived.phoneCode('13900000001'))).toBe('13900000001');
        expect(await client.phoneNumber(shortLived.phoneCode('13900000002'))).toBe('13900000002');
        expect(shortLived.tokenFetches).toBe(1);
        // Refreshed before it runs out (here: after half its 2 s), never sent expired.
        await new Promise((resolve) => setTimeout(resolve, 1100));
        expect(await client.phoneNumber(shortLived.phoneCode('13900000003'))).toBe('13900000003');
        expect(shortLived.tokenFetches).toBe(2);
        expect(shortLived.phoneCalls).toBe(3);
      } finally {
        await settings.set('wechat_access_token', '');
        await shortLived.stop();
      }
    });
  });

  describe('joining', () => {
    it('makes a member with consent, a Luhn card number, the entry tier, validity, an encrypted phone and the join gift once', async () => {
      await patchProgram(dataSource(), (program) => {
        program.earning.joinGiftPoints = 50;
      });
      try {
        const login = await wechatLogin(harness);
        const phone = newPhone();
        const joined = await joinRequest(harness.app, login.token, { phone, name: '李雷', birthday: '1988-02-29' });
        expect(joined.status).toBe(201);
        const body = joined.body as Record<string, unknown> & { id: string; cardNo: string; token: string };
        expect(body).toMatchObject({
          name: '李雷',
          phoneMasked: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
          tier: { code: 'normal', discountPercent: 100 },
          points: { balance: 50, pending: 0 },
          balanceFen: 0,
        });
        expect(isValidCardNo(body.cardNo)).toBe(true);
        expect(body.cardNo.length).toBeGreaterThanOrEqual(12);
        const validUntil = Date.parse(String(body.cardValidUntil));
        expect(validUntil - clock.now()).toBeGreaterThan(364 * 86_400_000);
        expect(validUntil - clock.now()).toBeLessThan(367 * 86_400_000);

        // The fresh token carries the member; GET /api/me answers the same shape without the token field.
        const me = await request({ method: 'GET', url: '/api/me', headers: bearer(body.token) });
        expect(me.status).toBe(200);
        const { token: _token, ...rest } = body;
        expect(me.body).toEqual(rest);
        // The login token from before joining resolves too (the identity has a member now).
        expect((await request({ method: 'GET', url: '/api/me', headers: bearer(login.token) })).status).toBe(200);

        const rows = (await dataSource().query(
          'SELECT phone_enc, phone_hash, phone_last4, consent_version, birthday, openid FROM members WHERE id = ?',
          [body.id],
        )) as {
          phone_enc: string;
          phone_hash: string;
          phone_last4: string;
          consent_version: string;
          birthday: string;
          openid: string;
        }[];
        expect(rows[0]).toMatchObject({
          consent_version: '2026-01',
          birthday: '1988-02-29',
          openid: login.openid,
          phone_last4: phone.slice(-4),
        });
        expect(rows[0]?.phone_enc).not.toContain(phone);
        expect(rows[0]?.phone_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(
          await scalar(dataSource(), "SELECT COUNT(*) FROM point_postings WHERE ref_type = 'join' AND ref_id = ?", [
            body.id,
          ]),
        ).toBe(1);
        expect(
          await scalar(dataSource(), "SELECT COUNT(*) FROM audit_log WHERE action = 'member.join' AND target_id = ?", [
            body.id,
          ]),
        ).toBe(1);
      } finally {
        await patchProgram(dataSource(), (program) => {
          program.earning.joinGiftPoints = 0;
        });
      }
    });

    it('refuses a second join of the same login (ALREADY_MEMBER) and a phone of another member (PHONE_TAKEN)', async () => {
      const first = await joinedMember(harness);
      const again = await joinRequest(harness.app, first.token, {});
      expect(again).toMatchObject({ status: 409, body: { code: 'ALREADY_MEMBER' } });
      const other = await wechatLogin(harness);
      const taken = await joinRequest(harness.app, other.token, { phone: first.phone });
      expect(taken).toMatchObject({ status: 409, body: { code: 'PHONE_TAKEN' } });
    });

    it('validates the form: birthday, phone, consent, scene length', async () => {
      const login = await wechatLogin(harness);
      const bad = await request({
        method: 'POST',
        url: '/api/members',
        headers: bearer(login.token),
        payload: { name: '', birthday: '1990-13-01', phone: '123', consentVersion: '', scene: 'x'.repeat(33) },
      });
      expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      const paths = ((bad.body as { details: { fields: { path: string }[] } }).details.fields ?? []).map((f) => f.path);
      expect(paths).toEqual(
        expect.arrayContaining(['body.name', 'body.birthday', 'body.phone', 'body.consentVersion', 'body.scene']),
      );
      const future = await joinRequest(harness.app, login.token, { birthday: '2999-01-01' });
      expect(future).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      const staffCannotJoin = await request({
        method: 'POST',
        url: '/api/members',
        headers: await staffHeaders(harness.app, 'cashier'),
        payload: { name: 'x', birthday: '1990-01-01', phone: newPhone(), consentVersion: 'v1' },
      });
      expect(staffCannotJoin.status).toBe(403);
    });

    it('keeps one member per openid under 20 concurrent joins, and one per phone across 20 openids', async () => {
      const login = await wechatLogin(harness);
      const sameOpenid = await Promise.all(
        Array.from({ length: 20 }, () => joinRequest(harness.app, login.token, { phone: newPhone() })),
      );
      expect(sameOpenid.filter((r) => r.status === 201)).toHaveLength(1);
      for (const response of sameOpenid.filter((r) => r.status !== 201)) {
        expect(response).toMatchObject({ status: 409, body: { code: 'ALREADY_MEMBER' } });
      }
      expect(await scalar(dataSource(), 'SELECT COUNT(*) FROM members WHERE openid = ?', [login.openid])).toBe(1);

      const phone = newPhone();
      const logins = await Promise.all(Array.from({ length: 20 }, () => wechatLogin(harness)));
      const samePhone = await Promise.all(logins.map((l) => joinRequest(harness.app, l.token, { phone })));
      expect(samePhone.filter((r) => r.status === 201)).toHaveLength(1);
      for (const response of samePhone.filter((r) => r.status !== 201)) {
        expect(response).toMatchObject({ status: 409, body: { code: 'PHONE_TAKEN' } });
      }
      const winner = samePhone.find((r) => r.status === 201)?.body as { id: string };
      expect(
        await scalar(
          dataSource(),
          'SELECT COUNT(*) FROM members WHERE phone_hash = (SELECT phone_hash FROM members WHERE id = ?)',
          [winner.id],
        ),
      ).toBe(1);
      // Every loser rolled back whole: no stray attribution, card state or invite rows.
      expect(
        await scalar(dataSource(), 'SELECT COUNT(*) FROM member_joins WHERE member_id NOT IN (SELECT id FROM members)'),
      ).toBe(0);
    });

    it('joins with a WeChat phone code instead of a typed phone', async () => {
      const login = await wechatLogin(harness);
      const phone = newPhone();
      const joined = await joinRequest(harness.app, login.token, { phoneCode: harness.wechat.phoneCode(phone) });
      expect(joined).toMatchObject({
        status: 201,
        body: { phoneMasked: `${phone.slice(0, 3)}****${phone.slice(-4)}` },
      });
      const invalid = await joinRequest(harness.app, (await wechatLogin(harness)).token, { phoneCode: 'wrong' });
      expect(invalid).toMatchObject({ status: 401, body: { code: 'WECHAT_CODE_INVALID' } });
    });

    it('attributes joins to store and staff scenes made by headquarters, with their QR codes', async () => {
      const admin = await staffHeaders(harness.app, 'admin');
      const created = await request({
        method: 'POST',
        url: '/api/admin/scenes',
        headers: admin,
        payload: { kind: 'store', targetId: 'S001', code: 'poster-s001' },
      });
      expect(created).toMatchObject({
        status: 201,
        body: { code: 'poster-s001', kind: 'store', path: 'pages/join/index?scene=poster-s001' },
      });
      const scene = created.body as { targetId: string; qrPngDataUrl: string; url: string };
      expect(scene.qrPngDataUrl).toMatch(/^data:image\/png;base64,/);
      expect(scene.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pages\/join\/index\?scene=poster-s001$/);
      const storeId = await scalar(dataSource(), "SELECT COUNT(*) FROM stores WHERE id = ? AND code = 'S001'", [
        scene.targetId,
      ]);
      expect(storeId).toBe(1);

      const png = await fetch(`${harness.app.baseUrl}/api/admin/scenes/poster-s001/qr.png`, { headers: admin });
      expect(png.status).toBe(200);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await png.arrayBuffer()).subarray(0, 8)).toEqual(
        Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
      );
      const missing = await request({ method: 'GET', url: '/api/admin/scenes/none/qr.png', headers: admin });
      expect(missing).toMatchObject({ status: 404, body: { code: 'SCENE_NOT_FOUND' } });

      const taken = await request({
        method: 'POST',
        url: '/api/admin/scenes',
        headers: admin,
        payload: { kind: 'campaign', targetId: 'spring', code: 'poster-s001' },
      });
      expect(taken).toMatchObject({ status: 409, body: { code: 'SCENE_CODE_TAKEN' } });
      const cashierScene = await request({
        method: 'POST',
        url: '/api/admin/scenes',
        headers: admin,
        payload: { kind: 'staff', targetId: 'cashier' },
      });
      expect(cashierScene.status).toBe(201);
      const generated = (cashierScene.body as { code: string }).code;
      expect(generated.length).toBeLessThanOrEqual(32);
      const noStore = await request({
        method: 'POST',
        url: '/api/admin/scenes',
        headers: admin,
        payload: { kind: 'store', targetId: 'NOPE' },
      });
      expect(noStore).toMatchObject({ status: 404, body: { code: 'STORE_NOT_FOUND' } });
      const byCashier = await request({
        method: 'POST',
        url: '/api/admin/scenes',
        headers: await staffHeaders(harness.app, 'cashier'),
        payload: { kind: 'campaign', targetId: 'x' },
      });
      expect(byCashier.status).toBe(403);

      const viaStore = await joinedMember(harness, { scene: 'poster-s001' });
      const viaStaff = await joinedMember(harness, { scene: generated });
      const viaNothing = await joinedMember(harness, { scene: 'stale-poster' });
      const joins = (await dataSource().query(
        'SELECT member_id, scene, scene_kind, store_id, staff_id, consent_version FROM member_joins WHERE member_id IN (?, ?, ?)',
        [viaStore.id, viaStaff.id, viaNothing.id],
      )) as {
        member_id: string;
        scene: string | null;
        scene_kind: string | null;
        store_id: string | null;
        staff_id: string | null;
      }[];
      const byMember = new Map(joins.map((j) => [j.member_id, j]));
      expect(byMember.get(viaStore.id)).toMatchObject({
        scene: 'poster-s001',
        scene_kind: 'store',
        store_id: scene.targetId,
        staff_id: null,
      });
      expect(byMember.get(viaStaff.id)).toMatchObject({
        scene: generated,
        scene_kind: 'staff',
        store_id: scene.targetId,
      });
      expect(byMember.get(viaStaff.id)?.staff_id).toEqual(expect.any(String));
      expect(byMember.get(viaNothing.id)).toMatchObject({ scene: null, store_id: null });
      expect(
        await scalar(dataSource(), "SELECT COUNT(*) FROM members WHERE id = ? AND join_scene = 'poster-s001'", [
          viaStore.id,
        ]),
      ).toBe(1);
    });
  });

  describe('SMS one-time codes (H5)', () => {
    const sms = () => harness.app.huika.app.get<DevSmsProvider>(SMS_PROVIDER);
    const send = (phone: string) => request({ method: 'POST', url: '/api/auth/sms/send', payload: { phone } });
    const verify = (phone: string, code: string) =>
      request({ method: 'POST', url: '/api/auth/sms/verify', payload: { phone, code } });
    const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    it('sends a 6-digit code, stored hashed, at most once a minute, valid five minutes', async () => {
      const phone = newPhone();
      const sent = await send(phone);
      expect(sent).toMatchObject({ status: 200, body: { expiresInSeconds: 300, resendInSeconds: 60 } });
      const code = sms().lastCodeFor(phone) ?? '';
      expect(code).toMatch(/^\d{6}$/);
      const stored = (await dataSource().query('SELECT code_hash FROM sms_codes')) as { code_hash: string }[];
      expect(stored.map((row) => row.code_hash)).not.toContain(code);

      const tooSoon = await send(phone);
      expect(tooSoon).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
      expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);

      await clock.setNow(clock.now() + 61_000);
      expect((await send(phone)).status).toBe(200);
      const fresh = sms().lastCodeFor(phone) ?? '';
      // The first code was replaced by the second.
      if (fresh !== code) expect((await verify(phone, code)).status).toBe(401);
      await clock.setNow(clock.now() + 5 * 60_000 + 1000);
      expect(await verify(phone, fresh)).toMatchObject({ status: 401, body: { code: 'SMS_CODE_INVALID' } });
      await clock.reset();
    });

    it('burns a code after 5 wrong tries', async () => {
      const phone = newPhone();
      await send(phone);
      const code = sms().lastCodeFor(phone) ?? '';
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        const wrong = await verify(phone, wrongCode(code));
        expect(wrong).toMatchObject({
          status: 401,
          body: { code: 'SMS_CODE_INVALID', details: { attemptsLeft: 5 - attempt } },
        });
      }
      expect(await verify(phone, code)).toMatchObject({ status: 401, body: { code: 'SMS_CODE_INVALID' } });
    });

    it('logs in a phone identity that joins with that same phone only, and resolves it afterwards', async () => {
      const phone = newPhone();
      await send(phone);
      const login = await verify(phone, sms().lastCodeFor(phone) ?? '');
      expect(login).toMatchObject({ status: 200, body: { memberId: null } });
      const token = (login.body as { token: string }).token;
      // Spent: the same code does not log in twice.
      expect((await verify(phone, sms().lastCodeFor(phone) ?? '')).status).toBe(401);

      const otherPhone = await joinRequest(harness.app, token, { phone: newPhone() });
      expect(otherPhone).toMatchObject({ status: 403, body: { code: 'PHONE_MISMATCH' } });
      const joined = await joinRequest(harness.app, token, { phone });
      expect(joined.status).toBe(201);
      const memberId = (joined.body as { id: string }).id;
      expect(
        await scalar(dataSource(), "SELECT COUNT(*) FROM member_joins WHERE member_id = ? AND channel = 'h5'", [
          memberId,
        ]),
      ).toBe(1);
      // The login token (no member id in it) resolves through the phone identity.
      expect(await request({ method: 'GET', url: '/api/me', headers: bearer(token) })).toMatchObject({
        status: 200,
        body: { id: memberId },
      });
      await clock.setNow(clock.now() + 61_000);
      await send(phone);
      const again = await verify(phone, sms().lastCodeFor(phone) ?? '');
      expect(again).toMatchObject({ status: 200, body: { memberId } });
      await clock.reset();
    });

    it('answers 503 for SMS and WeChat login when neither is configured (no dev mode)', async () => {
      const production = await startTestApp(harness.db.config, { dev: false });
      try {
        const sent = await production.request({
          method: 'POST',
          url: '/api/auth/sms/send',
          payload: { phone: newPhone() },
        });
        expect(sent).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
        expect((sent.body as { message: string }).message).toContain('SMS');
        const verified = await production.request({
          method: 'POST',
          url: '/api/auth/sms/verify',
          payload: { phone: newPhone(), code: '123456' },
        });
        expect(verified).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
        const wechat = await production.request({ method: 'POST', url: '/api/auth/wechat', payload: { code: 'abc' } });
        expect(wechat).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
        expect((wechat.body as { message: string }).message).toContain('HUIKA_WECHAT_APPID');
      } finally {
        await production.close();
      }
    });
  });

  describe('profile and privacy', () => {
    it('lets the member change the name and set the birthday once; headquarters corrects it, audited', async () => {
      const member = await joinedMember(harness);
      const headers = bearer(member.token);
      const renamed = await request({ method: 'PATCH', url: '/api/me', headers, payload: { name: '韩梅梅' } });
      expect(renamed).toMatchObject({ status: 200, body: { name: '韩梅梅' } });
      const locked = await request({ method: 'PATCH', url: '/api/me', headers, payload: { birthday: '1991-01-01' } });
      expect(locked).toMatchObject({ status: 409, body: { code: 'BIRTHDAY_LOCKED' } });
      expect((await request({ method: 'PATCH', url: '/api/me', headers, payload: {} })).status).toBe(400);

      const plain = await insertMember(dataSource());
      const plainHeaders = bearer(await memberToken(harness.app, plain));
      expect(
        (await request({ method: 'PATCH', url: '/api/me', headers: plainHeaders, payload: { birthday: '1995-08-08' } }))
          .status,
      ).toBe(200);
      expect(
        await request({ method: 'PATCH', url: '/api/me', headers: plainHeaders, payload: { birthday: '1995-08-09' } }),
      ).toMatchObject({ status: 409, body: { code: 'BIRTHDAY_LOCKED' } });

      const byManager = await request({
        method: 'PATCH',
        url: `/api/admin/members/${member.id}`,
        headers: await staffHeaders(harness.app, 'manager'),
        payload: { birthday: '1991-01-01' },
      });
      expect(byManager).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
      const corrected = await request({
        method: 'PATCH',
        url: `/api/admin/members/${member.id}`,
        headers: await staffHeaders(harness.app, 'admin'),
        payload: { birthday: '1991-01-01' },
      });
      expect(corrected).toMatchObject({ status: 200, body: { id: member.id, birthday: '1991-01-01', name: '韩梅梅' } });
      const audit = (await dataSource().query(
        "SELECT actor_kind, `after` FROM audit_log WHERE action = 'member.update' AND target_id = ? ORDER BY id",
        [member.id],
      )) as { actor_kind: string; after: string }[];
      expect(audit.map((row) => row.actor_kind)).toEqual(['member', 'staff']);
      expect(JSON.parse(audit[1]?.after ?? '{}')).toMatchObject({ birthday: '1991-01-01' });
      const byCashier = await request({
        method: 'PATCH',
        url: `/api/admin/members/${member.id}`,
        headers: await staffHeaders(harness.app, 'cashier'),
        payload: { name: 'x' },
      });
      expect(byCashier.status).toBe(403);
      const missing = await request({
        method: 'PATCH',
        url: '/api/admin/members/01JZZZZZZZZZZZZZZZZZZZZZZZ',
        headers: await staffHeaders(harness.app, 'admin'),
        payload: { name: 'x' },
      });
      expect(missing).toMatchObject({ status: 404, body: { code: 'MEMBER_NOT_FOUND' } });
    });

    it("takes 'today' for a birthday from the program's time zone, at joining and in the profile", async () => {
      // 01:30 on 11 March in Shanghai, still 10 March in UTC: a birthday of the 11th is today, not the future.
      await clock.setNow(Date.parse('2027-03-10T17:30:00Z'));
      try {
        const login = await wechatLogin(harness);
        const joined = await joinRequest(harness.app, login.token, { birthday: '2027-03-11' });
        expect(joined.status).toBe(201);
        const plain = await insertMember(dataSource());
        const headers = bearer(await memberToken(harness.app, plain));
        const set = await request({ method: 'PATCH', url: '/api/me', headers, payload: { birthday: '2027-03-11' } });
        expect(set).toMatchObject({ status: 200, body: { birthday: '2027-03-11' } });
        const other = bearer(await memberToken(harness.app, await insertMember(dataSource())));
        const tomorrow = await request({
          method: 'PATCH',
          url: '/api/me',
          headers: other,
          payload: { birthday: '2027-03-12' },
        });
        expect(tomorrow).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      } finally {
        await clock.reset();
      }
    });

    it("lets a store manager correct only the name of their own store's members; the birthday only headquarters, audited", async () => {
      const admin = await staffHeaders(harness.app, 'admin');
      const manager = await staffHeaders(harness.app, 'manager');
      await insertStore(dataSource(), { id: '01STORE7770000000000000000', code: 'S777' });
      const scene = async (targetId: string) => {
        const created = await request({
          method: 'POST',
          url: '/api/admin/scenes',
          headers: admin,
          payload: { kind: 'store', targetId },
        });
        expect(created.status).toBe(201);
        return (created.body as { code: string }).code;
      };
      const ours = await joinedMember(harness, { scene: await scene('S001'), birthday: '1990-05-17' });
      const theirs = await joinedMember(harness, { scene: await scene('S777'), birthday: '1990-05-17' });
      const edit = (id: string, headers: Record<string, string>, payload: Record<string, string>) =>
        request({ method: 'PATCH', url: `/api/admin/members/${id}`, headers, payload });
      const profile = async (id: string) =>
        (
          (await dataSource().query('SELECT name, birthday FROM members WHERE id = ?', [id])) as {
            name: string;
            birthday: string;
          }[]
        )[0];
      const audits = (id: string) =>
        scalar(dataSource(), "SELECT COUNT(*) FROM audit_log WHERE action = 'member.update' AND target_id = ?", [id]);

      // Another store's member: refused, nothing changed, nothing audited.
      expect(await edit(theirs.id, manager, { name: '李四' })).toMatchObject({
        status: 403,
        body: { code: 'FORBIDDEN' },
      });
      expect(await edit(theirs.id, manager, { birthday: '1990-06-01' })).toMatchObject({
        status: 403,
        body: { code: 'FORBIDDEN' },
      });
      expect(await profile(theirs.id)).toEqual({ name: '王小明', birthday: '1990-05-17' });
      expect(await audits(theirs.id)).toBe(0);

      // Their own store's member: the name, never the birthday (it moves the birthday multiplier).
      expect(await edit(ours.id, manager, { birthday: '1990-06-01' })).toMatchObject({
        status: 403,
        body: { code: 'FORBIDDEN' },
      });
      expect(await edit(ours.id, manager, { name: '张三', birthday: '1990-06-01' })).toMatchObject({ status: 403 });
      expect(await profile(ours.id)).toEqual({ name: '王小明', birthday: '1990-05-17' });
      expect(await edit(ours.id, manager, { name: '张三' })).toMatchObject({
        status: 200,
        body: { name: '张三', birthday: '1990-05-17' },
      });
      expect(await edit(ours.id, manager, { name: '张三', birthday: '1990-05-17' })).toMatchObject({ status: 200 });

      // Headquarters changes any member's birthday, audited with before and after.
      expect(await edit(theirs.id, admin, { birthday: '1990-06-01' })).toMatchObject({
        status: 200,
        body: { birthday: '1990-06-01' },
      });
      expect(await profile(theirs.id)).toEqual({ name: '王小明', birthday: '1990-06-01' });
      const audit = (await dataSource().query(
        "SELECT actor_kind, `before`, `after` FROM audit_log WHERE action = 'member.update' AND target_id = ?",
        [theirs.id],
      )) as { actor_kind: string; before: string; after: string }[];
      expect(audit).toHaveLength(1);
      expect(audit[0]?.actor_kind).toBe('staff');
      expect(JSON.parse(audit[0]?.before ?? '{}')).toEqual({ name: '王小明', birthday: '1990-05-17' });
      expect(JSON.parse(audit[0]?.after ?? '{}')).toEqual({ name: '王小明', birthday: '1990-06-01' });
    });

    it("exports the member's data, and closes the account: data erased, ledger kept, tokens dead", async () => {
      await patchProgram(dataSource(), (program) => {
        program.earning.joinGiftPoints = 20;
      });
      const member = await joinedMember(harness, { deviceId: 'device-export' });
      await patchProgram(dataSource(), (program) => {
        program.earning.joinGiftPoints = 0;
      });
      const headers = bearer(member.token);
      const exported = await request({ method: 'GET', url: '/api/me/export', headers });
      expect(exported).toMatchObject({
        status: 200,
        body: {
          profile: { id: member.id, phone: member.phone, name: '王小明', birthday: '1990-05-17', wechatLinked: true },
          consent: { version: '2026-01' },
          join: { channel: 'wechat' },
          pointsEntries: [{ kind: 'earn', points: 20, refType: 'join' }],
          referrals: { invitedBy: null, invited: [] },
        },
      });

      expect((await request({ method: 'DELETE', url: '/api/me', headers, payload: {} })).status).toBe(400);
      const closed = await request({ method: 'DELETE', url: '/api/me', headers, payload: { confirm: true } });
      expect(closed.status).toBe(204);
      expect(await request({ method: 'GET', url: '/api/me', headers })).toMatchObject({
        status: 401,
        body: { code: 'SESSION_ENDED' },
      });
      expect((await request({ method: 'GET', url: '/api/me/card-code', headers })).status).toBe(401);
      const row = (
        (await dataSource().query(
          'SELECT name, phone_hash, phone_enc, phone_last4, openid, unionid, birthday, status, points_balance FROM members WHERE id = ?',
          [member.id],
        )) as Record<string, unknown>[]
      )[0];
      expect(row).toMatchObject({
        name: '已注销会员',
        phone_hash: null,
        phone_enc: null,
        phone_last4: null,
        openid: null,
        unionid: null,
        birthday: null,
        status: 'closed',
      });
      expect(Number(row?.points_balance)).toBe(20);
      expect(
        await scalar(dataSource(), 'SELECT COUNT(*) FROM point_entries WHERE member_id = ?', [member.id]),
      ).toBeGreaterThan(0);
      expect(
        await scalar(dataSource(), "SELECT COUNT(*) FROM audit_log WHERE action = 'member.close' AND target_id = ?", [
          member.id,
        ]),
      ).toBe(1);
      // The person may join again, as a new member with the same phone and WeChat account.
      const login = await wechatLogin(harness, member.openid);
      expect(login.memberId).toBeNull();
      const rejoined = await joinRequest(harness.app, login.token, { phone: member.phone });
      expect(rejoined.status).toBe(201);
      expect((rejoined.body as { id: string }).id).not.toBe(member.id);
    });
  });
});
