import { insertMember, memberToken, scannedCheckoutToken, sqlSentDuring, staffToken, storeIdOf } from './fixtures';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase } from './test-app';

jest.setTimeout(300_000);

/** Enough rows to fill a page of the largest size a list allows. */
const ROWS = 100;
const EVERY_DAY = { kind: 'dateRange', from: '2000-01-01', to: '2099-12-31' } as const;

interface Member {
  id: string;
  openid: string;
  token: string;
}

describe(`member reads on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;
  let serial = 0;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const key = () => `k-${(serial += 1)}-${Math.random()}`;

  beforeAll(async () => {
    db = await freshDatabase();
    // This app's limit stays out of the way of the setup below, which reads a card code per purchase.
    app = await startTestApp(db.config, { memberReads: { burst: 100_000, perMinute: 100_000 } });
  });
  afterAll(async () => {
    await app?.close();
    await db.drop();
  });

  async function member(): Promise<Member> {
    const inserted = await insertMember(app.huika.dataSource);
    return { ...inserted, token: await memberToken(app, inserted) };
  }

  describe('statements per page', () => {
    let one: Member;
    let many: Member;

    /** A purchase (and so a points earning), a coupon and a gift redemption for the member, `count` times. */
    async function history(who: Member, count: number, giftId: string, templateId: string, admin: string) {
      const cashier = await staffToken(app, 'cashier');
      const storeId = await storeIdOf(app.huika.dataSource, 'S001');
      for (let i = 0; i < count; i += 1) {
        const checkoutToken = await scannedCheckoutToken(app, cashier, who);
        const bought = await app.request({
          method: 'POST',
          url: '/api/pos/purchases',
          headers: { ...auth(cashier), 'idempotency-key': key() },
          payload: {
            checkoutToken,
            storeId,
            receiptNo: `R-${key()}`,
            lines: [
              { sku: 'A', name: '衬衫', unitPriceFen: 10000, quantity: 1 },
              { sku: 'B', name: '袜子', unitPriceFen: 2000, quantity: 2 },
            ],
          },
        });
        expect(bought.status).toBe(201);
        const issued = await app.request({
          method: 'POST',
          url: `/api/admin/members/${who.id}/coupons`,
          headers: { ...auth(admin), 'idempotency-key': key() },
          payload: { templateId, reason: '客服补偿' },
        });
        if (issued.status !== 201) throw new Error(JSON.stringify([i, issued.body]));
        const redeemed = await app.request({
          method: 'POST',
          url: `/api/gifts/${giftId}/redemptions`,
          headers: { ...auth(who.token), 'idempotency-key': key() },
          payload: { quantity: 1 },
        });
        expect(redeemed.status).toBe(201);
      }
    }

    beforeAll(async () => {
      const admin = await staffToken(app, 'admin');
      const gifts: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const gift = await app.request({
          method: 'POST',
          url: '/api/admin/gifts',
          headers: auth(admin),
          payload: { name: `礼品${i}`, pointsPrice: 1, stock: 10_000, perMemberLimit: null, window: EVERY_DAY },
        });
        expect(gift.status).toBe(201);
        gifts.push((gift.body as { id: string }).id);
      }
      const template = await app.request({
        method: 'POST',
        url: '/api/admin/coupon-templates',
        headers: auth(admin),
        payload: {
          name: '满减券',
          validDays: 30,
          kind: 'cashOff',
          valueFen: 500,
          minSpendFen: 10000,
          perMemberLimit: ROWS,
        },
      });
      expect(template.status).toBe(201);
      const templateId = (template.body as { id: string }).id;
      one = await member();
      many = await member();
      await history(one, 1, gifts[0] ?? '', templateId, admin);
      await history(many, ROWS, gifts[0] ?? '', templateId, admin);
    });

    // Points entries: each round earns and spends.
    const lists = [
      { url: '/api/me/purchases?limit=100', few: 1 },
      { url: '/api/me/points/entries?limit=100', few: 2 },
      { url: '/api/me/coupons?limit=100', few: 1 },
      { url: '/api/me/redemptions?limit=100', few: 1 },
    ];

    it.each(lists)('$url sends as many statements for a full page as for one round', async ({ url, few }) => {
      const page = async (who: Member) => {
        let listed: unknown;
        const sql = await sqlSentDuring(app, async () => {
          const response = await app.request({ method: 'GET', url, headers: auth(who.token) });
          expect(response.status).toBe(200);
          listed = response.body;
        });
        return { sql, items: (listed as { items: unknown[] }).items.length };
      };
      const small = await page(one);
      const full = await page(many);
      expect(small.items).toBe(few);
      expect(full.items).toBe(100);
      expect(full.sql).toHaveLength(small.sql.length);
      // The dev clock's setting, the token's session, the member, the page.
      expect(full.sql.length).toBeLessThanOrEqual(4);
    });

    it('the gift catalog sends as many statements for a page of one gift as for every gift', async () => {
      const page = async (limit: number) => {
        let listed: unknown;
        const sql = await sqlSentDuring(app, async () => {
          const response = await app.request({
            method: 'GET',
            url: `/api/gifts?limit=${limit}`,
            headers: auth(many.token),
          });
          expect(response.status).toBe(200);
          listed = response.body;
        });
        return { sql, items: (listed as { items: unknown[] }).items.length };
      };
      const small = await page(1);
      const full = await page(100);
      expect(small.items).toBe(1);
      expect(full.items).toBeGreaterThanOrEqual(3);
      expect(full.sql).toHaveLength(small.sql.length);
    });
  });

  describe('the per-member limit on reads', () => {
    let limited: TestApp;
    let now = 0;

    beforeAll(async () => {
      // A second instance on the same database, with a small limit and a monotonic clock the test moves.
      limited = await startTestApp(db.config, { memberReads: { burst: 3, perMinute: 60, now: () => now } });
    });
    afterAll(async () => {
      await limited?.close();
    });

    const read = (who: Member, url = '/api/me') => limited.request({ method: 'GET', url, headers: auth(who.token) });

    it('refuses the read past the burst with 429 RATE_LIMITED and Retry-After, for that member only, until it refills', async () => {
      const alice = await member();
      const bob = await member();
      for (const url of ['/api/me', '/api/me/purchases', '/api/me/coupons'])
        expect((await read(alice, url)).status).toBe(200);
      const refused = await read(alice, '/api/me/points/entries');
      expect(refused).toMatchObject({
        status: 429,
        body: { code: 'RATE_LIMITED', details: { retryAfterSeconds: 1 } },
        headers: { 'retry-after': '1' },
      });
      // Refused before the route reads anything: the dev clock's setting and the token's session at most.
      expect((await sqlSentDuring(limited, () => read(alice))).length).toBeLessThanOrEqual(2);
      expect((await read(bob)).status).toBe(200);
      // The other instance keeps its own count.
      expect((await app.request({ method: 'GET', url: '/api/me', headers: auth(alice.token) })).status).toBe(200);
      // Writes are not this limit's business.
      const write = await limited.request({
        method: 'POST',
        url: '/api/gifts/01M8VJMC07ENFQKP1VVA5QH0GG/redemptions',
        headers: { ...auth(alice.token), 'idempotency-key': key() },
        payload: { quantity: 1 },
      });
      expect(write).toMatchObject({ status: 404, body: { code: 'GIFT_NOT_FOUND' } });

      now += 1_000;
      expect((await read(alice)).status).toBe(200);
      expect((await read(alice)).status).toBe(429);
      now += 60_000;
      for (let i = 0; i < 3; i += 1) expect((await read(alice)).status).toBe(200);
      expect((await read(alice)).status).toBe(429);
    });

    it('is published: every member read names 429 RATE_LIMITED in the API document', async () => {
      const document = (await limited.request({ method: 'GET', url: '/api/openapi.json' })).body as {
        paths: Record<string, Record<string, { responses: Record<string, { 'x-error-codes'?: string[] }> }>>;
      };
      for (const path of ['/api/me', '/api/me/purchases', '/api/me/coupons', '/api/me/redemptions', '/api/gifts']) {
        expect(document.paths[path]?.get?.responses['429']?.['x-error-codes']).toContain('RATE_LIMITED');
      }
      expect(document.paths['/api/gifts/{id}/redemptions']?.post?.responses['429']).toBeUndefined();
    });
  });
});
