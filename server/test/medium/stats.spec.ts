import type { StatsSummaryResponse } from '@huika/shared';
import type { z } from 'zod';
import { Clock } from '../../src/common/clock';
import { scannedCheckoutToken, staffToken, storeIdOf } from './fixtures';
import { bearer, joinedMember, startMembershipApp, type JoinedMember, type MembershipHarness } from './members.helpers';
import { TEST_DB, type TestApp } from './test-app';

jest.setTimeout(180_000);

type Summary = z.output<typeof StatsSummaryResponse>;

interface Line {
  sku: string;
  name: string;
  unitPriceFen: number;
  quantity: number;
}

/** Times in Asia/Shanghai, the demo program's zone. 00:30 on the 15th there is still the 14th in UTC. */
const LAST_MONTH = Date.parse('2026-02-28T23:30:00+08:00');
const YESTERDAY = Date.parse('2026-03-14T10:00:00+08:00');
const TODAY = Date.parse('2026-03-15T00:30:00+08:00');

describe(`the console's overview on ${TEST_DB}`, () => {
  let harness: MembershipHarness;
  let app: TestApp;
  let clock: Clock;
  let admin: Record<string, string>;
  let manager: Record<string, string>;
  let home: { id: string; cashier: string };
  let other: { id: string; cashier: string };
  let receipt = 0;

  const summary = (headers: Record<string, string> | undefined, storeId?: string) =>
    app.request({
      method: 'GET',
      url: `/api/admin/stats/summary${storeId === undefined ? '' : `?storeId=${encodeURIComponent(storeId)}`}`,
      headers,
    });

  async function summaryOf(headers: Record<string, string>, storeId?: string): Promise<Summary> {
    const response = await summary(headers, storeId);
    expect(response.status).toBe(200);
    return response.body as Summary;
  }

  async function post(url: string, payload: unknown, headers = admin) {
    const response = await app.request({ method: 'POST', url, headers, payload });
    if (response.status !== 201) throw new Error(`${url}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Record<string, unknown>;
  }

  async function couponOf(member: JoinedMember): Promise<string> {
    const wallet = await app.request({ method: 'GET', url: '/api/me/coupons', headers: bearer(member.token) });
    const id = (wallet.body as { items: { id: string }[] }).items[0]?.id;
    if (!id) throw new Error('the member has no coupon');
    return id;
  }

  async function buy(
    store: { id: string; cashier: string },
    member: JoinedMember,
    lines: Line[],
    extra: { couponIds?: string[]; pointsToUse?: number } = {},
  ): Promise<{ id: string; totals: { payableFen: number }; pointsEarned: number }> {
    receipt += 1;
    const body = await post(
      '/api/pos/purchases',
      {
        checkoutToken: await scannedCheckoutToken(app, store.cashier, member),
        storeId: store.id,
        receiptNo: `ST-${receipt}`,
        lines,
        ...extra,
      },
      { ...bearer(store.cashier), 'idempotency-key': `stats-${receipt}` },
    );
    return body as { id: string; totals: { payableFen: number }; pointsEarned: number };
  }

  const refundLine = (store: { cashier: string }, purchaseId: string, sku: string) =>
    post(
      `/api/pos/purchases/${purchaseId}/refunds`,
      { lines: [{ sku, quantity: 1 }] },
      { ...bearer(store.cashier), 'idempotency-key': `stats-refund-${purchaseId}-${sku}` },
    );

  const zeroDay = (date: string) => ({ date, newMembers: 0, purchases: 0, salesFen: 0 });

  beforeAll(async () => {
    harness = await startMembershipApp();
    app = harness.app;
    clock = app.huika.app.get(Clock);
    admin = bearer(await staffToken(app, 'admin'));
    manager = bearer(await staffToken(app, 'manager'));
    home = { id: await storeIdOf(app.huika.dataSource, 'S001'), cashier: await staffToken(app, 'cashier') };
    const store = await post('/api/admin/stores', { code: 'S002', name: '二店' });
    await post('/api/admin/staff', {
      username: 'cashier-s002',
      password: 'cashier-s002-password',
      displayName: '二店收银',
      role: 'cashier',
      storeId: store.id,
    });
    other = { id: String(store.id), cashier: await staffToken(app, 'cashier-s002') };
    await post('/api/admin/scenes', { kind: 'store', targetId: 'S001', code: 'poster-s001' });
    await post('/api/admin/scenes', { kind: 'store', targetId: 'S002', code: 'poster-s002' });

    // Last month, at the second store: in the chart, not in this month.
    await clock.setNow(LAST_MONTH);
    const m0 = await joinedMember(harness, { scene: 'poster-s002' });
    await buy(other, m0, [{ sku: 'A', name: '衬衫', unitPriceFen: 3000, quantity: 1 }]);

    // Yesterday: two joins at the home store, one at the other; three purchases, one with the join gift's coupon.
    await clock.setNow(YESTERDAY);
    const m1 = await joinedMember(harness, { scene: 'poster-s001' });
    const m2 = await joinedMember(harness, { scene: 'poster-s001' });
    const m3 = await joinedMember(harness, { scene: 'poster-s002' });
    const withCoupon = await buy(home, m1, [{ sku: 'A', name: '外套', unitPriceFen: 12000, quantity: 1 }], {
      couponIds: [await couponOf(m1)],
    });
    expect(withCoupon).toMatchObject({ totals: { payableFen: 11000 }, pointsEarned: 110 });
    const twoLines = await buy(home, m2, [
      { sku: 'A', name: '裤子', unitPriceFen: 6000, quantity: 1 },
      { sku: 'B', name: '袜子', unitPriceFen: 2000, quantity: 1 },
    ]);
    const atOther = await buy(other, m3, [
      { sku: 'A', name: '大衣', unitPriceFen: 15000, quantity: 1 },
      { sku: 'B', name: '围巾', unitPriceFen: 5000, quantity: 1 },
    ]);

    // Today, half an hour after midnight in Shanghai: a join at the other store and one without a scene, a purchase
    // paid partly with points, and a refund of one line of yesterday's purchase at each store.
    await clock.setNow(TODAY);
    await joinedMember(harness, { scene: 'poster-s002' });
    await joinedMember(harness);
    const withPoints = await buy(home, m2, [{ sku: 'C', name: '帽子', unitPriceFen: 5000, quantity: 1 }], {
      pointsToUse: 80,
    });
    expect(withPoints).toMatchObject({ totals: { payableFen: 4920 }, pointsEarned: 49 });
    await refundLine(home, twoLines.id, 'B');
    await refundLine(other, atOther.id, 'B');
  });

  afterAll(async () => {
    await clock.reset();
    await harness.close();
  });

  it("gives headquarters every store's figures by the program's calendar days", async () => {
    const body = await summaryOf(admin);
    expect(body).toMatchObject({ timeZone: 'Asia/Shanghai', storeId: null });
    expect(Date.parse(body.generatedAt)).toBeGreaterThanOrEqual(TODAY);
    expect(body.today).toEqual({
      newMembers: 2,
      purchases: 1,
      // 49.20 paid today, 20.00 and 50.00 refunded today on yesterday's purchases.
      salesFen: 4920 - 2000 - 5000,
      pointsIssued: 49,
      pointsSpent: 80,
      couponsUsed: 0,
    });
    expect(body.thisMonth).toEqual({
      newMembers: 5,
      purchases: 4,
      salesFen: 11000 + 8000 + 20000 + 4920 - 2000 - 5000,
      pointsIssued: 110 + 80 + 200 + 49,
      pointsSpent: 80,
      couponsUsed: 1,
    });
    expect(body.daily).toHaveLength(30);
    expect(body.daily[0]?.date).toBe('2026-02-14');
    expect(body.daily.at(-1)?.date).toBe('2026-03-15');
    const active = body.daily.filter((day) => day.newMembers || day.purchases || day.salesFen);
    expect(active).toEqual([
      { date: '2026-02-28', newMembers: 1, purchases: 1, salesFen: 3000 },
      { date: '2026-03-14', newMembers: 3, purchases: 3, salesFen: 39000 },
      { date: '2026-03-15', newMembers: 2, purchases: 1, salesFen: -2080 },
    ]);
    expect(body.daily[1]).toEqual(zeroDay('2026-02-15'));
  });

  it('gives headquarters one store when asked', async () => {
    const body = await summaryOf(admin, other.id);
    expect(body.storeId).toBe(other.id);
    expect(body.today).toEqual({
      newMembers: 1,
      purchases: 0,
      salesFen: -5000,
      pointsIssued: 0,
      pointsSpent: 0,
      couponsUsed: 0,
    });
    expect(body.thisMonth).toEqual({
      newMembers: 2,
      purchases: 1,
      salesFen: 15000,
      pointsIssued: 200,
      pointsSpent: 0,
      couponsUsed: 0,
    });
    expect(body.daily.find((day) => day.date === '2026-02-28')).toEqual({
      date: '2026-02-28',
      newMembers: 1,
      purchases: 1,
      salesFen: 3000,
    });
    expect((await summaryOf(admin, 'NO-SUCH-STORE')).thisMonth.purchases).toBe(0);
  });

  it("gives a store manager their own store's figures only", async () => {
    const body = await summaryOf(manager);
    expect(body.storeId).toBe(home.id);
    expect(body.today).toEqual({
      newMembers: 0,
      purchases: 1,
      salesFen: 4920 - 2000,
      pointsIssued: 49,
      pointsSpent: 80,
      couponsUsed: 0,
    });
    expect(body.thisMonth).toEqual({
      newMembers: 2,
      purchases: 3,
      salesFen: 11000 + 8000 + 4920 - 2000,
      pointsIssued: 110 + 80 + 49,
      pointsSpent: 80,
      couponsUsed: 1,
    });
    expect(body.daily.find((day) => day.date === '2026-02-28')).toEqual(zeroDay('2026-02-28'));
    expect(body.daily.filter((day) => day.purchases > 0).map((day) => day.date)).toEqual(['2026-03-14', '2026-03-15']);
    expect(await summaryOf(manager, home.id)).toMatchObject({ storeId: home.id, thisMonth: body.thisMonth });
  });

  it('refuses a manager asking for another store, a cashier, and a caller without a token', async () => {
    expect(await summary(manager, other.id)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await summary(bearer(home.cashier))).status).toBe(403);
    expect((await summary(undefined)).status).toBe(401);
  });

  it('no longer counts the coupon of a purchase a full refund gave it back from', async () => {
    const before = await summaryOf(manager);
    const withCoupon = (
      (await app.huika.dataSource.query(
        "SELECT p.id FROM purchases p JOIN coupons c ON c.purchase_id = p.id WHERE c.status = 'used'",
      )) as { id: string }[]
    )[0];
    await post(
      `/api/pos/purchases/${withCoupon?.id}/refunds`,
      { all: true },
      { ...bearer(home.cashier), 'idempotency-key': 'stats-refund-all' },
    );
    const after = await summaryOf(manager);
    expect(after.thisMonth).toEqual({
      ...before.thisMonth,
      salesFen: before.thisMonth.salesFen - 11000,
      couponsUsed: 0,
    });
    expect(after.today.salesFen).toBe(before.today.salesFen - 11000);
  });
});
