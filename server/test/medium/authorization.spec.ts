import { type RouteContract, routes } from '@huika/shared';
import { insertMember, memberToken, staffToken } from './fixtures';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase } from './test-app';

jest.setTimeout(120_000);

/**
 * The authorization matrix, generated from the route contracts: a route added tomorrow is covered
 * without touching this file. Public routes must be on the allowlist below, so a route cannot become
 * public by accident.
 */
const PUBLIC_ROUTES = new Set([
  'GET /api/health',
  'GET /api/openapi.json',
  'GET /api/docs',
  'GET /api/program',
  'POST /api/auth/staff',
  'POST /api/auth/staff/refresh',
  'POST /api/auth/member/refresh',
  'POST /api/auth/staff/logout',
  'POST /api/auth/wechat',
  'POST /api/auth/sms/send',
  'POST /api/auth/sms/verify',
]);

const GHOST_ID = '01JZZZZZZZZZZZZZZZZZZZZZZZ';
const all = Object.values(routes) as RouteContract[];
const name = (route: RouteContract) => `${route.method} ${route.path}`;
const url = (route: RouteContract) => route.path.replace(/:(\w+)/g, GHOST_ID);

describe(`authorization matrix on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;
  let tokens: {
    cashier: string;
    manager: string;
    admin: string;
    memberA: string;
    memberB: string;
    otherCashier: string;
  };
  let memberA: { id: string; openid: string };

  beforeAll(async () => {
    db = await freshDatabase();
    app = await startTestApp(db.config);
    memberA = await insertMember(app.huika.dataSource);
    const memberB = await insertMember(app.huika.dataSource);
    const now = Date.now();
    await app.huika.dataSource.query(
      "INSERT INTO stores (id, code, name, active, created_at) VALUES (?, 'S777', '别的店', 1, ?)",
      ['01STORE7770000000000000000', now],
    );
    await app.huika.dataSource.query(
      "INSERT INTO staff (id, username, password_hash, display_name, role, store_id, active, created_at, updated_at) VALUES (?, 'cashier-777', 'x', '别店收银', 'cashier', ?, 1, ?, ?)",
      ['01STAFF7770000000000000000', '01STORE7770000000000000000', now, now],
    );
    tokens = {
      cashier: await staffToken(app, 'cashier'),
      manager: await staffToken(app, 'manager'),
      admin: await staffToken(app, 'admin'),
      otherCashier: await staffToken(app, 'cashier-777'),
      memberA: await memberToken(app, memberA),
      memberB: await memberToken(app, memberB),
    };
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const call = (route: RouteContract, token?: string, path = url(route), payload?: unknown) =>
    app.request({
      method: route.method,
      url: path,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'idempotency-key': `authz-${Math.random()}` },
      payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : (payload ?? {}),
    });

  it('has no public route outside the allowlist', () => {
    const publicRoutes = all.filter((r) => r.auth === 'public').map(name);
    expect(publicRoutes.filter((r) => !PUBLIC_ROUTES.has(r))).toEqual([]);
  });

  it('refuses every member and staff route without a token (401)', async () => {
    for (const route of all.filter((r) => r.auth === 'member' || r.auth === 'staff')) {
      const response = await call(route);
      expect({ route: name(route), status: response.status }).toEqual({ route: name(route), status: 401 });
    }
  });

  it('refuses a staff token on every member route and a member token on every staff route (403)', async () => {
    for (const route of all.filter((r) => r.auth === 'member')) {
      const response = await call(route, tokens.cashier);
      expect({ route: name(route), status: response.status }).toEqual({ route: name(route), status: 403 });
    }
    for (const route of all.filter((r) => r.auth === 'staff')) {
      const response = await call(route, tokens.memberA);
      expect({ route: name(route), status: response.status }).toEqual({ route: name(route), status: 403 });
    }
  });

  it('refuses every role a staff route does not name (403)', async () => {
    for (const route of all.filter((r) => r.auth === 'staff' && r.roles)) {
      for (const role of ['cashier', 'manager', 'admin'] as const) {
        if (route.roles?.includes(role)) continue;
        const response = await call(route, tokens[role]);
        expect({ route: name(route), role, status: response.status }).toEqual({
          route: name(route),
          role,
          status: 403,
        });
      }
    }
  });

  it("never shows one member another member's data", async () => {
    // Member A gets points, a purchase-free history entry and a gift redemption.
    const adjust = await app.request({
      method: 'POST',
      url: `/api/admin/members/${memberA.id}/points-adjustments`,
      headers: { authorization: `Bearer ${tokens.admin}`, 'idempotency-key': 'authz-fund' },
      payload: { points: 5000, reason: '测试' },
    });
    expect(adjust.status).toBe(201);
    const gifts = await app.request({
      method: 'GET',
      url: '/api/gifts',
      headers: { authorization: `Bearer ${tokens.memberA}` },
    });
    const giftId = (gifts.body as { items: { id: string; redeemable: boolean }[] }).items.find((g) => g.redeemable)?.id;
    const redemption = await app.request({
      method: 'POST',
      url: `/api/gifts/${giftId}/redemptions`,
      headers: { authorization: `Bearer ${tokens.memberA}`, 'idempotency-key': 'authz-redeem' },
      payload: { quantity: 1 },
    });
    expect(redemption.status).toBe(201);
    const redemptionId = (redemption.body as { id: string }).id;
    const card = String(
      (
        (await app.huika.dataSource.query('SELECT card_no FROM members WHERE id = ?', [memberA.id])) as {
          card_no: string;
        }[]
      )[0]?.card_no,
    );

    // Every member GET route, as member B: nothing of A's comes back.
    for (const route of all.filter((r) => r.auth === 'member' && r.method === 'GET' && !r.path.includes(':'))) {
      const response = await call(route, tokens.memberB);
      const text = JSON.stringify(response.body);
      expect({
        route: name(route),
        leaks: text.includes(memberA.id) || text.includes(card) || text.includes(redemptionId),
      }).toEqual({
        route: name(route),
        leaks: false,
      });
    }
    // Member routes that name a resource: A's resource through B's token is not found.
    for (const route of all.filter(
      (r) => r.auth === 'member' && r.path.includes('/api/me/') && r.path.includes(':id'),
    )) {
      const response = await call(route, tokens.memberB, route.path.replace(':id', redemptionId));
      expect({ route: name(route), status: response.status }).toEqual({ route: name(route), status: 404 });
    }
  });

  it("keeps a cashier to their own store's purchases", async () => {
    const member = await insertMember(app.huika.dataSource);
    const code = await app.request({
      method: 'GET',
      url: '/api/me/card-code',
      headers: { authorization: `Bearer ${await memberToken(app, member)}` },
    });
    const scan = await app.request({
      method: 'POST',
      url: '/api/pos/scan',
      headers: { authorization: `Bearer ${tokens.cashier}` },
      payload: { code: (code.body as { code: string }).code },
    });
    const checkoutToken = (scan.body as { checkoutToken: string }).checkoutToken;
    const storeId = String(
      ((await app.huika.dataSource.query("SELECT id FROM stores WHERE code = 'S001'")) as { id: string }[])[0]?.id,
    );
    const purchase = await app.request({
      method: 'POST',
      url: '/api/pos/purchases',
      headers: { authorization: `Bearer ${tokens.cashier}`, 'idempotency-key': 'authz-p1' },
      payload: {
        checkoutToken,
        storeId,
        receiptNo: 'AUTHZ-1',
        lines: [{ sku: 'A', name: 'x', unitPriceFen: 1000, quantity: 1 }],
      },
    });
    expect(purchase.status).toBe(201);
    const purchaseId = (purchase.body as { id: string }).id;

    // Another store's cashier: cannot use this checkout, post at this store, find or refund its purchase.
    const other = { authorization: `Bearer ${tokens.otherCashier}` };
    expect(
      (
        await app.request({
          method: 'POST',
          url: '/api/pos/quotes',
          headers: other,
          payload: { checkoutToken, lines: [{ sku: 'A', name: 'x', unitPriceFen: 1, quantity: 1 }] },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await app.request({
          method: 'POST',
          url: '/api/pos/purchases',
          headers: { ...other, 'idempotency-key': 'authz-p2' },
          payload: {
            checkoutToken,
            storeId,
            receiptNo: 'AUTHZ-2',
            lines: [{ sku: 'A', name: 'x', unitPriceFen: 1000, quantity: 1 }],
          },
        })
      ).status,
    ).toBe(403);
    expect(
      (await app.request({ method: 'GET', url: '/api/pos/purchases/by-receipt/AUTHZ-1', headers: other })).status,
    ).toBe(404);
    expect(
      (
        await app.request({
          method: 'POST',
          url: `/api/pos/purchases/${purchaseId}/refunds`,
          headers: { ...other, 'idempotency-key': 'authz-r' },
          payload: { all: true },
        })
      ).status,
    ).toBe(403);
  });
});
