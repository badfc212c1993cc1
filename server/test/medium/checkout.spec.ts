import fc from 'fast-check';
import { Connection } from 'mysql2';
import { Clock } from '../../src/common/clock';
import { hashPassword } from '../../src/common/password';
import { PointsService } from '../../src/modules/ledger/points.service';
import { ReconcileService } from '../../src/modules/ledger/reconcile.service';
import { insertMember, memberToken, scalar, scannedCheckoutToken, staffToken } from './fixtures';
import { patchProgram } from './members.helpers';
import {
  freshDatabase,
  startTestApp,
  TEST_DB,
  TEST_KEYS,
  type TestApp,
  type TestDatabase,
  type TestResponse,
} from './test-app';

jest.setTimeout(180_000);

const DAY = 24 * 60 * 60 * 1000;

interface Line {
  sku: string;
  name: string;
  unitPriceFen: number;
  quantity: number;
  pointsEligible?: boolean;
}

describe(`checkout on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;
  let clock: Clock;
  let cashier: string;
  let storeId: string;
  let receipt = 0;

  beforeAll(async () => {
    db = await freshDatabase();
    app = await startTestApp(db.config);
    clock = app.huika.app.get(Clock);
    cashier = await staffToken(app, 'cashier');
    storeId = String(
      ((await app.huika.dataSource.query("SELECT id FROM stores WHERE code = 'S001'")) as { id: string }[])[0]?.id,
    );
  });

  afterAll(async () => {
    await clock.reset();
    await app.close();
    await db.drop();
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  async function expectBooksBalanced() {
    expect((await app.huika.app.get(ReconcileService).run()).differences).toEqual([]);
  }

  /** The member shows the card's dynamic code; the cashier scans it. */
  async function scan(
    member: { id: string; openid: string },
    staff = cashier,
  ): Promise<{ checkoutToken: string; code: string }> {
    const card = await app.request({
      method: 'GET',
      url: '/api/me/card-code',
      headers: auth(await memberToken(app, member)),
    });
    expect(card.status).toBe(200);
    const code = (card.body as { code: string }).code;
    const scanned = await app.request({
      method: 'POST',
      url: '/api/pos/scan',
      headers: auth(staff),
      payload: { code },
    });
    expect(scanned.status).toBe(200);
    return { checkoutToken: (scanned.body as { checkoutToken: string }).checkoutToken, code };
  }

  async function buy(
    member: { id: string; openid: string },
    lines: Line[],
    options: { key?: string; pointsToUse?: number; checkoutToken?: string; receiptNo?: string; staff?: string } = {},
  ): Promise<TestResponse> {
    const checkoutToken = options.checkoutToken ?? (await scan(member)).checkoutToken;
    return app.request({
      method: 'POST',
      url: '/api/pos/purchases',
      headers: {
        ...auth(options.staff ?? cashier),
        'idempotency-key': options.key ?? `k-${(receipt += 1)}-${Math.random()}`,
      },
      payload: {
        checkoutToken,
        storeId,
        receiptNo: options.receiptNo ?? `R${(receipt += 1)}`,
        lines,
        pointsToUse: options.pointsToUse,
      },
    });
  }

  const refund = (purchaseId: string, body: unknown, key = `rf-${Math.random()}`, staff = cashier) =>
    app.request({
      method: 'POST',
      url: `/api/pos/purchases/${purchaseId}/refunds`,
      headers: { ...auth(staff), 'idempotency-key': key },
      payload: body,
    });

  const balanceOf = (memberId: string) =>
    scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [memberId]);
  const tierOf = async (memberId: string) =>
    String(
      (
        (await app.huika.dataSource.query('SELECT tier_code FROM members WHERE id = ?', [memberId])) as {
          tier_code: string;
        }[]
      )[0]?.tier_code,
    );

  describe("the seed program's rules", () => {
    it('earns 1 point per ¥1 paid; specials earn nothing and get no discount', async () => {
      await clock.setNow(Date.parse('2026-11-03T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource);
      const response = await buy(member, [
        { sku: 'A', name: '外套', unitPriceFen: 12345, quantity: 1 },
        { sku: 'S', name: '特价', unitPriceFen: 5000, quantity: 2, pointsEligible: false },
      ]);
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        totals: {
          grossFen: 22345,
          discountFen: 0,
          couponFen: 0,
          pointsCashFen: 0,
          balancePaidFen: 0,
          payableFen: 22345,
        },
        pointsEarned: 123,
        pointsSpent: 0,
        pointsBalance: 123,
        tier: { code: 'normal' },
        tierChanged: false,
        couponsIssued: [],
      });
      await expectBooksBalanced();
    });

    it('on the 19th a 普通 member buying ¥200 eligible + ¥50 special pays ¥230 and earns 180 points', async () => {
      await clock.setNow(Date.parse('2026-12-19T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource);
      const response = await buy(member, [
        { sku: 'A', name: '衬衫', unitPriceFen: 10000, quantity: 2 },
        { sku: 'S', name: '特价袜子', unitPriceFen: 5000, quantity: 1, pointsEligible: false },
      ]);
      expect(response.body).toMatchObject({ totals: { payableFen: 23000, discountFen: 2000 }, pointsEarned: 180 });
    });

    it('a single ¥1,000 purchase lifts 普通 to 银卡, and 银卡 then pays 9折', async () => {
      await clock.setNow(Date.parse('2026-11-04T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource);
      const response = await buy(member, [{ sku: 'A', name: '大衣', unitPriceFen: 100000, quantity: 1 }]);
      expect(response.body).toMatchObject({
        tier: { code: 'silver', name: '银卡' },
        tierChanged: true,
        pointsEarned: 1000,
      });
      const next = await buy(member, [{ sku: 'B', name: '围巾', unitPriceFen: 10000, quantity: 1 }]);
      expect(next.body).toMatchObject({ totals: { payableFen: 9000 }, tierChanged: false });
      const me = await app.request({ method: 'GET', url: '/api/me', headers: auth(await memberToken(app, member)) });
      expect(me.body).toMatchObject({
        tier: { code: 'silver', discountPercent: 90 },
        nextTier: { code: 'gold', spendNeededFen: 500000 },
      });
      // "再消费": the least of one ¥5,000 purchase and the ¥8,000 window less what was spent (¥1,090).
      expect(800000 - 109000).toBeGreaterThan(500000);
    });

    it('¥3,000 spread over 180 days lifts to 银卡; spread over 200 days it does not', async () => {
      const within = await insertMember(app.huika.dataSource);
      const start = Date.parse('2026-01-02T12:00:00+08:00');
      for (const day of [0, 60, 120, 179]) {
        await clock.setNow(start + day * DAY);
        await buy(within, [{ sku: 'A', name: '衬衫', unitPriceFen: 75000, quantity: 1 }]);
      }
      expect(await tierOf(within.id)).toBe('silver');

      const spread = await insertMember(app.huika.dataSource);
      for (const day of [0, 67, 134, 200]) {
        await clock.setNow(start + day * DAY);
        await buy(spread, [{ sku: 'A', name: '衬衫', unitPriceFen: 75000, quantity: 1 }]);
      }
      expect(await tierOf(spread.id)).toBe('normal');
    });

    it('birthday multipliers by tier: 银卡 earns 2x on the birthday', async () => {
      await clock.setNow(Date.parse('2026-11-05T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource, { tierCode: 'silver', birthday: '1990-11-05' });
      const response = await buy(member, [{ sku: 'A', name: '衬衫', unitPriceFen: 10000, quantity: 1 }]);
      expect(response.body).toMatchObject({ totals: { payableFen: 9000 }, pointsEarned: 180 });
    });
  });

  describe('the card code and receipts', () => {
    it('a code used for a purchase cannot be scanned again, and the next code works at once', async () => {
      await clock.setNow(Date.parse('2026-11-06T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource);
      const { checkoutToken, code } = await scan(member);
      expect(
        (await buy(member, [{ sku: 'A', name: 'x', unitPriceFen: 1000, quantity: 1 }], { checkoutToken })).status,
      ).toBe(201);
      const again = await app.request({
        method: 'POST',
        url: '/api/pos/scan',
        headers: auth(cashier),
        payload: { code },
      });
      expect(again).toMatchObject({ status: 401, body: { code: 'CARD_CODE_USED' } });
      expect((await buy(member, [{ sku: 'A', name: 'x', unitPriceFen: 1000, quantity: 1 }])).status).toBe(201);
    });

    it('refuses the same receipt number at the same store with another key', async () => {
      const member = await insertMember(app.huika.dataSource);
      const line = [{ sku: 'A', name: 'x', unitPriceFen: 1000, quantity: 1 }];
      expect((await buy(member, line, { receiptNo: 'DUP-1' })).status).toBe(201);
      expect(await buy(member, line, { receiptNo: 'DUP-1' })).toMatchObject({
        status: 409,
        body: { code: 'DUPLICATE_RECEIPT' },
      });
    });

    it('spends points as cash and gives them back on refund', async () => {
      await clock.setNow(Date.parse('2026-11-07T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource);
      await buy(member, [{ sku: 'A', name: 'x', unitPriceFen: 50000, quantity: 1 }]);
      expect(await balanceOf(member.id)).toBe(500);
      const paid = await buy(member, [{ sku: 'B', name: 'y', unitPriceFen: 10000, quantity: 1 }], { pointsToUse: 300 });
      expect(paid.body).toMatchObject({
        totals: { pointsCashFen: 300, payableFen: 9700 },
        pointsSpent: 300,
        pointsEarned: 97,
      });
      expect(await balanceOf(member.id)).toBe(500 - 300 + 97);
      const refunded = await refund((paid.body as { id: string }).id, { all: true });
      expect(refunded.body).toMatchObject({ refundFen: 9700, pointsReversed: 97, pointsRestored: 300 });
      expect(await balanceOf(member.id)).toBe(500);
      const tooMuch = await buy(member, [{ sku: 'B', name: 'y', unitPriceFen: 100000, quantity: 1 }], {
        pointsToUse: 600,
      });
      expect(tooMuch).toMatchObject({ status: 409, body: { code: 'POINTS_INSUFFICIENT' } });
      await expectBooksBalanced();
    });
  });

  describe('refunds', () => {
    it('a full refund undoes the purchase: points, tier upgrade, and leaves a debt if points were spent', async () => {
      await clock.setNow(Date.parse('2026-11-10T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource);
      const big = await buy(member, [{ sku: 'A', name: '大衣', unitPriceFen: 100000, quantity: 1 }]);
      expect(await tierOf(member.id)).toBe('silver');
      const refunded = await refund((big.body as { id: string }).id, { all: true });
      expect(refunded).toMatchObject({ status: 201, body: { refundFen: 100000, pointsReversed: 1000 } });
      expect(await tierOf(member.id)).toBe('normal');
      expect(await balanceOf(member.id)).toBe(0);
      expect(await refund((big.body as { id: string }).id, { all: true })).toMatchObject({
        status: 409,
        body: { code: 'REFUND_EXCEEDS_PURCHASE' },
      });
      await expectBooksBalanced();
    });

    it('a refund after the earned points expired takes nothing back a second time', async () => {
      await clock.setNow(Date.parse('2026-11-20T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource);
      const early = await buy(member, [{ sku: 'A', name: '大衣', unitPriceFen: 50000, quantity: 2 }]);
      expect(early.body).toMatchObject({ pointsEarned: 1000 });
      // What 2026 earned expires when 2027 begins (natural year); the member then earns 300 more.
      await clock.setNow(Date.parse('2027-01-02T12:00:00+08:00'));
      await app.huika.app.get(PointsService).expireAll(clock.now());
      expect(await balanceOf(member.id)).toBe(0);
      const later = await buy(member, [{ sku: 'B', name: '围巾', unitPriceFen: 30000, quantity: 1 }]);
      const kept = (later.body as { pointsEarned: number }).pointsEarned;
      expect(kept).toBeGreaterThan(0);
      const id = (early.body as { id: string }).id;
      expect(await refund(id, { lines: [{ sku: 'A', quantity: 1 }] })).toMatchObject({
        status: 201,
        body: { refundFen: 50000, pointsReversed: 0 },
      });
      expect(await refund(id, { all: true })).toMatchObject({ status: 201, body: { pointsReversed: 0 } });
      expect(await balanceOf(member.id)).toBe(kept);
      await expectBooksBalanced();
    });

    it('partial refunds add up to the full refund', async () => {
      await clock.setNow(Date.parse('2026-11-11T12:00:00+08:00'));
      const lines = [
        { sku: 'A', name: '衬衫', unitPriceFen: 3333, quantity: 3 },
        { sku: 'B', name: '裤子', unitPriceFen: 7777, quantity: 2 },
      ];
      const a = await insertMember(app.huika.dataSource, { tierCode: 'silver' });
      const b = await insertMember(app.huika.dataSource, { tierCode: 'silver' });
      const whole = await buy(a, lines);
      const parts = await buy(b, lines);
      const full = (await refund((whole.body as { id: string }).id, { all: true })).body as Record<string, number>;
      let refundFen = 0;
      let points = 0;
      for (const chunk of [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ]) {
        const part = (await refund((parts.body as { id: string }).id, { lines: [chunk] })).body as Record<
          string,
          number
        >;
        refundFen += part.refundFen ?? 0;
        points += part.pointsReversed ?? 0;
      }
      expect(refundFen).toBe(full.refundFen);
      expect(points).toBe(full.pointsReversed);
      expect(await balanceOf(a.id)).toBe(0);
      expect(await balanceOf(b.id)).toBe(0);
      await expectBooksBalanced();
    });

    it('property: a full refund leaves the purchase with no net effect on points', async () => {
      const manager = await staffToken(app, 'manager');
      await clock.setNow(Date.parse('2026-11-12T12:00:00+08:00'));
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              unitPriceFen: fc.integer({ min: 1, max: 500_000 }),
              quantity: fc.integer({ min: 1, max: 5 }),
              pointsEligible: fc.boolean(),
            }),
            { minLength: 1, maxLength: 4 },
          ),
          fc.constantFrom('normal', 'silver', 'gold', 'diamond'),
          async (basket, tierCode) => {
            const member = await insertMember(app.huika.dataSource, { tierCode });
            const lines = basket.map((l, i) => ({ sku: `S${i}`, name: '商品', ...l }));
            const bought = await buy(member, lines);
            expect(bought.status).toBe(201);
            // A store manager refunds: large refunds need no separate approval then.
            expect(
              (await refund((bought.body as { id: string }).id, { all: true }, `p-${Math.random()}`, manager)).status,
            ).toBe(201);
            expect(await balanceOf(member.id)).toBe(0);
          },
        ),
        { numRuns: TEST_DB === 'mysql' ? 8 : 15 },
      );
      await expectBooksBalanced();
    });

    it('refunds only at the store of the purchase, and large refunds need a manager', async () => {
      await clock.setNow(Date.parse('2026-11-13T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource);
      const bought = await buy(member, [{ sku: 'A', name: 'x', unitPriceFen: 200000, quantity: 1 }]);
      const id = (bought.body as { id: string }).id;
      const otherStore = 'S0TH3RST0RE000000000000000';
      await app.huika.dataSource.query(
        "INSERT INTO stores (id, code, name, active, created_at) VALUES (?, 'S999', '分店', 1, ?)",
        [otherStore, Date.now()],
      );
      const otherCashierId = '0THERCASH1ER00000000000000';
      await app.huika.dataSource.query(
        "INSERT INTO staff (id, username, password_hash, display_name, role, store_id, active, created_at, updated_at) VALUES (?, 'other-cashier', 'x', '分店收银', 'cashier', ?, 1, ?, ?)",
        [otherCashierId, otherStore, Date.now(), Date.now()],
      );
      const otherCashier = await staffToken(app, 'other-cashier');
      expect((await refund(id, { all: true }, 'x1', otherCashier)).status).toBe(403);
      expect(await refund(id, { all: true }, 'x2')).toMatchObject({
        status: 403,
        body: { code: 'MANAGER_APPROVAL_REQUIRED' },
      });
      expect(
        (await refund(id, { all: true, approval: { username: 'manager', password: 'wrong' } }, 'x3')).body,
      ).toMatchObject({ code: 'MANAGER_APPROVAL_REQUIRED' });
      expect(
        (await refund(id, { all: true, approval: { username: 'manager', password: 'huika-demo' } }, 'x4')).status,
      ).toBe(201);
    });
  });

  describe('refund approval', () => {
    let ipSerial = 0;
    /** Each test guesses from its own addresses, so only the limits it is about apply. */
    const freshIp = () => `203.0.113.${(ipSerial += 1)}`;
    const refundFrom = (ip: string, purchaseId: string, body: unknown, staff = cashier) =>
      app.request({
        method: 'POST',
        url: `/api/pos/purchases/${purchaseId}/refunds`,
        headers: { ...auth(staff), 'idempotency-key': `ap-${Math.random()}`, 'x-forwarded-for': ip },
        payload: body,
      });
    const bigPurchase = async () => {
      const member = await insertMember(app.huika.dataSource);
      const bought = await buy(member, [{ sku: 'A', name: '大衣', unitPriceFen: 200000, quantity: 1 }]);
      expect(bought.status).toBe(201);
      return (bought.body as { id: string }).id;
    };
    const staffIdOf = (username: string) =>
      app.huika.dataSource
        .query('SELECT id FROM staff WHERE username = ?', [username])
        .then((rows: { id: string }[]) => String(rows[0]?.id));
    const audited = async (action: string, targetId: string) =>
      (
        (await app.huika.dataSource.query(
          'SELECT actor_id, `after` AS detail FROM audit_log WHERE action = ? AND target_id = ? ORDER BY id',
          [action, targetId],
        )) as { actor_id: string | null; detail: unknown }[]
      ).map((row) => ({
        actorId: row.actor_id,
        after: (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail) as Record<string, unknown>,
      }));

    it('wrong approvals count toward the staff login limit of the username, are audited, and then get 429', async () => {
      await clock.setNow(Date.parse('2026-11-20T12:00:00+08:00'));
      const id = await bigPurchase();
      for (let i = 0; i < 10; i++) {
        const guess = await refundFrom(freshIp(), id, {
          all: true,
          approval: { username: 'admin', password: `g${i}` },
        });
        expect(guess).toMatchObject({ status: 403, body: { code: 'MANAGER_APPROVAL_REQUIRED' } });
      }
      const locked = await refundFrom(freshIp(), id, {
        all: true,
        approval: { username: 'admin', password: 'admin-password' },
      });
      expect(locked).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      // The same limit as the login's: the account is locked there too.
      const login = await app.request({
        method: 'POST',
        url: '/api/auth/staff',
        headers: { 'x-forwarded-for': freshIp() },
        payload: { username: 'admin', password: 'admin-password' },
      });
      expect(login).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
      const failures = await audited('refund.approval_failed', 'admin');
      expect(failures).toHaveLength(10);
      for (const failure of failures) {
        expect(failure).toMatchObject({
          actorId: await staffIdOf('cashier'),
          after: { reason: 'wrong_password', purchaseId: id },
        });
        expect(JSON.stringify(failure)).not.toMatch(/"g\d"/);
      }
      expect(failures.at(-1)?.after).toMatchObject({ lockedOut: true });
      expect(await scalar(app.huika.dataSource, 'SELECT COUNT(*) FROM refunds WHERE purchase_id = ?', [id])).toBe(0);
    });

    it('guesses across usernames from one address stop at the per-address limit', async () => {
      await clock.setNow(Date.parse('2026-11-21T12:00:00+08:00'));
      const id = await bigPurchase();
      const ip = freshIp();
      for (let i = 0; i < 30; i++) {
        const guess = await refundFrom(ip, id, { all: true, approval: { username: `nobody-${i}`, password: 'x' } });
        expect(guess).toMatchObject({ status: 403, body: { code: 'MANAGER_APPROVAL_REQUIRED' } });
      }
      expect((await audited('refund.approval_failed', 'nobody-0'))[0]?.after).toMatchObject({
        reason: 'unknown_username',
        ip,
      });
      const manager = { username: 'manager', password: 'huika-demo' };
      expect(await refundFrom(ip, id, { all: true, approval: manager })).toMatchObject({
        status: 429,
        body: { code: 'RATE_LIMITED' },
      });
      expect((await refundFrom(freshIp(), id, { all: true, approval: manager })).status).toBe(201);
    });

    it("only an active manager of the purchase's store approves, and the approval is audited with them", async () => {
      await clock.setNow(Date.parse('2026-11-22T12:00:00+08:00'));
      const id = await bigPurchase();
      const otherStore = 'S0TH3RST0RE000000000000001';
      await app.huika.dataSource.query(
        "INSERT INTO stores (id, code, name, active, created_at) VALUES (?, 'S998', '二分店', 1, ?)",
        [otherStore, Date.now()],
      );
      await app.huika.dataSource.query(
        "INSERT INTO staff (id, username, password_hash, display_name, role, store_id, active, created_at, updated_at) VALUES (?, 'other-manager', ?, '分店店长', 'manager', ?, 1, ?, ?)",
        ['0THERMANAGER00000000000001', await hashPassword('other-password'), otherStore, Date.now(), Date.now()],
      );
      for (const approval of [
        { username: 'admin', password: 'admin-password' },
        { username: 'other-manager', password: 'other-password' },
      ]) {
        expect(await refundFrom(freshIp(), id, { all: true, approval })).toMatchObject({
          status: 403,
          body: { code: 'MANAGER_APPROVAL_REQUIRED' },
        });
        expect((await audited('refund.approval_failed', approval.username)).at(-1)?.after).toMatchObject({
          reason: 'not_store_manager',
          purchaseId: id,
        });
      }
      const approved = await refundFrom(freshIp(), id, {
        all: true,
        approval: { username: 'manager', password: 'huika-demo' },
      });
      expect(approved.status).toBe(201);
      expect((await audited('purchase.refund', id))[0]?.after).toMatchObject({
        refundId: (approved.body as { id: string }).id,
        approvedBy: await staffIdOf('manager'),
      });
    });

    it('the threshold counts what the purchase has already refunded', async () => {
      await clock.setNow(Date.parse('2026-11-23T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource);
      const bought = await buy(member, [{ sku: 'A', name: '大衣', unitPriceFen: 80000, quantity: 2 }]);
      const id = (bought.body as { id: string }).id;
      const half = { lines: [{ sku: 'A', quantity: 1 }] };
      expect(await refundFrom(freshIp(), id, half)).toMatchObject({ status: 201, body: { refundFen: 80000 } });
      expect(await refundFrom(freshIp(), id, half)).toMatchObject({
        status: 403,
        body: { code: 'MANAGER_APPROVAL_REQUIRED' },
      });
      const approved = await refundFrom(freshIp(), id, {
        ...half,
        approval: { username: 'manager', password: 'huika-demo' },
      });
      expect(approved).toMatchObject({ status: 201, body: { refundFen: 80000 } });
      await expectBooksBalanced();
    });
  });

  it('posts a purchase in two round trips to MariaDB, one transaction and one commit', async () => {
    await clock.setNow(Date.parse('2026-11-16T12:00:00+08:00'));
    const member = await insertMember(app.huika.dataSource);
    const { checkoutToken } = await scan(member);
    const sent = jest.spyOn(Connection.prototype, 'query');
    try {
      const bought = await buy(member, [{ sku: 'A', name: 'x', unitPriceFen: 20000, quantity: 1 }], { checkoutToken });
      expect(bought.status).toBe(201);
      if (TEST_DB === 'mysql') {
        // From START TRANSACTION on (before it, the dev clock of this test app reads its setting): the claim with
        // every read, the member row locked first; then every write (the purchase, its lines, the earning with
        // the balance worked out from the locked read, the card, the answer) with the COMMIT.
        const sql = sent.mock.calls.map((call) => String(call[0]));
        const from = sql.findIndex((text) => text.startsWith('START TRANSACTION'));
        expect(sql.slice(from)).toHaveLength(2);
        expect(sql[from]).toMatch(/FROM members WHERE id = '\w+' AND status = 'active' FOR UPDATE;/);
        expect(sql.at(-1)).not.toMatch(/SELECT/);
        expect(sql.filter((text) => text.includes('START TRANSACTION'))).toHaveLength(1);
        expect(sql.at(-1)).toMatch(/;\nCOMMIT$/);
      }
    } finally {
      sent.mockRestore();
    }
    await expectBooksBalanced();
  });

  describe('campaign budgets', () => {
    const campaignIds: string[] = [];
    let admin: string;
    beforeAll(async () => {
      admin = await staffToken(app, 'admin');
    });
    afterAll(async () => {
      for (const id of campaignIds) {
        const off = await app.request({
          method: 'PATCH',
          url: `/api/admin/campaigns/${id}`,
          headers: auth(admin),
          payload: { active: false },
        });
        expect(off.status).toBe(200);
      }
    });

    /** A discount campaign for one day (the 3rd or 4th: no member day) with a budget in fen. */
    async function discountCampaign(day: string, discountPercent: number, budgetCap: number): Promise<string> {
      const created = await app.request({
        method: 'POST',
        url: '/api/admin/campaigns',
        headers: auth(admin),
        payload: {
          name: `${discountPercent} 折活动`,
          kind: 'discount',
          discountPercent,
          startsAt: `${day}T00:00:00+08:00`,
          endsAt: `${day}T23:59:59+08:00`,
          budgetCap,
        },
      });
      expect(created.status).toBe(201);
      const id = (created.body as { id: string }).id;
      campaignIds.push(id);
      return id;
    }
    const budgetUsed = (id: string) =>
      scalar(app.huika.dataSource, 'SELECT budget_used FROM campaigns WHERE id = ?', [id]);
    const discountOf = (response: TestResponse) =>
      (response.body as { totals: { discountFen: number } }).totals.discountFen;
    const line = [{ sku: 'A', name: 'x', unitPriceFen: 10000, quantity: 1 }];

    it('prices with the next best campaign when the best one has too little budget left, and spends its budget', async () => {
      await clock.setNow(Date.parse('2026-12-03T12:00:00+08:00'));
      const best = await discountCampaign('2026-12-03', 80, 3000);
      const next = await discountCampaign('2026-12-03', 90, 100_000);
      const member = await insertMember(app.huika.dataSource);
      const first = await buy(member, line);
      expect([first.status, discountOf(first)]).toEqual([201, 2000]);
      // 2,000 of 3,000 spent: the best campaign still runs, but another 2,000 would overspend it.
      const second = await buy(member, line);
      expect([second.status, discountOf(second)]).toEqual([201, 1000]);
      expect([await budgetUsed(best), await budgetUsed(next)]).toEqual([2000, 1000]);
      await expectBooksBalanced();
    });

    it('never spends more than the budget under concurrent purchases; what was given is what was spent', async () => {
      await clock.setNow(Date.parse('2026-12-04T12:00:00+08:00'));
      const campaign = await discountCampaign('2026-12-04', 80, 9000);
      const members = await Promise.all(Array.from({ length: 12 }, () => insertMember(app.huika.dataSource)));
      const tokens = await Promise.all(members.map((m) => scan(m)));
      const responses = await Promise.all(
        members.map((m, i) => buy(m, line, { checkoutToken: tokens[i]?.checkoutToken })),
      );
      for (const r of responses) expect(r.status).toBe(201);
      const given = responses.map(discountOf);
      // Four purchases fit a 9,000 budget at 2,000 each; the rest pay full price.
      expect(given.filter((d) => d === 2000)).toHaveLength(4);
      expect(given.filter((d) => d === 0)).toHaveLength(8);
      expect(await budgetUsed(campaign)).toBe(8000);
      expect(
        await scalar(
          app.huika.dataSource,
          'SELECT COALESCE(SUM(discount_fen), 0) FROM purchases WHERE campaign_id = ?',
          [campaign],
        ),
      ).toBe(8000);
    });
  });

  describe('concurrency', () => {
    it('one purchase posted 50 times concurrently with one key makes one purchase and one set of postings', async () => {
      await clock.setNow(Date.parse('2026-11-14T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource);
      const { checkoutToken } = await scan(member);
      const body = { key: 'same-purchase', checkoutToken, receiptNo: 'CONC-1' };
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          buy(member, [{ sku: 'A', name: 'x', unitPriceFen: 20000, quantity: 1 }], body),
        ),
      );
      for (const r of responses) expect([201, 409]).toContain(r.status);
      const ok = responses.filter((r) => r.status === 201);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const r of ok) expect(r.body).toEqual(ok[0]?.body);
      for (const r of responses.filter((x) => x.status === 409))
        expect(r.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_PROGRESS' });
      expect(
        await scalar(app.huika.dataSource, 'SELECT COUNT(*) FROM purchases WHERE member_id = ?', [member.id]),
      ).toBe(1);
      expect(
        await scalar(app.huika.dataSource, 'SELECT COUNT(*) FROM point_postings WHERE member_id = ?', [member.id]),
      ).toBe(1);
      expect(await balanceOf(member.id)).toBe(200);
      await expectBooksBalanced();
    });

    it('two concurrent partial refunds that together exceed the purchase: one is refused', async () => {
      await clock.setNow(Date.parse('2026-11-15T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource);
      const bought = await buy(member, [{ sku: 'A', name: 'x', unitPriceFen: 10000, quantity: 3 }]);
      const id = (bought.body as { id: string }).id;
      const [r1, r2] = await Promise.all([
        refund(id, { lines: [{ sku: 'A', quantity: 2 }] }),
        refund(id, { lines: [{ sku: 'A', quantity: 2 }] }),
      ]);
      const statuses = [r1?.status, r2?.status].sort();
      expect(statuses).toEqual([201, 409]);
      expect([r1, r2].find((r) => r?.status === 409)?.body).toMatchObject({ code: 'REFUND_EXCEEDS_PURCHASE' });
      expect(
        await scalar(app.huika.dataSource, 'SELECT refunded_quantity FROM purchase_lines WHERE purchase_id = ?', [id]),
      ).toBe(2);
      await expectBooksBalanced();
    });
  });

  describe('the tier facts of a purchase', () => {
    afterEach(async () => {
      await patchProgram(app.huika.dataSource, (config) => {
        config.tiers.measure = 'singleOrWindowSpend';
      });
    });

    /** Three ¥900 purchases: 2,700 points and ¥2,700 in the window, no single ¥1,000: still 普通. */
    async function nearlySilver(member: { id: string; openid: string }) {
      for (let i = 0; i < 3; i += 1) {
        const bought = await buy(member, [{ sku: 'A', name: '衬衫', unitPriceFen: 90000, quantity: 1 }]);
        expect(bought.body).toMatchObject({ pointsEarned: 900, tierChanged: false });
      }
    }

    it("count the purchase's own points toward 银卡 at 3,000 points earned in the year", async () => {
      await clock.setNow(Date.parse('2026-11-06T12:00:00+08:00'));
      await patchProgram(app.huika.dataSource, (config) => {
        config.tiers.measure = 'pointsEarned';
      });
      const member = await insertMember(app.huika.dataSource);
      await nearlySilver(member);
      const lifted = await buy(member, [{ sku: 'B', name: '领带', unitPriceFen: 30000, quantity: 1 }]);
      expect(lifted.body).toMatchObject({ pointsEarned: 300, tier: { code: 'silver' }, tierChanged: true });
      expect(await tierOf(member.id)).toBe('silver');
      await expectBooksBalanced();
    });

    it('are read again for the rules in force when the measure changed just before the purchase', async () => {
      await clock.setNow(Date.parse('2026-11-06T12:00:00+08:00'));
      const member = await insertMember(app.huika.dataSource);
      await nearlySilver(member);
      // The server last saw the spend measure (¥3,000 not reached); from now on points earned decide.
      await patchProgram(app.huika.dataSource, (config) => {
        config.tiers.measure = 'pointsEarned';
      });
      const lifted = await buy(member, [{ sku: 'B', name: '领带', unitPriceFen: 30000, quantity: 1 }]);
      expect(lifted.body).toMatchObject({ pointsEarned: 300, tier: { code: 'silver' }, tierChanged: true });
      // And back: by spend, ¥3,000 in the window now lifts another member with the same purchases.
      await patchProgram(app.huika.dataSource, (config) => {
        config.tiers.measure = 'singleOrWindowSpend';
      });
      const other = await insertMember(app.huika.dataSource);
      await nearlySilver(other);
      const otherLifted = await buy(other, [{ sku: 'B', name: '领带', unitPriceFen: 30000, quantity: 1 }]);
      expect(otherLifted.body).toMatchObject({ tier: { code: 'silver' }, tierChanged: true });
      await expectBooksBalanced();
    });
  });

  describe('period-end tier evaluation', () => {
    it('downgrades one step after the grace period, once per period; a manual tier ends at its date', async () => {
      const start = Date.parse('2027-02-02T12:00:00+08:00');
      await clock.setNow(start);
      const member = await insertMember(app.huika.dataSource);
      await buy(member, [{ sku: 'A', name: '貂皮', unitPriceFen: 1_000_000, quantity: 1 }]);
      expect(await tierOf(member.id)).toBe('diamond');
      const evaluate = (asOf: string) =>
        app.request({ method: 'POST', url: '/api/dev/evaluate-tiers', payload: { asOf } });

      expect((await evaluate('2027-03-01T00:00:00+08:00')).status).toBe(200);
      expect(await tierOf(member.id)).toBe('diamond');
      // Past the 180-day window and the grace period: one step down, and only once in that period.
      await evaluate('2027-09-01T00:00:00+08:00');
      expect(await tierOf(member.id)).toBe('gold');
      await evaluate('2027-09-15T00:00:00+08:00');
      expect(await tierOf(member.id)).toBe('gold');
      await evaluate('2027-10-01T00:00:00+08:00');
      expect(await tierOf(member.id)).toBe('silver');

      await clock.setNow(Date.parse('2027-10-02T12:00:00+08:00'));
      const admin = await staffToken(app, 'admin');
      const manual = await app.request({
        method: 'PUT',
        url: `/api/admin/members/${member.id}/tier`,
        headers: auth(admin),
        payload: { tierCode: 'diamond', until: '2027-10-20T00:00:00+08:00', reason: '大客户关怀' },
      });
      expect(manual.status).toBe(200);
      expect(await tierOf(member.id)).toBe('diamond');
      await evaluate('2027-10-21T00:00:00+08:00');
      expect(await tierOf(member.id)).toBe('normal');
      expect(
        await scalar(app.huika.dataSource, 'SELECT COUNT(*) FROM tier_history WHERE member_id = ?', [member.id]),
      ).toBe(5);
    });
  });
});

describe(`refund approval outside dev mode on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await freshDatabase();
    // The demo was seeded while the database ran in dev mode; the server now runs outside it.
    const seeded = await startTestApp(db.config, { tokenSecret: TEST_KEYS.tokenSecret, dataKey: TEST_KEYS.dataKey });
    await seeded.close();
    app = await startTestApp(db.config, { dev: false });
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it("refuses the demo manager's approval and takes a real manager's", async () => {
    const member = await insertMember(app.huika.dataSource);
    const cashier = await staffToken(app, 'cashier');
    const headers = (key: string) => ({ authorization: `Bearer ${cashier}`, 'idempotency-key': key });
    const checkoutToken = await scannedCheckoutToken(app, cashier, member);
    const [store] = (await app.huika.dataSource.query("SELECT id FROM stores WHERE code = 'S001'")) as { id: string }[];
    const bought = await app.request({
      method: 'POST',
      url: '/api/pos/purchases',
      headers: headers('buy-1'),
      payload: {
        checkoutToken,
        storeId: store?.id,
        receiptNo: 'ND-1',
        lines: [{ sku: 'A', name: '大衣', unitPriceFen: 200000, quantity: 1 }],
      },
    });
    expect(bought.status).toBe(201);
    const refund = (key: string, approval: { username: string; password: string }) =>
      app.request({
        method: 'POST',
        url: `/api/pos/purchases/${(bought.body as { id: string }).id}/refunds`,
        headers: headers(key),
        payload: { all: true, approval },
      });
    expect(await refund('rf-1', { username: 'manager', password: 'huika-demo' })).toMatchObject({
      status: 403,
      body: { code: 'MANAGER_APPROVAL_REQUIRED' },
    });
    expect(
      await scalar(
        app.huika.dataSource,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'refund.approval_failed' AND target_id = 'manager'",
      ),
    ).toBe(1);
    await app.huika.dataSource.query(
      "INSERT INTO staff (id, username, password_hash, display_name, role, store_id, active, created_at, updated_at) VALUES (?, 'real-manager', ?, '店长', 'manager', ?, 1, ?, ?)",
      ['REA1MANAGER000000000000001', await hashPassword('real-password'), store?.id, Date.now(), Date.now()],
    );
    expect((await refund('rf-2', { username: 'real-manager', password: 'real-password' })).status).toBe(201);
  });
});
