import { Clock } from '../../src/common/clock';
import { insertMember, scalar, scannedCheckoutToken, startTillApp, stopTillApp } from './fixtures';
import { patchProgram } from './members.helpers';
import { TEST_DB, type TestApp, type TestDatabase } from './test-app';

jest.setTimeout(120_000);

/** Points multipliers are exact (DOMAIN §3): 1.15 on ¥100 earns 115 points, never the 114 of floating point. */
describe(`points multipliers on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;
  let clock: Clock;
  let cashier: string;
  let admin: string;
  let storeId: string;
  let receipt = 0;

  beforeAll(async () => {
    ({ db, app, clock, cashier, admin, storeId } = await startTillApp());
  });

  afterAll(() => stopTillApp({ db, app, clock }));

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  /** A 普通 member (no discount) buys ¥100 of eligible goods; answers the purchase. */
  async function buy100(member: { id: string; openid: string }) {
    const checkoutToken = await scannedCheckoutToken(app, cashier, member);
    receipt += 1;
    return app.request({
      method: 'POST',
      url: '/api/pos/purchases',
      headers: { ...auth(cashier), 'idempotency-key': `mult-${receipt}` },
      payload: {
        checkoutToken,
        storeId,
        receiptNo: `M${receipt}`,
        lines: [{ sku: 'A', name: '衬衫', unitPriceFen: 10000, quantity: 1 }],
      },
    });
  }

  const balanceOf = (memberId: string) =>
    scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [memberId]);

  const campaign = (day: string, pointsMultiplier: number) =>
    app.request({
      method: 'POST',
      url: '/api/admin/campaigns',
      headers: auth(admin),
      payload: {
        name: `${pointsMultiplier} 倍积分`,
        kind: 'doublePoints',
        pointsMultiplier,
        startsAt: `${day}T00:00:00+08:00`,
        endsAt: `${day}T23:59:59+08:00`,
      },
    });

  it('a purchase under a 1.15 campaign multiplier earns exactly 115 points on ¥100', async () => {
    // The 3rd is no member day: the 普通 member pays the full ¥100.
    await clock.setNow(Date.parse('2026-12-03T12:00:00+08:00'));
    const created = await campaign('2026-12-03', 1.15);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ pointsMultiplier: 1.15 });
    const member = await insertMember(app.huika.dataSource);
    const purchase = await buy100(member);
    expect([purchase.status, (purchase.body as { pointsEarned: number }).pointsEarned]).toEqual([201, 115]);
    expect(await balanceOf(member.id)).toBe(115);
  });

  it('refuses a campaign multiplier with three decimals with VALIDATION_FAILED naming the field', async () => {
    const refused = await campaign('2026-12-05', 1.155);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ path: 'body.pointsMultiplier' }] },
    });
    expect(await scalar(app.huika.dataSource, "SELECT COUNT(*) FROM campaigns WHERE name = '1.155 倍积分'")).toBe(0);
  });

  it('a purchase under a 1.15 tier multiplier earns exactly 115 points on ¥100', async () => {
    await clock.setNow(Date.parse('2026-12-04T12:00:00+08:00'));
    await patchProgram(app.huika.dataSource, (config) => {
      const normal = config.tiers.ladder.find((t) => t.code === 'normal');
      if (normal) normal.pointsMultiplier = 1.15;
    });
    const member = await insertMember(app.huika.dataSource);
    const purchase = await buy100(member);
    expect([purchase.status, (purchase.body as { pointsEarned: number }).pointsEarned]).toEqual([201, 115]);
  });

  it('a stored program whose multiplier has three decimals still loads, rounded to hundredths', async () => {
    await clock.setNow(Date.parse('2026-12-06T12:00:00+08:00'));
    // Written as older versions could store it, before the two-decimal limit.
    await patchProgram(app.huika.dataSource, (config) => {
      const normal = config.tiers.ladder.find((t) => t.code === 'normal');
      if (normal) normal.pointsMultiplier = 1.154;
    });
    const program = await app.request({ method: 'GET', url: '/api/program' });
    expect(program.status).toBe(200);
    const tiers = (program.body as { tiers: { code: string; pointsMultiplier: number }[] }).tiers;
    expect(tiers.find((t) => t.code === 'normal')?.pointsMultiplier).toBe(1.15);
    const member = await insertMember(app.huika.dataSource);
    const purchase = await buy100(member);
    expect([purchase.status, (purchase.body as { pointsEarned: number }).pointsEarned]).toEqual([201, 115]);
  });
});
