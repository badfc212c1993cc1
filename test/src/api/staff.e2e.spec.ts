import { ApiClient } from '../harness/client';
import { TEST_DB } from '../harness/database';
import { type RunningServer, startServer } from '../harness/server';

jest.setTimeout(60_000);

/** Staff sessions and headquarters' staff and stores through the typed client: every answer matches its contract. */
describe(`staff and stores over HTTP, on ${TEST_DB}`, () => {
  let server: RunningServer;
  let api: ApiClient;

  beforeAll(async () => {
    server = await startServer();
    api = new ApiClient(server.baseUrl);
  });

  afterAll(async () => {
    await server.stop();
    await server.database.drop();
  });

  it('runs a headquarters session: login, a new store and cashier, the audit log, refresh, logout', async () => {
    const login = await api.call('staffLogin', { body: { username: 'admin', password: 'admin-password' } });
    if (!login.ok) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
    const { token } = login.body;

    const store = await api.call('adminStoresCreate', { token, body: { code: 'E2E1', name: '测试店' } });
    if (!store.ok) throw new Error(`store: ${JSON.stringify(store.body)}`);
    expect(store.status).toBe(201);
    const cashier = await api.call('adminStaffCreate', {
      token,
      body: {
        username: 'e2e-cashier',
        password: 'e2e-password',
        displayName: '测试收银',
        role: 'cashier',
        storeId: store.body.id,
      },
    });
    expect(cashier).toMatchObject({ ok: true, status: 201, body: { storeId: store.body.id, active: true } });

    const staffLogin = await api.call('staffLogin', { body: { username: 'e2e-cashier', password: 'e2e-password' } });
    expect(staffLogin).toMatchObject({ ok: true, body: { staff: { role: 'cashier', storeId: store.body.id } } });

    const stores = await api.call('adminStoresList', { token, query: { limit: 10 } });
    expect(stores.ok && stores.body.items.map((item) => item.code)).toEqual(['S001', 'E2E1']);
    const staff = await api.call('adminStaffList', { token, query: { storeId: store.body.id } });
    expect(staff.ok && staff.body.items.map((item) => item.username)).toEqual(['e2e-cashier']);
    const audit = await api.call('adminAuditLog', { token, query: { limit: 10 } });
    expect(audit.ok && audit.body.items.map((item) => item.action)).toEqual(
      expect.arrayContaining(['staff.login', 'store.create', 'staff.create']),
    );

    const refreshed = await api.call('staffRefresh', { body: { refreshToken: login.body.refreshToken } });
    if (!refreshed.ok) throw new Error(`refresh: ${JSON.stringify(refreshed.body)}`);
    const logout = await api.call('staffLogout', { body: { refreshToken: refreshed.body.refreshToken } });
    expect(logout.status).toBe(204);
    const afterLogout = await api.call('staffRefresh', { body: { refreshToken: refreshed.body.refreshToken } });
    expect(afterLogout).toMatchObject({ ok: false, status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
  });

  it('answers too many failed logins with 429 and retry-after', async () => {
    const attempt = () => api.call('staffLogin', { body: { username: 'manager', password: 'wrong-password' } });
    for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(401);
    const locked = await attempt();
    expect(locked).toMatchObject({ ok: false, status: 429, body: { code: 'RATE_LIMITED' } });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
