import { routes } from '@huika/shared';
import { Clock } from '../../src/common/clock';
import { insertMember, memberToken } from './fixtures';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase, type TestResponse } from './test-app';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;

interface Session {
  token: string;
  refreshToken: string;
  staff: { id: string; role: string; storeId: string | null; username: string };
}

/**
 * Two instances on one database, as behind a load balancer: a change made through one must end the sessions it
 * ends on the other at once, with no instance remembering a stale answer.
 */
describe(`staff sessions across two instances on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let admin: Session;
  let storeId: string;
  let otherStoreId: string;
  let serial = 0;

  const call = async (
    app: TestApp,
    method: string,
    url: string,
    options: { token?: string; payload?: unknown; key?: string } = {},
  ): Promise<TestResponse> => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.key) headers['idempotency-key'] = options.key;
    return app.request({ method, url, headers, payload: options.payload });
  };

  async function login(app: TestApp, username: string, password: string): Promise<Session> {
    const response = await call(app, 'POST', routes.staffLogin.path, { payload: { username, password } });
    expect(response.status).toBe(200);
    return response.body as Session;
  }

  async function refresh(app: TestApp, session: Session): Promise<TestResponse> {
    return call(app, 'POST', routes.staffRefresh.path, { payload: { refreshToken: session.refreshToken } });
  }

  /** A new account, signed in at instance a. */
  async function newStaff(role: 'cashier' | 'manager' | 'admin'): Promise<Session> {
    serial += 1;
    const username = `session-${role}-${serial}`;
    const created = await call(a, 'POST', routes.adminStaffCreate.path, {
      token: admin.token,
      payload: {
        username,
        password: 'session-pass',
        displayName: `员工${serial}`,
        role,
        ...(role === 'admin' ? {} : { storeId }),
      },
    });
    expect(created.status).toBe(201);
    return login(a, username, 'session-pass');
  }

  const change = (session: Session, payload: Record<string, unknown>) =>
    call(a, 'PATCH', routes.adminStaffUpdate.path.replace(':id', session.staff.id), { token: admin.token, payload });

  /** The member shows the card's dynamic code; the cashier scans it at instance b. */
  async function scan(cashier: Session): Promise<TestResponse> {
    const member = await insertMember(a.huika.dataSource);
    const card = await call(b, 'GET', '/api/me/card-code', { token: await memberToken(b, member) });
    expect(card.status).toBe(200);
    return call(b, 'POST', '/api/pos/scan', {
      token: cashier.token,
      payload: { code: (card.body as { code: string }).code },
    });
  }

  const purchase = (cashier: Session, checkoutToken: string, key = `sk-${Math.random()}`) =>
    call(b, 'POST', '/api/pos/purchases', {
      token: cashier.token,
      key,
      payload: {
        checkoutToken,
        storeId,
        receiptNo: `SR${Math.random()}`,
        lines: [{ sku: 'A', name: '咖啡', unitPriceFen: 2000, quantity: 1 }],
      },
    });

  const checkoutTokenOf = (scanned: TestResponse) => (scanned.body as { checkoutToken: string }).checkoutToken;

  const stale = { status: 401, body: { code: 'TOKEN_EXPIRED' } };

  beforeAll(async () => {
    db = await freshDatabase();
    a = await startTestApp(db.config);
    b = await startTestApp(db.config);
    admin = await login(a, 'admin', 'admin-password');
    storeId = String(
      ((await a.huika.dataSource.query("SELECT id FROM stores WHERE code = 'S001'")) as { id: string }[])[0]?.id,
    );
    const other = await call(a, 'POST', routes.adminStoresCreate.path, {
      token: admin.token,
      payload: { code: 'S090', name: '九十号店' },
    });
    expect(other.status).toBe(201);
    otherStoreId = (other.body as { id: string }).id;
  });

  afterEach(async () => {
    await a.huika.app.get(Clock).reset();
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  it("refuses a deactivated cashier's access token at once: a purchase, a scan, on either instance", async () => {
    const cashier = await newStaff('cashier');
    const scanned = await scan(cashier);
    expect(scanned.status).toBe(200);
    expect((await purchase(cashier, checkoutTokenOf(scanned))).status).toBe(201);
    const next = await scan(cashier);
    expect(next.status).toBe(200);

    expect((await change(cashier, { active: false })).status).toBe(200);
    expect(await purchase(cashier, checkoutTokenOf(next))).toMatchObject(stale);
    expect(await scan(cashier)).toMatchObject(stale);
    // The client's answer, a refresh, ends the session: the refresh tokens went with the deactivation.
    expect(await refresh(b, cashier)).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
  });

  it("refuses a deactivated admin's access token at once on a headquarters route", async () => {
    const other = await newStaff('admin');
    expect((await call(b, 'GET', routes.adminStaffList.path, { token: other.token })).status).toBe(200);
    expect((await change(other, { active: false })).status).toBe(200);
    expect(await call(b, 'GET', routes.adminStaffList.path, { token: other.token })).toMatchObject(stale);
    expect(await call(a, 'GET', routes.adminStaffList.path, { token: other.token })).toMatchObject(stale);
  });

  it("takes a demoted manager's rights at once; a refresh goes on with the cashier's", async () => {
    const manager = await newStaff('manager');
    expect((await call(b, 'GET', routes.storeStaffList.path, { token: manager.token })).status).toBe(200);

    expect((await change(manager, { role: 'cashier' })).status).toBe(200);
    expect(await call(b, 'GET', routes.storeStaffList.path, { token: manager.token })).toMatchObject(stale);
    expect(await call(a, 'GET', routes.storeStaffList.path, { token: manager.token })).toMatchObject(stale);

    const renewed = await refresh(b, manager);
    expect(renewed).toMatchObject({ status: 200, body: { staff: { role: 'cashier', storeId } } });
    const cashier = renewed.body as Session;
    expect(await call(b, 'GET', routes.storeStaffList.path, { token: cashier.token })).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    expect((await scan(cashier)).status).toBe(200);
  });

  it("takes a moved cashier's old store at once, and the purchase's key stays free for the retry", async () => {
    const cashier = await newStaff('cashier');
    const scanned = await scan(cashier);
    expect(scanned.status).toBe(200);

    expect((await change(cashier, { storeId: otherStoreId })).status).toBe(200);
    const key = `moved-${Math.random()}`;
    expect(await purchase(cashier, checkoutTokenOf(scanned), key)).toMatchObject(stale);
    expect(await scan(cashier)).toMatchObject(stale);

    // The till refreshes and sends the purchase again with the same key: it is refused for the store now, not
    // answered with the stale token's refusal.
    const renewed = await refresh(b, cashier);
    expect(renewed).toMatchObject({ status: 200, body: { staff: { storeId: otherStoreId } } });
    const moved = renewed.body as Session;
    expect(await purchase(moved, checkoutTokenOf(scanned), key)).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    const purchases = (await a.huika.dataSource.query('SELECT COUNT(*) AS n FROM purchases WHERE staff_id = ?', [
      cashier.staff.id,
    ])) as { n: number | string }[];
    expect(Number(purchases[0]?.n)).toBe(0);
  });

  it('ends a refresh family at its absolute lifetime however often it is refreshed', async () => {
    const clock = a.huika.app.get(Clock);
    const start = clock.now();
    let session = await newStaff('cashier');
    for (const hours of [3, 6, 9, 11.9]) {
      await clock.setNow(start + hours * HOUR);
      const renewed = await refresh(hours % 2 ? a : b, session);
      expect(renewed.status).toBe(200);
      session = renewed.body as Session;
    }
    await clock.setNow(start + 12 * HOUR + 60_000);
    expect(await refresh(b, session)).toMatchObject({
      status: 401,
      body: { code: 'REFRESH_TOKEN_INVALID', details: { reason: 'expired' } },
    });
    // A new login starts a new family.
    const again = await login(b, session.staff.username, 'session-pass');
    expect((await refresh(a, again)).status).toBe(200);
  });
});
