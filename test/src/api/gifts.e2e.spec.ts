import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { ApiClient } from '../harness/client';
import { TEST_DB } from '../harness/database';
import { type RunningServer, startServer } from '../harness/server';

jest.setTimeout(120_000);

/** Spending points end to end through the typed client: every answer matches its contract. */
describe(`gifts and activities over HTTP, on ${TEST_DB}`, () => {
  let server: RunningServer;
  let api: ApiClient;
  let admin: string;
  let cashier: string;
  let member: { token: string; memberId: string };

  beforeAll(async () => {
    server = await startServer();
    api = new ApiClient(server.baseUrl);
    const adminLogin = await api.call('staffLogin', { body: { username: 'admin', password: 'admin-password' } });
    const cashierLogin = await api.call('staffLogin', { body: { username: 'cashier', password: 'huika-demo' } });
    if (!adminLogin.ok || !cashierLogin.ok) throw new Error('staff login failed');
    admin = adminLogin.body.token;
    cashier = cashierLogin.body.token;
    // June: inside the quarter-end exchange window.
    await api.call('devClockSet', { body: { now: '2026-06-10T12:00:00+08:00' } });
    const login = await api.call('devLogin', { body: { openid: `o-gifts-${Date.now().toString(36)}` } });
    if (!login.ok) throw new Error('dev login failed');
    const joined = await api.call('joinMember', {
      token: login.body.token,
      body: {
        name: '李四',
        birthday: '1990-05-06',
        phone: `139${String(Date.now()).slice(-8)}`,
        consentVersion: '2026-01',
      },
    });
    if (!joined.ok) throw new Error(`join failed: ${JSON.stringify(joined.body)}`);
    member = { token: login.body.token, memberId: joined.body.id };
    const points = await api.call('adjustPoints', {
      token: admin,
      params: { id: member.memberId },
      idempotencyKey: 'e2e-fund',
      body: { points: 1000, reason: '活动积分' },
    });
    expect(points.ok).toBe(true);
  });

  afterAll(async () => {
    await api.call('devClockReset');
    await server.stop();
    await server.database.drop();
  });

  it('catalog -> redemption -> pickup QR -> the cashier hands it over once -> a quality exchange', async () => {
    const gift = await api.call('createGift', {
      token: admin,
      body: { name: '帆布袋', pointsPrice: 300, stock: 5, perMemberLimit: 2, window: { kind: 'lastMonthOfQuarter' } },
    });
    if (!gift.ok) throw new Error(`create gift: ${JSON.stringify(gift.body)}`);

    const catalog = await api.call('giftCatalog', { token: member.token, query: { limit: 100 } });
    expect(catalog.ok && catalog.body.items.find((item) => item.id === gift.body.id)).toMatchObject({
      redeemable: true,
      stock: 5,
    });

    const redeemed = await api.call('redeemGift', {
      token: member.token,
      params: { id: gift.body.id },
      idempotencyKey: 'e2e-redeem-1',
      body: { quantity: 2 },
    });
    if (!redeemed.ok) throw new Error(`redeem: ${JSON.stringify(redeemed.body)}`);
    expect(redeemed).toMatchObject({ status: 201, body: { pointsSpent: 600, pointsBalance: 400, quantity: 2 } });
    const limited = await api.call('redeemGift', {
      token: member.token,
      params: { id: gift.body.id },
      idempotencyKey: 'e2e-redeem-2',
      body: { quantity: 1 },
    });
    expect(limited).toMatchObject({ ok: false, status: 409, body: { code: 'LIMIT_REACHED' } });

    const qr = await fetch(`${server.baseUrl}/api/me/redemptions/${redeemed.body.id}/qr.png`, {
      headers: { authorization: `Bearer ${member.token}` },
    });
    const png = PNG.sync.read(Buffer.from(await qr.arrayBuffer()));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(redeemed.body.pickupCode);

    const collected = await api.call('collectPickup', {
      token: cashier,
      body: { pickupCode: redeemed.body.pickupCode },
    });
    expect(collected).toMatchObject({ ok: true, status: 200, body: { id: redeemed.body.id, status: 'collected' } });
    const again = await api.call('collectPickup', { token: cashier, body: { pickupCode: redeemed.body.pickupCode } });
    expect(again).toMatchObject({ ok: false, status: 409, body: { code: 'ALREADY_COLLECTED' } });

    const exchanged = await api.call('exchangePickup', {
      token: cashier,
      params: { id: redeemed.body.id },
      body: { reason: '线头脱落' },
    });
    expect(exchanged).toMatchObject({ ok: true, status: 201, body: { redemption: { status: 'exchanged' } } });

    const mine = await api.call('myRedemptions', { token: member.token, query: { limit: 10 } });
    expect(mine.ok && mine.body.items.map((item) => item.status)).toEqual(['exchanged']);
  });

  it('signs up for an activity for points and cancels it before the deadline for the points back', async () => {
    const activity = await api.call('createActivity', {
      token: admin,
      body: {
        name: '周末插花课',
        startsAt: '2026-06-20T14:00:00+08:00',
        signupDeadline: '2026-06-18T23:59:59+08:00',
        capacity: 10,
        pointsFee: 100,
      },
    });
    if (!activity.ok) throw new Error(`create activity: ${JSON.stringify(activity.body)}`);
    const signup = await api.call('signUpActivity', {
      token: member.token,
      params: { id: activity.body.id },
      idempotencyKey: 'e2e-signup',
    });
    expect(signup).toMatchObject({ ok: true, status: 201, body: { pointsSpent: 100, pointsBalance: 300 } });
    const listed = await api.call('activities', { token: member.token, query: { limit: 10 } });
    expect(listed.ok && listed.body.items.find((item) => item.id === activity.body.id)).toMatchObject({
      signedUp: true,
      canCancel: true,
      seatsLeft: 9,
    });
    const cancelled = await api.call('cancelActivitySignup', {
      token: member.token,
      params: { id: activity.body.id },
      idempotencyKey: 'e2e-cancel',
    });
    expect(cancelled).toMatchObject({ ok: true, status: 200, body: { pointsRefunded: 100, pointsBalance: 400 } });
  });
});
