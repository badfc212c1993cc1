import { activitiesRoutes, giftsRoutes } from '@huika/shared';
import { Clock } from '../../src/common/clock';
import { newId } from '../../src/common/ids';
import { Transactions } from '../../src/common/transactions';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { SYSTEM_ACTOR } from '../../src/modules/ledger/ledger.types';
import { ReconcileService } from '../../src/modules/ledger/reconcile.service';
import { insertMember, insertStore, memberToken, scalar, staffToken } from './fixtures';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase, type TestResponse } from './test-app';

jest.setTimeout(180_000);

const DAY = 24 * 60 * 60 * 1000;
/** June: the last month of the second quarter, inside the seed's exchange window. */
const JUNE = Date.parse('2026-06-10T12:00:00+08:00');

interface Member {
  id: string;
  openid: string;
  token: string;
}

interface GiftBody {
  name?: string;
  pointsPrice: number;
  stock: number;
  perMemberLimit: number | null;
  tiers?: string[] | null;
  window?: unknown;
}

describe(`gifts on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;
  let clock: Clock;
  let ledger: LedgerService;
  let transactions: Transactions;
  let admin: string;
  let cashier: string;
  let storeId: string;
  let serial = 0;

  beforeAll(async () => {
    db = await freshDatabase();
    app = await startTestApp(db.config);
    clock = app.huika.app.get(Clock);
    ledger = app.huika.app.get(LedgerService);
    transactions = app.huika.app.get(Transactions);
    admin = await staffToken(app, 'admin');
    cashier = await staffToken(app, 'cashier');
    storeId = String(
      ((await app.huika.dataSource.query("SELECT id FROM stores WHERE code = 'S001'")) as { id: string }[])[0]?.id,
    );
    await clock.setNow(JUNE);
  });

  afterAll(async () => {
    await clock.reset();
    await app.close();
    await db.drop();
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const key = () => `k-${(serial += 1)}-${Math.random()}`;

  async function member(points: number, tierCode?: string): Promise<Member> {
    const inserted = await insertMember(app.huika.dataSource, tierCode ? { tierCode } : {});
    if (points > 0) {
      await transactions.run((tx) =>
        ledger.adjust(
          tx,
          { memberId: inserted.id, refType: 'adjustment', refId: newId(), actor: SYSTEM_ACTOR },
          points,
        ),
      );
    }
    return { ...inserted, token: await memberToken(app, inserted) };
  }

  async function createGift(body: GiftBody): Promise<string> {
    const response = await app.request({
      method: 'POST',
      url: '/api/admin/gifts',
      headers: auth(admin),
      payload: { name: `礼品${(serial += 1)}`, ...body },
    });
    expect(response.status).toBe(201);
    return (response.body as { id: string }).id;
  }

  const redeem = (who: Member, giftId: string, quantity = 1, idempotencyKey = key()) =>
    app.request({
      method: 'POST',
      url: `/api/gifts/${giftId}/redemptions`,
      headers: { ...auth(who.token), 'idempotency-key': idempotencyKey },
      payload: { quantity },
    });

  const pickup = (pickupCode: string, token = cashier) =>
    app.request({ method: 'POST', url: '/api/pos/pickups', headers: auth(token), payload: { pickupCode } });

  const balanceOf = (memberId: string) =>
    scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [memberId]);
  const stockOf = (giftId: string) => scalar(app.huika.dataSource, 'SELECT stock FROM gifts WHERE id = ?', [giftId]);
  /** What the member side of every redemption posting of this gift sums to (negative: points spent). */
  const redemptionPoints = (giftId: string) =>
    scalar(
      app.huika.dataSource,
      `SELECT COALESCE(SUM(e.points), 0) FROM point_entries e
       JOIN point_postings p ON p.id = e.posting_id
       JOIN gift_redemptions r ON r.id = p.ref_id
       WHERE p.ref_type = 'redemption' AND e.account = 'member' AND r.gift_id = ?`,
      [giftId],
    );
  const codes = (responses: TestResponse[]) =>
    responses.map((r) => (r.status === 201 ? 201 : (r.body as { code: string }).code));
  const tally = (values: (string | number)[]) =>
    values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

  async function expectBooksBalanced() {
    expect((await app.huika.app.get(ReconcileService).run()).differences).toEqual([]);
  }

  it('serves and publishes every gift and activity route', async () => {
    const document = (await app.request({ method: 'GET', url: '/api/openapi.json' })).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const route of [...Object.values(giftsRoutes), ...Object.values(activitiesRoutes)]) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      expect({ route: route.path, published: Boolean(document.paths[path]?.[route.method.toLowerCase()]) }).toEqual({
        route: route.path,
        published: true,
      });
      const probe = await app.request({ method: route.method, url: route.path.replace(/:(\w+)/g, 'x') });
      expect({ route: `${route.method} ${route.path}`, status: probe.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
    }
  });

  describe('headquarters catalog', () => {
    it('creates, lists, changes and restocks a gift, each change audited', async () => {
      const created = await app.request({
        method: 'POST',
        url: '/api/admin/gifts',
        headers: auth(admin),
        payload: {
          name: '保温杯',
          pointsPrice: 1200,
          stock: 10,
          perMemberLimit: 1,
          tiers: ['gold', 'diamond'],
          window: { kind: 'dateRange', from: '2026-06-01', to: '2026-06-30' },
          imageUrl: 'https://cdn.example.com/cup.png',
          description: '316 不锈钢',
        },
      });
      expect(created.status).toBe(201);
      const gift = created.body as { id: string };
      expect(created.body).toMatchObject({
        name: '保温杯',
        pointsPrice: 1200,
        stock: 10,
        perMemberLimit: 1,
        tiers: ['gold', 'diamond'],
        window: { kind: 'dateRange', from: '2026-06-01', to: '2026-06-30' },
        active: true,
      });

      const patched = await app.request({
        method: 'PATCH',
        url: `/api/admin/gifts/${gift.id}`,
        headers: auth(admin),
        payload: {
          pointsPrice: 1000,
          perMemberLimit: 2,
          tiers: null,
          window: { kind: 'lastMonthOfQuarter' },
          active: false,
        },
      });
      expect(patched).toMatchObject({
        status: 200,
        body: {
          pointsPrice: 1000,
          perMemberLimit: 2,
          tiers: null,
          window: { kind: 'lastMonthOfQuarter' },
          active: false,
          stock: 10,
        },
      });

      const adjust = (delta: number, idempotencyKey = key()) =>
        app.request({
          method: 'POST',
          url: `/api/admin/gifts/${gift.id}/stock-adjustments`,
          headers: { ...auth(admin), 'idempotency-key': idempotencyKey },
          payload: { delta, reason: '盘点' },
        });
      expect(await adjust(5, 'restock-1')).toMatchObject({
        status: 201,
        body: { giftId: gift.id, delta: 5, stock: 15 },
      });
      expect(await adjust(5, 'restock-1')).toMatchObject({ status: 201, body: { stock: 15 } });
      expect(await adjust(-16)).toMatchObject({ status: 409, body: { code: 'OUT_OF_STOCK' } });
      expect(await adjust(-15)).toMatchObject({ status: 201, body: { stock: 0 } });
      expect(await stockOf(gift.id)).toBe(0);

      const listed = await app.request({ method: 'GET', url: '/api/admin/gifts?limit=100', headers: auth(admin) });
      expect((listed.body as { items: { id: string; active: boolean }[] }).items).toContainEqual(
        expect.objectContaining({ id: gift.id, active: false }),
      );

      const actions = (await app.huika.dataSource.query(
        'SELECT action FROM audit_log WHERE target_id = ? ORDER BY id',
        [gift.id],
      )) as { action: string }[];
      expect(actions.map((a) => a.action)).toEqual([
        'gift.create',
        'gift.update',
        'gift.stock.adjust',
        'gift.stock.adjust',
      ]);
    });

    it('refuses unknown tiers, bad windows, and anyone but headquarters', async () => {
      const bad = (payload: unknown) =>
        app.request({ method: 'POST', url: '/api/admin/gifts', headers: auth(admin), payload });
      expect(
        (await bad({ name: 'x', pointsPrice: 1, stock: 1, perMemberLimit: null, tiers: ['platinum'] })).body,
      ).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(
        (
          await bad({
            name: 'x',
            pointsPrice: 1,
            stock: 1,
            perMemberLimit: null,
            window: { kind: 'dateRange', from: '2026-07-01', to: '2026-06-01' },
          })
        ).body,
      ).toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      expect((await bad({ name: 'x', pointsPrice: 0, stock: -1, perMemberLimit: 0 })).body).toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      const someone = await member(0);
      const payload = { name: 'x', pointsPrice: 1, stock: 1, perMemberLimit: null };
      expect(
        (await app.request({ method: 'POST', url: '/api/admin/gifts', headers: auth(cashier), payload })).status,
      ).toBe(403);
      expect(
        (await app.request({ method: 'POST', url: '/api/admin/gifts', headers: auth(someone.token), payload })).status,
      ).toBe(403);
      expect((await app.request({ method: 'GET', url: '/api/admin/gifts', headers: auth(someone.token) })).status).toBe(
        403,
      );
      expect(
        (
          await app.request({
            method: 'PATCH',
            url: `/api/admin/gifts/${newId()}`,
            headers: auth(admin),
            payload: { active: true },
          })
        ).body,
      ).toMatchObject({
        code: 'GIFT_NOT_FOUND',
      });
    });
  });

  describe('redeeming', () => {
    it('spends the points, takes the stock, and gives a pickup code the member can show as a QR code', async () => {
      const giftId = await createGift({ pointsPrice: 120, stock: 3, perMemberLimit: 5 });
      const alice = await member(500);
      const response = await redeem(alice, giftId, 2);
      expect(response.status).toBe(201);
      const redemption = response.body as { id: string; pickupCode: string };
      expect(response.body).toMatchObject({
        giftId,
        quantity: 2,
        pointsSpent: 240,
        pointsBalance: 260,
        status: 'pending',
      });
      expect(redemption.pickupCode).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
      expect(await stockOf(giftId)).toBe(1);
      expect(await redemptionPoints(giftId)).toBe(-240);

      const history = await app.request({ method: 'GET', url: '/api/me/redemptions', headers: auth(alice.token) });
      expect(history.body).toMatchObject({
        items: [
          {
            id: redemption.id,
            giftId,
            quantity: 2,
            pointsSpent: 240,
            pickupCode: redemption.pickupCode,
            status: 'pending',
            collectedAt: null,
          },
        ],
        nextCursor: null,
      });
      const detail = await app.request({
        method: 'GET',
        url: `/api/me/redemptions/${redemption.id}`,
        headers: auth(alice.token),
      });
      expect((detail.body as { pickupQr: string }).pickupQr).toMatch(/^data:image\/png;base64,/);
      const png = await fetch(`${app.baseUrl}/api/me/redemptions/${redemption.id}/qr.png`, {
        headers: auth(alice.token),
      });
      expect(png.status).toBe(200);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(
        Buffer.from(await png.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');

      // Another member sees none of it.
      const bob = await member(0);
      expect((await app.request({ method: 'GET', url: '/api/me/redemptions', headers: auth(bob.token) })).body).toEqual(
        { items: [], nextCursor: null },
      );
      expect(
        (await app.request({ method: 'GET', url: `/api/me/redemptions/${redemption.id}`, headers: auth(bob.token) }))
          .body,
      ).toMatchObject({
        code: 'REDEMPTION_NOT_FOUND',
      });
      expect(
        (
          await app.request({
            method: 'GET',
            url: `/api/me/redemptions/${redemption.id}/qr.png`,
            headers: auth(bob.token),
          })
        ).status,
      ).toBe(404);
      // Staff tokens do not reach member routes.
      expect((await app.request({ method: 'GET', url: '/api/me/redemptions', headers: auth(cashier) })).status).toBe(
        403,
      );

      expect(await redeem(alice, giftId, 2)).toMatchObject({ status: 409, body: { code: 'OUT_OF_STOCK' } });
      expect(await balanceOf(alice.id)).toBe(260);
      await expectBooksBalanced();
    });

    it('pages the history newest first', async () => {
      const giftId = await createGift({ pointsPrice: 1, stock: 10, perMemberLimit: null });
      const carol = await member(10);
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push(((await redeem(carol, giftId)).body as { id: string }).id);
      const first = (
        await app.request({ method: 'GET', url: '/api/me/redemptions?limit=3', headers: auth(carol.token) })
      ).body as {
        items: { id: string }[];
        nextCursor: string;
      };
      expect(first.items.map((i) => i.id)).toEqual(ids.slice(2).reverse());
      const second = (
        await app.request({
          method: 'GET',
          url: `/api/me/redemptions?limit=3&cursor=${first.nextCursor}`,
          headers: auth(carol.token),
        })
      ).body;
      expect(second).toEqual({
        items: ids
          .slice(0, 2)
          .reverse()
          .map((id) => expect.objectContaining({ id })),
        nextCursor: null,
      });
    });

    it('replays a redemption for the same Idempotency-Key and refuses the key with another body', async () => {
      const giftId = await createGift({ pointsPrice: 100, stock: 10, perMemberLimit: null });
      const dave = await member(1000);
      const first = await redeem(dave, giftId, 1, 'redeem-once');
      const again = await redeem(dave, giftId, 1, 'redeem-once');
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await redeem(dave, giftId, 2, 'redeem-once')).toMatchObject({
        status: 422,
        body: { code: 'IDEMPOTENCY_KEY_REUSED' },
      });
      const missing = await app.request({
        method: 'POST',
        url: `/api/gifts/${giftId}/redemptions`,
        headers: auth(dave.token),
        payload: { quantity: 1 },
      });
      expect(missing).toMatchObject({ status: 400, body: { code: 'IDEMPOTENCY_KEY_REQUIRED' } });
      expect(await balanceOf(dave.id)).toBe(900);
      expect(await stockOf(giftId)).toBe(9);
      expect(
        await scalar(app.huika.dataSource, 'SELECT COUNT(*) FROM gift_redemptions WHERE member_id = ?', [dave.id]),
      ).toBe(1);
    });

    it('opens a quarter-end gift only in the last month of a quarter, by the dev clock', async () => {
      const giftId = await createGift({
        pointsPrice: 10,
        stock: 10,
        perMemberLimit: null,
        window: { kind: 'lastMonthOfQuarter' },
      });
      const erin = await member(100);
      // A member's access token lives an hour of the clock; months later the app has logged in again.
      const setClock = async (now: string) => {
        const moved = await app.request({ method: 'PUT', url: '/api/dev/clock', payload: { now } });
        erin.token = await memberToken(app, erin);
        return moved;
      };
      try {
        expect((await setClock('2026-05-31T23:59:00+08:00')).status).toBe(200);
        expect(await redeem(erin, giftId)).toMatchObject({ status: 409, body: { code: 'OUTSIDE_EXCHANGE_WINDOW' } });
        const catalog = (await app.request({ method: 'GET', url: '/api/gifts?limit=100', headers: auth(erin.token) }))
          .body as {
          items: { id: string; redeemable: boolean; reason?: string }[];
        };
        expect(catalog.items.find((g) => g.id === giftId)).toMatchObject({
          redeemable: false,
          reason: 'OUTSIDE_EXCHANGE_WINDOW',
          window: { kind: 'lastMonthOfQuarter' },
        });

        await setClock('2026-06-01T00:01:00+08:00');
        expect((await redeem(erin, giftId)).status).toBe(201);
        await setClock('2026-12-31T23:00:00+08:00');
        expect((await redeem(erin, giftId)).status).toBe(201);
        await setClock('2027-01-01T00:01:00+08:00');
        expect(await redeem(erin, giftId)).toMatchObject({ status: 409, body: { code: 'OUTSIDE_EXCHANGE_WINDOW' } });
      } finally {
        await clock.setNow(JUNE);
      }
    });

    it('keeps a gift with tier restrictions for those tiers: 403 TIER_NOT_ELIGIBLE for the others', async () => {
      const giftId = await createGift({ pointsPrice: 10, stock: 10, perMemberLimit: null, tiers: ['gold', 'diamond'] });
      const normal = await member(100);
      const gold = await member(100, 'gold');
      expect(await redeem(normal, giftId)).toMatchObject({ status: 403, body: { code: 'TIER_NOT_ELIGIBLE' } });
      expect((await redeem(gold, giftId)).status).toBe(201);
      expect(await balanceOf(normal.id)).toBe(100);
    });

    it('refuses a member in debt even for a cheap gift', async () => {
      const giftId = await createGift({ pointsPrice: 1, stock: 10, perMemberLimit: null });
      const debtor = await member(0);
      const ref = (refType: 'purchase' | 'refund') => ({
        memberId: debtor.id,
        refType,
        refId: newId(),
        actor: SYSTEM_ACTOR,
      });
      await transactions.run(async (tx) => {
        const earned = await ledger.earn(tx, ref('purchase'), 100, { source: 'purchase' });
        await ledger.spend(tx, ref('purchase'), 100);
        await ledger.reverse(tx, ref('refund'), 50, earned.postingId);
      });
      expect(await balanceOf(debtor.id)).toBe(-50);
      expect(await redeem(debtor, giftId)).toMatchObject({ status: 409, body: { code: 'POINTS_INSUFFICIENT' } });
      expect(await balanceOf(debtor.id)).toBe(-50);
      expect(await stockOf(giftId)).toBe(10);
    });

    it('tells each member in the catalog whether they can redeem, and the code why not', async () => {
      const open = await createGift({ pointsPrice: 50, stock: 5, perMemberLimit: 1 });
      const empty = await createGift({ pointsPrice: 50, stock: 0, perMemberLimit: null });
      const dear = await createGift({ pointsPrice: 5000, stock: 5, perMemberLimit: null });
      const goldOnly = await createGift({ pointsPrice: 50, stock: 5, perMemberLimit: null, tiers: ['gold'] });
      const frank = await member(200);
      const catalog = async () => {
        const body = (await app.request({ method: 'GET', url: '/api/gifts?limit=100', headers: auth(frank.token) }))
          .body as {
          items: { id: string; redeemable: boolean; reason?: string; redeemedByMe: number }[];
        };
        return new Map(body.items.map((item) => [item.id, item]));
      };
      let items = await catalog();
      expect(items.get(open)).toMatchObject({ redeemable: true, redeemedByMe: 0 });
      expect(items.get(open)).not.toHaveProperty('reason');
      expect(items.get(empty)).toMatchObject({ redeemable: false, reason: 'OUT_OF_STOCK' });
      expect(items.get(dear)).toMatchObject({ redeemable: false, reason: 'POINTS_INSUFFICIENT' });
      expect(items.get(goldOnly)).toMatchObject({ redeemable: false, reason: 'TIER_NOT_ELIGIBLE' });
      expect((await redeem(frank, open)).status).toBe(201);
      items = await catalog();
      expect(items.get(open)).toMatchObject({ redeemable: false, reason: 'LIMIT_REACHED', redeemedByMe: 1 });
      expect(await redeem(frank, open)).toMatchObject({ status: 409, body: { code: 'LIMIT_REACHED' } });
      // Inactive gifts are not on offer.
      await app.request({
        method: 'PATCH',
        url: `/api/admin/gifts/${dear}`,
        headers: auth(admin),
        payload: { active: false },
      });
      expect((await catalog()).has(dear)).toBe(false);
      expect(await redeem(frank, dear)).toMatchObject({ status: 404, body: { code: 'GIFT_NOT_FOUND' } });
    });
  });

  describe('under concurrency', () => {
    it('holds the per-member limit: 10 concurrent redemptions with different keys, limit 2, exactly 2 succeed', async () => {
      const giftId = await createGift({ pointsPrice: 10, stock: 100, perMemberLimit: 2 });
      const grace = await member(10_000);
      const responses = await Promise.all(Array.from({ length: 10 }, () => redeem(grace, giftId)));
      expect(tally(codes(responses))).toEqual({ 201: 2, LIMIT_REACHED: 8 });
      expect(await stockOf(giftId)).toBe(98);
      expect(await balanceOf(grace.id)).toBe(10_000 - 20);
      expect(
        await scalar(
          app.huika.dataSource,
          'SELECT redeemed FROM gift_member_counts WHERE gift_id = ? AND member_id = ?',
          [giftId, grace.id],
        ),
      ).toBe(2);
    });

    /**
     * The hot gift: 100 members with 300 points each, two requests each, 200 at once, for a stock of 50.
     * - Price 150, limit 2: each member can afford both of their requests and the limit allows both, so
     *   stock is the only rule that binds and every refusal must be OUT_OF_STOCK.
     * - Price 300, no limit: each member can afford exactly one, so points and stock bind together; the
     *   refusals are OUT_OF_STOCK or POINTS_INSUFFICIENT and no member gets two.
     */
    it.each([
      { price: 150, limit: 2, refusals: ['OUT_OF_STOCK'] },
      { price: 300, limit: null, refusals: ['OUT_OF_STOCK', 'POINTS_INSUFFICIENT'] },
    ])(
      'hot gift at $price points: exactly 50 of 200 concurrent redemptions succeed',
      async ({ price, limit, refusals }) => {
        const giftId = await createGift({ pointsPrice: price, stock: 50, perMemberLimit: limit });
        const members = await Promise.all(Array.from({ length: 100 }, () => member(300)));
        const responses = await Promise.all(members.flatMap((m) => [redeem(m, giftId), redeem(m, giftId)]));

        const counts = tally(codes(responses));
        expect(counts[201]).toBe(50);
        for (const code of Object.keys(counts)) expect(['201', ...refusals]).toContain(code);
        expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(200);

        expect(await stockOf(giftId)).toBe(0);
        expect(
          await scalar(
            app.huika.dataSource,
            'SELECT COALESCE(SUM(quantity), 0) FROM gift_redemptions WHERE gift_id = ?',
            [giftId],
          ),
        ).toBe(50);
        expect(await redemptionPoints(giftId)).toBe(-50 * price);
        const ids = members.map((m) => m.id);
        const placeholders = ids.map(() => '?').join(', ');
        expect(
          await scalar(
            app.huika.dataSource,
            `SELECT COUNT(*) FROM members WHERE id IN (${placeholders}) AND points_balance < 0`,
            ids,
          ),
        ).toBe(0);
        expect(
          await scalar(
            app.huika.dataSource,
            `SELECT SUM(points_balance) FROM members WHERE id IN (${placeholders})`,
            ids,
          ),
        ).toBe(100 * 300 - 50 * price);
        if (limit === null) {
          expect(
            await scalar(
              app.huika.dataSource,
              'SELECT COUNT(*) FROM (SELECT member_id FROM gift_redemptions WHERE gift_id = ? GROUP BY member_id HAVING COUNT(*) > 1) t',
              [giftId],
            ),
          ).toBe(0);
        }
        const pickupCodes = responses
          .filter((r) => r.status === 201)
          .map((r) => (r.body as { pickupCode: string }).pickupCode);
        expect(new Set(pickupCodes).size).toBe(50);
        await expectBooksBalanced();
      },
    );
  });

  describe('pickup at the store', () => {
    async function redeemed(): Promise<{ id: string; pickupCode: string; owner: Member }> {
      const giftId = await createGift({ pointsPrice: 10, stock: 10, perMemberLimit: null });
      const owner = await member(100);
      const response = await redeem(owner, giftId);
      expect(response.status).toBe(201);
      return { ...(response.body as { id: string; pickupCode: string }), owner };
    }

    it('verifies a pickup code once: collected at the store, then 409 ALREADY_COLLECTED', async () => {
      const { id, pickupCode, owner } = await redeemed();
      const first = await pickup(pickupCode.toLowerCase());
      expect(first).toMatchObject({
        status: 200,
        body: { id, pickupCode, status: 'collected', memberId: owner.id, collectedStoreId: storeId },
      });
      expect((first.body as { collectedAt: string | null }).collectedAt).not.toBeNull();
      expect(await pickup(pickupCode)).toMatchObject({ status: 409, body: { code: 'ALREADY_COLLECTED' } });
      const mine = await app.request({ method: 'GET', url: '/api/me/redemptions', headers: auth(owner.token) });
      expect((mine.body as { items: { status: string }[] }).items[0]).toMatchObject({ status: 'collected' });
      expect(
        await scalar(
          app.huika.dataSource,
          "SELECT COUNT(*) FROM audit_log WHERE action = 'redemption.collect' AND target_id = ?",
          [id],
        ),
      ).toBe(1);
    });

    it('lets exactly one of two simultaneous verifications through', async () => {
      const { pickupCode } = await redeemed();
      const manager = await staffToken(app, 'manager');
      const [a, b] = await Promise.all([pickup(pickupCode), pickup(pickupCode, manager)]);
      expect([a?.status, b?.status].sort()).toEqual([200, 409]);
    });

    it('answers 404 for unknown codes and refuses member tokens', async () => {
      expect(await pickup('ZZZZZZZZZZ')).toMatchObject({ status: 404, body: { code: 'PICKUP_CODE_NOT_FOUND' } });
      const { pickupCode, owner } = await redeemed();
      expect((await pickup(pickupCode, owner.token)).status).toBe(403);
      expect(
        (
          await app.request({
            method: 'POST',
            url: `/api/pos/pickups/${newId()}/exchanges`,
            headers: auth(owner.token),
            payload: { reason: '破损' },
          })
        ).status,
      ).toBe(403);
    });

    it('exchanges a collected gift within 3 days, once, with no points moved; refuses before collection and after 3 days', async () => {
      const exchange = (id: string) =>
        app.request({
          method: 'POST',
          url: `/api/pos/pickups/${id}/exchanges`,
          headers: auth(cashier),
          payload: { reason: '杯盖破损' },
        });
      const { id, pickupCode, owner } = await redeemed();
      expect(await exchange(id)).toMatchObject({ status: 409, body: { code: 'NOT_COLLECTED' } });
      expect(await exchange(newId())).toMatchObject({ status: 404, body: { code: 'REDEMPTION_NOT_FOUND' } });
      expect((await pickup(pickupCode)).status).toBe(200);
      const balance = await balanceOf(owner.id);
      try {
        await clock.setNow(JUNE + 2 * DAY + 23 * 60 * 60 * 1000);
        const exchanged = await exchange(id);
        expect(exchanged).toMatchObject({
          status: 201,
          body: { redemptionId: id, reason: '杯盖破损', storeId, redemption: { status: 'exchanged' } },
        });
        expect(await exchange(id)).toMatchObject({ status: 409, body: { code: 'ALREADY_EXCHANGED' } });
        expect(await balanceOf(owner.id)).toBe(balance);
        expect(
          await scalar(
            app.huika.dataSource,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'redemption.exchange' AND target_id = ?",
            [id],
          ),
        ).toBe(1);

        await clock.setNow(JUNE);
        const late = await redeemed();
        expect((await pickup(late.pickupCode)).status).toBe(200);
        await clock.setNow(JUNE + 3 * DAY + 60_000);
        expect(await exchange(late.id)).toMatchObject({ status: 409, body: { code: 'EXCHANGE_PERIOD_OVER' } });
      } finally {
        await clock.setNow(JUNE);
      }
      // Redeemed gifts are not returnable: there is no route that gives the points back.
      const refund = await app.request({
        method: 'POST',
        url: `/api/gifts/x/redemptions/${id}/refunds`,
        headers: auth(admin),
        payload: {},
      });
      expect(refund.status).toBe(404);
    });

    it('exchanges a gift only at the store that handed it over: 403 PICKUP_WRONG_STORE elsewhere, nothing changed', async () => {
      await insertStore(app.huika.dataSource, {
        id: '01STORE6660000000000000000',
        code: 'S666',
        staff: { id: '01STAFF6660000000000000000', username: 'gift-other-manager', role: 'manager' },
      });
      const elsewhere = await staffToken(app, 'gift-other-manager');
      const exchange = (id: string, token: string) =>
        app.request({
          method: 'POST',
          url: `/api/pos/pickups/${id}/exchanges`,
          headers: auth(token),
          payload: { reason: '包装破损' },
        });
      const { id, pickupCode } = await redeemed();
      expect((await pickup(pickupCode)).status).toBe(200);

      const refused = await exchange(id, elsewhere);
      expect(refused).toMatchObject({
        status: 403,
        body: { code: 'PICKUP_WRONG_STORE', details: { collectedStoreId: storeId } },
      });
      const status = (await app.huika.dataSource.query('SELECT status FROM gift_redemptions WHERE id = ?', [id])) as {
        status: string;
      }[];
      expect(status[0]?.status).toBe('collected');
      expect(
        await scalar(app.huika.dataSource, 'SELECT COUNT(*) FROM gift_exchanges WHERE redemption_id = ?', [id]),
      ).toBe(0);
      expect(
        await scalar(
          app.huika.dataSource,
          "SELECT COUNT(*) FROM audit_log WHERE action = 'redemption.exchange' AND target_id = ?",
          [id],
        ),
      ).toBe(0);

      // The store that handed it over exchanges it.
      expect(await exchange(id, cashier)).toMatchObject({ status: 201, body: { storeId } });
      // Once exchanged, another store still learns only that it is not theirs.
      expect(await exchange(id, elsewhere)).toMatchObject({ status: 403, body: { code: 'PICKUP_WRONG_STORE' } });
    });

    it('locks a staff member out after 20 wrong codes in 15 minutes', async () => {
      const manager = await staffToken(app, 'manager');
      const { pickupCode } = await redeemed();
      // A right code takes its hit back.
      expect((await pickup(pickupCode, manager)).status).toBe(200);
      for (let i = 0; i < 20; i += 1)
        expect((await pickup(`WRONG${String(i).padStart(5, 'A')}`, manager)).status).toBe(404);
      const locked = await pickup('WRONGWRONG', manager);
      expect(locked).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      // Another staff member is not affected.
      expect((await pickup('WRONGWRONG')).status).toBe(404);
    });
  });
});
