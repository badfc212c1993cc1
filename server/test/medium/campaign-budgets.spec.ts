import { Clock } from '../../src/common/clock';
import { ReconcileService } from '../../src/modules/ledger/reconcile.service';
import { insertMember, scalar, scannedCheckoutToken, startTillApp, stopTillApp } from './fixtures';
import { TEST_DB, type TestApp, type TestDatabase } from './test-app';

jest.setTimeout(180_000);

interface Line {
  sku: string;
  name: string;
  unitPriceFen: number;
  quantity: number;
}

interface PurchaseBody {
  id: string;
  pointsEarned: number;
  totals: { discountFen: number };
}

/**
 * Campaign budgets (DOMAIN §8, `CampaignBody.budgetCap`): a discount campaign spends the fen it takes off, a
 * points campaign the extra points it gives; never more than the cap, and refunds give their share back.
 */
describe(`campaign budgets on ${TEST_DB}`, () => {
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
  const shirts = (quantity: number, unitPriceFen = 5000): Line[] => [
    { sku: 'A', name: '衬衫', unitPriceFen, quantity },
  ];

  /** A campaign for one day (no member day: a 普通 member pays the full price and earns 1 point per ¥1). */
  async function campaign(day: string, body: Record<string, unknown>): Promise<string> {
    const created = await app.request({
      method: 'POST',
      url: '/api/admin/campaigns',
      headers: auth(admin),
      payload: { name: `活动${day}`, startsAt: `${day}T00:00:00+08:00`, endsAt: `${day}T23:59:59+08:00`, ...body },
    });
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  }

  async function buy(member: { id: string; openid: string }, lines: Line[], checkoutToken?: string) {
    const token = checkoutToken ?? (await scannedCheckoutToken(app, cashier, member));
    receipt += 1;
    return app.request({
      method: 'POST',
      url: '/api/pos/purchases',
      headers: { ...auth(cashier), 'idempotency-key': `budget-${receipt}` },
      payload: { checkoutToken: token, storeId, receiptNo: `B${receipt}`, lines },
    });
  }

  async function bought(member: { id: string; openid: string }, lines: Line[]): Promise<PurchaseBody> {
    const response = await buy(member, lines);
    expect(response.status).toBe(201);
    return response.body as PurchaseBody;
  }

  const refund = (purchaseId: string, body: unknown) =>
    app.request({
      method: 'POST',
      url: `/api/pos/purchases/${purchaseId}/refunds`,
      headers: { ...auth(admin), 'idempotency-key': `budget-refund-${Math.random()}` },
      payload: body,
    });

  const used = (campaignId: string) =>
    scalar(app.huika.dataSource, 'SELECT budget_used FROM campaigns WHERE id = ?', [campaignId]);
  /** What the purchases' spends of the campaign add up to, less what refunds gave back: always `budget_used`. */
  const spent = (campaignId: string) =>
    scalar(
      app.huika.dataSource,
      'SELECT COALESCE(SUM(amount - returned), 0) FROM campaign_budget_spends WHERE campaign_id = ?',
      [campaignId],
    );

  async function expectBooksBalanced() {
    expect((await app.huika.app.get(ReconcileService).run()).differences).toEqual([]);
  }

  it('a capped double-points campaign spends the extra points it gives, gives what is left, then nothing', async () => {
    await clock.setNow(Date.parse('2026-12-03T10:00:00+08:00'));
    const id = await campaign('2026-12-03', { kind: 'doublePoints', pointsMultiplier: 2, budgetCap: 150 });
    const member = await insertMember(app.huika.dataSource);
    // ¥100: 100 points, 100 more from the campaign.
    expect((await bought(member, shirts(2))).pointsEarned).toBe(200);
    expect(await used(id)).toBe(100);
    // 50 left: the campaign gives those 50 on top of the 100.
    expect((await bought(member, shirts(2))).pointsEarned).toBe(150);
    expect(await used(id)).toBe(150);
    // Spent: the campaign runs no more.
    expect((await bought(member, shirts(2))).pointsEarned).toBe(100);
    expect(await used(id)).toBe(150);
    expect(await spent(id)).toBe(150);
    await expectBooksBalanced();
  });

  it('a refund gives back the campaign share of the points it reverses, all of it on a full refund', async () => {
    await clock.setNow(Date.parse('2026-12-04T10:00:00+08:00'));
    const id = await campaign('2026-12-04', { kind: 'doublePoints', pointsMultiplier: 2, budgetCap: 1000 });
    const member = await insertMember(app.huika.dataSource);
    // 4 × ¥25 = ¥100: 200 points, 100 of them the campaign's.
    const purchase = await bought(member, shirts(4, 2500));
    expect(purchase.pointsEarned).toBe(200);
    expect(await used(id)).toBe(100);
    const partial = await refund(purchase.id, { lines: [{ sku: 'A', quantity: 1 }] });
    expect(partial).toMatchObject({ status: 201, body: { pointsReversed: 50 } });
    // 50 of the 200 points reversed: a quarter of the campaign's 100 comes back.
    expect(await used(id)).toBe(75);
    expect(await refund(purchase.id, { all: true })).toMatchObject({ status: 201, body: { pointsReversed: 150 } });
    expect(await used(id)).toBe(0);
    expect(await spent(id)).toBe(0);
    await expectBooksBalanced();
  });

  it('a refund gives a discount campaign back the discount of the units refunded', async () => {
    await clock.setNow(Date.parse('2026-12-05T10:00:00+08:00'));
    const id = await campaign('2026-12-05', { kind: 'discount', discountPercent: 90, budgetCap: 100_000 });
    const member = await insertMember(app.huika.dataSource);
    const purchase = await bought(member, shirts(3, 10000));
    expect(purchase.totals.discountFen).toBe(3000);
    expect(await used(id)).toBe(3000);
    expect((await refund(purchase.id, { lines: [{ sku: 'A', quantity: 1 }] })).status).toBe(201);
    expect(await used(id)).toBe(2000);
    expect((await refund(purchase.id, { all: true })).status).toBe(201);
    expect(await used(id)).toBe(0);
    expect(await spent(id)).toBe(0);
    await expectBooksBalanced();
  });

  it('10 concurrent purchases never give more extra points than the cap', async () => {
    await clock.setNow(Date.parse('2026-12-07T10:00:00+08:00'));
    const id = await campaign('2026-12-07', { kind: 'doublePoints', pointsMultiplier: 2, budgetCap: 250 });
    const members = await Promise.all(Array.from({ length: 10 }, () => insertMember(app.huika.dataSource)));
    const tokens: string[] = [];
    for (const member of members) tokens.push(await scannedCheckoutToken(app, cashier, member));
    const responses = await Promise.all(members.map((member, i) => buy(member, shirts(2), tokens[i])));
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 201));
    const earned = responses.map((r) => (r.body as PurchaseBody).pointsEarned);
    // Each earns its own 100; the campaign gives 250 in all: two purchases 100 more, one 50, the rest nothing.
    expect(earned.reduce((a, b) => a + b, 0)).toBe(10 * 100 + 250);
    expect(earned.every((points) => points >= 100 && points <= 200)).toBe(true);
    expect(await used(id)).toBe(250);
    expect(await spent(id)).toBe(250);
    await expectBooksBalanced();
  });
});
