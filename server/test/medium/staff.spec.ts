import { type RouteContract, routes, staffRoutes } from '@huika/shared';
import { RateLimiter, type RateLimitHit } from '../../src/common/rate-limit/rate-limiter';
import { Transactions } from '../../src/common/transactions';
import { Clock } from '../../src/common/clock';
import { AuditService } from '../../src/modules/audit/audit.service';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase, type TestResponse } from './test-app';

jest.setTimeout(60_000);

const DEMO_PASSWORD = 'huika-demo';
const ADMIN_PASSWORD = 'admin-password';

/** Every body any test here received, checked at the end for password hashes. */
const seenBodies: unknown[] = [];

let ipSerial = 0;
/** A new client address (the server trusts X-Forwarded-For), so per-IP limits of one test don't touch another. */
function freshIp(): string {
  ipSerial += 1;
  return `10.${(ipSerial >> 8) & 255}.${ipSerial & 255}.7`;
}

interface CallOptions {
  token?: string;
  payload?: unknown;
  ip?: string;
}

async function call(app: TestApp, method: string, url: string, options: CallOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { 'x-forwarded-for': options.ip ?? freshIp() };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await app.request({ method, url, headers, payload: options.payload });
  seenBodies.push(response.body);
  return response;
}

function pathOf(route: RouteContract, id = ''): string {
  return route.path.replace(':id', id);
}

interface Session {
  token: string;
  refreshToken: string;
  expiresIn: number;
  staff: { id: string; role: string; storeId: string | null; username: string; displayName: string };
}

async function login(app: TestApp, username: string, password: string, ip?: string): Promise<Session> {
  const response = await call(app, 'POST', routes.staffLogin.path, { payload: { username, password }, ip });
  expect(response.status).toBe(200);
  return response.body as Session;
}

interface AuditItem {
  id: string;
  actor: { kind: string; id: string | null } | null;
  action: string;
  target: { kind: string; id: string | null } | null;
  before: unknown;
  after: unknown;
  createdAt: string;
}

async function auditOf(app: TestApp, adminToken: string, query: string): Promise<AuditItem[]> {
  const response = await call(app, 'GET', `${routes.adminAuditLog.path}?limit=100&${query}`, { token: adminToken });
  expect(response.status).toBe(200);
  return (response.body as { items: AuditItem[] }).items;
}

describe(`staff, stores and the audit log on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;
  let admin: Session;
  let storeId: string;

  beforeAll(async () => {
    db = await freshDatabase();
    app = await startTestApp(db.config);
    admin = await login(app, 'admin', ADMIN_PASSWORD);
    const stores = await call(app, 'GET', routes.adminStoresList.path, { token: admin.token });
    storeId = (stores.body as { items: { id: string; code: string }[] }).items.find((s) => s.code === 'S001')!.id;
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  describe('login', () => {
    it('logs a cashier in with an access token, a refresh token and the store', async () => {
      const session = await login(app, 'cashier', DEMO_PASSWORD);
      expect(session).toEqual({
        token: expect.any(String),
        refreshToken: expect.any(String),
        refreshExpiresIn: 12 * 60 * 60,
        expiresIn: 900,
        staff: { id: expect.any(String), role: 'cashier', storeId, username: 'cashier', displayName: '收银员 小王' },
      });
      expect(admin.staff).toMatchObject({ role: 'admin', storeId: null });
      // Usernames are case-insensitive.
      expect((await login(app, ' Manager ', DEMO_PASSWORD)).staff.role).toBe('manager');
    });

    it('answers a wrong password and an unknown username alike', async () => {
      const wrong = await call(app, 'POST', routes.staffLogin.path, {
        payload: { username: 'cashier', password: 'not-the-password' },
      });
      const unknown = await call(app, 'POST', routes.staffLogin.path, {
        payload: { username: 'nobody-here', password: 'not-the-password' },
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual({ code: 'INVALID_CREDENTIALS', message: expect.any(String) });
      expect(unknown.body).toEqual(wrong.body);
    });

    it('refuses malformed input with 400 VALIDATION_FAILED', async () => {
      const missing = await call(app, 'POST', routes.staffLogin.path, { payload: { username: 'cashier' } });
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { fields: [{ path: 'body.password', message: expect.any(String) }] },
      });
      const wrongType = await call(app, 'POST', routes.staffRefresh.path, { payload: { refreshToken: 42 } });
      expect(wrongType).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });

    it('refuses a deactivated account, and says so only to whoever knows the password', async () => {
      const created = await call(app, 'POST', routes.adminStaffCreate.path, {
        token: admin.token,
        payload: { username: 'leaving', password: 'leaving-pass', displayName: '离职员工', role: 'cashier', storeId },
      });
      expect(created.status).toBe(201);
      const id = (created.body as { id: string }).id;
      const before = await login(app, 'leaving', 'leaving-pass');

      const off = await call(app, 'PATCH', pathOf(routes.adminStaffUpdate, id), {
        token: admin.token,
        payload: { active: false },
      });
      expect(off).toMatchObject({ status: 200, body: { active: false } });

      const right = await call(app, 'POST', routes.staffLogin.path, {
        payload: { username: 'leaving', password: 'leaving-pass' },
      });
      expect(right).toMatchObject({ status: 403, body: { code: 'STAFF_INACTIVE' } });
      const wrong = await call(app, 'POST', routes.staffLogin.path, {
        payload: { username: 'leaving', password: 'guess-guess' },
      });
      expect(wrong).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });
      // Its sessions ended with the deactivation.
      const refresh = await call(app, 'POST', routes.staffRefresh.path, {
        payload: { refreshToken: before.refreshToken },
      });
      expect(refresh).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
    });
  });

  describe('refresh and logout', () => {
    it('rotates the refresh token and refuses a spent one, ending the whole session', async () => {
      const first = await login(app, 'admin', ADMIN_PASSWORD);
      const rotated = await call(app, 'POST', routes.staffRefresh.path, {
        payload: { refreshToken: first.refreshToken },
      });
      expect(rotated.status).toBe(200);
      const second = rotated.body as Session;
      expect(second).toMatchObject({ expiresIn: 900, staff: { id: first.staff.id, role: 'admin', storeId: null } });
      expect(second.refreshToken).not.toBe(first.refreshToken);
      const withNewToken = await call(app, 'GET', routes.adminStaffList.path, { token: second.token });
      expect(withNewToken.status).toBe(200);

      const replay = await call(app, 'POST', routes.staffRefresh.path, {
        payload: { refreshToken: first.refreshToken },
      });
      expect(replay).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
      // The replay revoked the family: the legitimate newer token is dead too.
      const after = await call(app, 'POST', routes.staffRefresh.path, {
        payload: { refreshToken: second.refreshToken },
      });
      expect(after).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });

      const audit = await auditOf(app, admin.token, `targetKind=staff&targetId=${first.staff.id}`);
      expect(audit.map((entry) => entry.action)).toEqual(
        expect.arrayContaining(['staff.login', 'staff.refresh', 'staff.refresh_reused']),
      );
      // Another session of the same account is untouched.
      const other = await call(app, 'GET', routes.adminStaffList.path, { token: admin.token });
      expect(other.status).toBe(200);
    });

    it('refuses unknown refresh tokens', async () => {
      const unknown = await call(app, 'POST', routes.staffRefresh.path, { payload: { refreshToken: 'nope' } });
      expect(unknown).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
    });

    it('logs out: the refresh token is revoked, and logging out twice is harmless', async () => {
      const session = await login(app, 'manager', DEMO_PASSWORD);
      const out = await call(app, 'POST', routes.staffLogout.path, { payload: { refreshToken: session.refreshToken } });
      expect(out.status).toBe(204);
      const refresh = await call(app, 'POST', routes.staffRefresh.path, {
        payload: { refreshToken: session.refreshToken },
      });
      expect(refresh).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
      const again = await call(app, 'POST', routes.staffLogout.path, {
        payload: { refreshToken: session.refreshToken },
      });
      expect(again.status).toBe(204);
      const logouts = (await auditOf(app, admin.token, 'action=staff.logout')).filter(
        (entry) => entry.target?.id === session.staff.id,
      );
      expect(logouts).toHaveLength(1);
      expect(logouts[0]!.actor).toEqual({ kind: 'staff', id: session.staff.id });
    });

    it('stores refresh tokens only as hashes, expiring with the session 12 hours after its login', async () => {
      const session = await login(app, 'cashier', DEMO_PASSWORD);
      const rows = (await app.huika.dataSource.query(
        'SELECT token_hash, expires_at, created_at FROM staff_refresh_tokens WHERE staff_id = ? ORDER BY id DESC',
        [session.staff.id],
      )) as { token_hash: string; expires_at: number | string; created_at: number | string }[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.map((row) => row.token_hash)).not.toContain(session.refreshToken);
      expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(Number(rows[0]!.expires_at) - Number(rows[0]!.created_at)).toBe(12 * 60 * 60 * 1000);
    });
  });

  describe('who may call what', () => {
    it('serves every staff contract and publishes it in the OpenAPI document', async () => {
      const document = (await call(app, 'GET', routes.openApiDocument.path)).body as {
        paths: Record<string, Record<string, { 'x-huika-roles'?: string[] }>>;
      };
      for (const route of Object.values(staffRoutes)) {
        const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
        expect(document.paths[openApiPath]?.[route.method.toLowerCase()]).toBeDefined();
        const probe = await call(app, route.method, route.path.replace(/:(\w+)/g, 'x'));
        expect({ route: `${route.method} ${route.path}`, status: probe.status }).not.toMatchObject({ status: 404 });
      }
      expect(document.paths['/api/admin/staff']?.get?.['x-huika-roles']).toEqual(['admin']);
    });

    const adminRoutes = [
      routes.adminStoresList,
      routes.adminStoresCreate,
      routes.adminStoresUpdate,
      routes.adminStaffList,
      routes.adminStaffCreate,
      routes.adminStaffUpdate,
      routes.adminAuditLog,
    ];

    it('keeps headquarters routes from callers without a token, store staff and members', async () => {
      const cashier = await login(app, 'cashier', DEMO_PASSWORD);
      const manager = await login(app, 'manager', DEMO_PASSWORD);
      const member = (await call(app, 'POST', routes.devLogin.path, { payload: { openid: 'o-staff-spec' } })).body as {
        token: string;
      };
      for (const route of adminRoutes) {
        const url = pathOf(route, storeId);
        const anonymous = await call(app, route.method, url, { payload: route.body ? {} : undefined });
        expect({ url, status: anonymous.status, body: anonymous.body }).toMatchObject({
          status: 401,
          body: { code: 'UNAUTHORIZED' },
        });
        for (const token of [cashier.token, manager.token, member.token]) {
          const refused = await call(app, route.method, url, { token, payload: route.body ? {} : undefined });
          expect({ url, status: refused.status, body: refused.body }).toMatchObject({
            status: 403,
            body: { code: 'FORBIDDEN' },
          });
        }
      }
      const garbage = await call(app, 'GET', routes.adminStaffList.path, { token: 'not.a.token' });
      expect(garbage).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    });

    it("lets a manager list their own store's staff, and nobody else", async () => {
      const other = await call(app, 'POST', routes.adminStoresCreate.path, {
        token: admin.token,
        payload: { code: 'S900', name: '别的店' },
      });
      const otherStoreId = (other.body as { id: string }).id;
      const elsewhere = await call(app, 'POST', routes.adminStaffCreate.path, {
        token: admin.token,
        payload: {
          username: 'elsewhere',
          password: 'elsewhere-1',
          displayName: '别店收银',
          role: 'cashier',
          storeId: otherStoreId,
        },
      });
      expect(elsewhere.status).toBe(201);

      const manager = await login(app, 'manager', DEMO_PASSWORD);
      const own = await call(app, 'GET', routes.storeStaffList.path, { token: manager.token });
      expect(own.status).toBe(200);
      const items = (own.body as { items: { username: string; storeId: string }[] }).items;
      expect(items.map((staff) => staff.username)).toEqual(expect.arrayContaining(['cashier', 'manager']));
      expect(items.map((staff) => staff.username)).not.toContain('elsewhere');
      expect(items.every((staff) => staff.storeId === storeId)).toBe(true);

      const cashier = await login(app, 'cashier', DEMO_PASSWORD);
      for (const token of [cashier.token, admin.token]) {
        const refused = await call(app, 'GET', routes.storeStaffList.path, { token });
        expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
      }
      const anonymous = await call(app, 'GET', routes.storeStaffList.path);
      expect(anonymous.status).toBe(401);
    });
  });

  describe('stores', () => {
    it('opens a store, refuses a taken code and bad input', async () => {
      const created = await call(app, 'POST', routes.adminStoresCreate.path, {
        token: admin.token,
        payload: { code: 's002', name: '  二号店 ', address: '上海市徐汇区' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        code: 'S002',
        name: '二号店',
        address: '上海市徐汇区',
        active: true,
        createdAt: expect.any(String),
      });

      const taken = await call(app, 'POST', routes.adminStoresCreate.path, {
        token: admin.token,
        payload: { code: 'S001', name: '又一个旗舰店' },
      });
      expect(taken).toMatchObject({ status: 409, body: { code: 'STORE_CODE_TAKEN' } });

      for (const payload of [{ code: 'S003' }, { code: 'no spaces', name: 'x' }, { code: 'S003', name: '' }]) {
        const bad = await call(app, 'POST', routes.adminStoresCreate.path, { token: admin.token, payload });
        expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      }
    });

    it("filters the audit log by the program's calendar days, both ends included", async () => {
      const clock = app.huika.app.get(Clock);
      const stores: Record<string, string> = {};
      // 23:30 and 00:30 in Shanghai: the same UTC day, two calendar days of the program.
      for (const [code, at] of [
        ['D0309', '2026-03-09T23:30:00+08:00'],
        ['D0310', '2026-03-10T00:30:00+08:00'],
        ['D0311', '2026-03-11T23:59:00+08:00'],
      ] as const) {
        await clock.setNow(Date.parse(at));
        const created = await call(app, 'POST', routes.adminStoresCreate.path, {
          token: admin.token,
          payload: { code, name: code },
        });
        stores[code] = (created.body as { id: string }).id;
      }
      await clock.reset();
      const codesOn = async (query: string) =>
        (await auditOf(app, admin.token, `action=store.create&${query}`))
          .map((entry) => (entry.after as { code: string }).code)
          .filter((code) => code.startsWith('D03'));
      expect(await codesOn('from=2026-03-10&to=2026-03-10')).toEqual(['D0310']);
      expect(await codesOn('from=2026-03-10&to=2026-03-11')).toEqual(['D0311', 'D0310']);
      expect(await codesOn('from=2026-03-10')).toEqual(['D0311', 'D0310']);
      expect(await codesOn('to=2026-03-09')).toEqual(['D0309']);
      const backwards = await call(app, 'GET', `${routes.adminAuditLog.path}?from=2026-03-11&to=2026-03-10`, {
        token: admin.token,
      });
      expect(backwards).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });

    it('updates a store and audits the change with before and after', async () => {
      const created = await call(app, 'POST', routes.adminStoresCreate.path, {
        token: admin.token,
        payload: { code: 'S004', name: '四号店' },
      });
      const id = (created.body as { id: string }).id;
      const updated = await call(app, 'PATCH', pathOf(routes.adminStoresUpdate, id), {
        token: admin.token,
        payload: { name: '四号店（新）', address: '杭州市', active: false },
      });
      expect(updated).toMatchObject({
        status: 200,
        body: { id, code: 'S004', name: '四号店（新）', address: '杭州市', active: false },
      });

      const audit = await auditOf(app, admin.token, `targetKind=store&targetId=${id}`);
      expect(audit.map((entry) => entry.action)).toEqual(['store.update', 'store.create']);
      expect(audit[0]).toMatchObject({
        actor: { kind: 'staff', id: admin.staff.id },
        target: { kind: 'store', id },
        before: { name: '四号店', address: null, active: true },
        after: { name: '四号店（新）', address: '杭州市', active: false },
      });
      expect(audit[1]).toMatchObject({ before: null, after: { code: 'S004', name: '四号店' } });

      // No staff can be assigned to a closed store.
      const assign = await call(app, 'POST', routes.adminStaffCreate.path, {
        token: admin.token,
        payload: { username: 'closed-store', password: 'password-1', displayName: 'x', role: 'cashier', storeId: id },
      });
      expect(assign).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });

      const unknown = await call(app, 'PATCH', pathOf(routes.adminStoresUpdate, '01ARZ3NDEKTSV4RRFFQ69G5FAV'), {
        token: admin.token,
        payload: { name: 'x' },
      });
      expect(unknown).toMatchObject({ status: 404, body: { code: 'STORE_NOT_FOUND' } });
      const empty = await call(app, 'PATCH', pathOf(routes.adminStoresUpdate, id), { token: admin.token, payload: {} });
      expect(empty).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });

    it('lists stores page by page', async () => {
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const page = await call(app, 'GET', `${routes.adminStoresList.path}${query}`, { token: admin.token });
        expect(page.status).toBe(200);
        const body = page.body as { items: { id: string }[]; nextCursor: string | null };
        expect(body.items.length).toBeLessThanOrEqual(2);
        all.push(...body.items.map((store) => store.id));
        cursor = body.nextCursor;
      } while (cursor);
      const count = (await app.huika.dataSource.query('SELECT id FROM stores')) as unknown[];
      expect(all).toHaveLength(count.length);
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort()).toEqual(all);

      const bad = await call(app, 'GET', `${routes.adminStoresList.path}?cursor=nonsense`, { token: admin.token });
      expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      const tooMany = await call(app, 'GET', `${routes.adminStoresList.path}?limit=1000`, { token: admin.token });
      expect(tooMany).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });
  });

  describe('staff accounts', () => {
    it('creates a cashier who can log in at once, and audits it without the password', async () => {
      const created = await call(app, 'POST', routes.adminStaffCreate.path, {
        token: admin.token,
        payload: { username: 'Xiao.Li', password: 'xiaoli-pass', displayName: '收银员 小李', role: 'cashier', storeId },
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        username: 'xiao.li',
        displayName: '收银员 小李',
        role: 'cashier',
        storeId,
        active: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const id = (created.body as { id: string }).id;
      expect((await login(app, 'xiao.li', 'xiaoli-pass')).staff).toMatchObject({ id, role: 'cashier', storeId });

      const [entry] = await auditOf(app, admin.token, `targetKind=staff&targetId=${id}&action=staff.create`);
      expect(entry).toMatchObject({
        actor: { kind: 'staff', id: admin.staff.id },
        before: null,
        after: { id, username: 'xiao.li', role: 'cashier', storeId },
      });
      expect(JSON.stringify(entry)).not.toMatch(/password|xiaoli-pass|scrypt/i);
    });

    it('refuses a taken username, a short password, and a store that does not fit the role', async () => {
      const cases: { payload: Record<string, unknown>; status: number; code: string; field?: string }[] = [
        {
          payload: { username: 'CASHIER', password: 'password-1', displayName: 'x', role: 'cashier', storeId },
          status: 409,
          code: 'USERNAME_TAKEN',
        },
        {
          payload: { username: 'shortpw', password: 'seven77', displayName: 'x', role: 'cashier', storeId },
          status: 400,
          code: 'VALIDATION_FAILED',
          field: 'body.password',
        },
        {
          payload: { username: 'nostore', password: 'password-1', displayName: 'x', role: 'manager' },
          status: 400,
          code: 'VALIDATION_FAILED',
          field: 'body.storeId',
        },
        {
          payload: { username: 'hqstore', password: 'password-1', displayName: 'x', role: 'admin', storeId },
          status: 400,
          code: 'VALIDATION_FAILED',
          field: 'body.storeId',
        },
        {
          payload: { username: 'badrole', password: 'password-1', displayName: 'x', role: 'owner', storeId },
          status: 400,
          code: 'VALIDATION_FAILED',
          field: 'body.role',
        },
        {
          payload: {
            username: 'ghoststore',
            password: 'password-1',
            displayName: 'x',
            role: 'cashier',
            storeId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
          },
          status: 404,
          code: 'STORE_NOT_FOUND',
        },
      ];
      const auditBefore = (await auditOf(app, admin.token, 'action=staff.create')).length;
      for (const { payload, status, code, field } of cases) {
        const response = await call(app, 'POST', routes.adminStaffCreate.path, { token: admin.token, payload });
        expect({ payload, status: response.status, body: response.body }).toMatchObject({ status, body: { code } });
        if (field) {
          const fields = (response.body as { details: { fields: { path: string }[] } }).details.fields;
          expect(fields.map((f) => f.path)).toContain(field);
        }
      }
      // Nothing was created, so nothing was audited.
      expect(await auditOf(app, admin.token, 'action=staff.create')).toHaveLength(auditBefore);
    });

    it('changes an account: name, role, store, password; a new password ends its sessions', async () => {
      const created = await call(app, 'POST', routes.adminStaffCreate.path, {
        token: admin.token,
        payload: { username: 'promote-me', password: 'first-pass', displayName: '小张', role: 'cashier', storeId },
      });
      const id = (created.body as { id: string }).id;
      const session = await login(app, 'promote-me', 'first-pass');

      const toManager = await call(app, 'PATCH', pathOf(routes.adminStaffUpdate, id), {
        token: admin.token,
        payload: { role: 'manager', displayName: '店长 小张' },
      });
      expect(toManager).toMatchObject({ status: 200, body: { role: 'manager', storeId, displayName: '店长 小张' } });

      // Promoted to headquarters: the store goes with no word about it.
      const toAdmin = await call(app, 'PATCH', pathOf(routes.adminStaffUpdate, id), {
        token: admin.token,
        payload: { role: 'admin' },
      });
      expect(toAdmin).toMatchObject({ status: 200, body: { role: 'admin', storeId: null } });
      const backWithoutStore = await call(app, 'PATCH', pathOf(routes.adminStaffUpdate, id), {
        token: admin.token,
        payload: { role: 'cashier' },
      });
      expect(backWithoutStore).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });

      const newPassword = await call(app, 'PATCH', pathOf(routes.adminStaffUpdate, id), {
        token: admin.token,
        payload: { password: 'second-pass' },
      });
      expect(newPassword.status).toBe(200);
      const old = await call(app, 'POST', routes.staffLogin.path, {
        payload: { username: 'promote-me', password: 'first-pass' },
      });
      expect(old).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });
      expect((await login(app, 'promote-me', 'second-pass')).staff.role).toBe('admin');
      const refresh = await call(app, 'POST', routes.staffRefresh.path, {
        payload: { refreshToken: session.refreshToken },
      });
      expect(refresh).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });

      const audit = await auditOf(app, admin.token, `targetKind=staff&targetId=${id}&action=staff.update`);
      expect(audit).toHaveLength(3);
      expect(audit[0]).toMatchObject({ after: { passwordChanged: true }, before: { role: 'admin' } });
      expect(audit[2]).toMatchObject({
        before: { role: 'cashier', displayName: '小张' },
        after: { role: 'manager', displayName: '店长 小张' },
      });
      expect(JSON.stringify(audit)).not.toMatch(/first-pass|second-pass|scrypt|passwordHash/);
    });

    it('keeps headquarters from locking itself out, and answers unknown accounts with 404', async () => {
      const self = await call(app, 'PATCH', pathOf(routes.adminStaffUpdate, admin.staff.id), {
        token: admin.token,
        payload: { active: false },
      });
      expect(self).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
      const demoteSelf = await call(app, 'PATCH', pathOf(routes.adminStaffUpdate, admin.staff.id), {
        token: admin.token,
        payload: { role: 'manager', storeId },
      });
      expect(demoteSelf).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });

      const unknown = await call(app, 'PATCH', pathOf(routes.adminStaffUpdate, '01ARZ3NDEKTSV4RRFFQ69G5FAV'), {
        token: admin.token,
        payload: { displayName: 'x' },
      });
      expect(unknown).toMatchObject({ status: 404, body: { code: 'STAFF_NOT_FOUND' } });
      const empty = await call(app, 'PATCH', pathOf(routes.adminStaffUpdate, admin.staff.id), {
        token: admin.token,
        payload: {},
      });
      expect(empty).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });

    it('lists staff with filters and pages', async () => {
      const cashiers = await call(app, 'GET', `${routes.adminStaffList.path}?role=cashier&storeId=${storeId}`, {
        token: admin.token,
      });
      const items = (cashiers.body as { items: { role: string; storeId: string }[] }).items;
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((staff) => staff.role === 'cashier' && staff.storeId === storeId)).toBe(true);
      const inactive = await call(app, 'GET', `${routes.adminStaffList.path}?active=false`, { token: admin.token });
      expect((inactive.body as { items: { username: string }[] }).items.map((s) => s.username)).toContain('leaving');

      const first = await call(app, 'GET', `${routes.adminStaffList.path}?limit=1`, { token: admin.token });
      const firstBody = first.body as { items: { id: string }[]; nextCursor: string };
      expect(firstBody.items).toHaveLength(1);
      const second = await call(app, 'GET', `${routes.adminStaffList.path}?limit=1&cursor=${firstBody.nextCursor}`, {
        token: admin.token,
      });
      expect((second.body as { items: { id: string }[] }).items[0]!.id > firstBody.items[0]!.id).toBe(true);
    });
  });

  describe('audit log', () => {
    it('records logins, failed ones with no actor and the username tried, never the password', async () => {
      const ip = freshIp();
      await call(app, 'POST', routes.staffLogin.path, {
        payload: { username: 'ghost-user', password: 'secret-guess-1' },
        ip,
      });
      const [failed] = await auditOf(app, admin.token, 'targetKind=staff_username&targetId=ghost-user');
      expect(failed).toMatchObject({
        actor: null,
        action: 'staff.login_failed',
        target: { kind: 'staff_username', id: 'ghost-user' },
        after: { reason: 'unknown_username', ip, lockedOut: false },
      });
      expect(JSON.stringify(failed)).not.toContain('secret-guess-1');

      const session = await login(app, 'cashier', DEMO_PASSWORD, ip);
      const [ok] = await auditOf(app, admin.token, `targetId=${session.staff.id}&action=staff.login`);
      expect(ok).toMatchObject({ actor: { kind: 'staff', id: session.staff.id }, after: { ip } });
    });

    it('pages newest first by cursor', async () => {
      const first = await call(app, 'GET', `${routes.adminAuditLog.path}?limit=3`, { token: admin.token });
      const body = first.body as { items: AuditItem[]; nextCursor: string };
      expect(body.items).toHaveLength(3);
      const ids = body.items.map((entry) => entry.id);
      expect([...ids].sort().reverse()).toEqual(ids);
      const next = await call(app, 'GET', `${routes.adminAuditLog.path}?limit=3&cursor=${body.nextCursor}`, {
        token: admin.token,
      });
      const nextIds = (next.body as { items: AuditItem[] }).items.map((entry) => entry.id);
      expect(nextIds).toHaveLength(3);
      expect(nextIds.every((id) => id < ids[2]!)).toBe(true);
      const everything = await auditOf(app, admin.token, '');
      expect(everything.slice(0, 6).map((entry) => entry.id)).toEqual([...ids, ...nextIds]);
    });

    it('writes in the transaction of the change: a rolled-back change leaves no row', async () => {
      const audit = app.huika.app.get(AuditService);
      const transactions = app.huika.app.get(Transactions);
      await expect(
        transactions.run(async (tx) => {
          await audit.record(tx, { actor: null, action: 'test.rolled_back', target: null, after: { n: 1 } });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await auditOf(app, admin.token, 'action=test.rolled_back')).toHaveLength(0);
    });
  });

  describe('every answer', () => {
    it('never shows a password hash', async () => {
      // Everything a headquarters admin can read, on top of every answer the tests above received.
      for (const path of [routes.adminStaffList.path, routes.adminAuditLog.path]) {
        seenBodies.push((await call(app, 'GET', `${path}?limit=100`, { token: admin.token })).body);
      }
      const manager = await login(app, 'manager', DEMO_PASSWORD);
      seenBodies.push((await call(app, 'GET', routes.storeStaffList.path, { token: manager.token })).body);
      // Runs last: the answers of every test above are in.
      expect(seenBodies.length).toBeGreaterThan(100);
      const everything = JSON.stringify(seenBodies);
      expect(everything).toContain('"username":"cashier"');
      expect(everything).not.toMatch(/scrypt\$|passwordHash|password_hash/);
    });
  });
});

describe(`staff login rate limits on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    db = await freshDatabase();
    a = await startTestApp(db.config);
    b = await startTestApp(db.config);
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  const attempt = (app: TestApp, username: string, password: string, ip = freshIp()) =>
    call(app, 'POST', routes.staffLogin.path, { payload: { username, password }, ip });

  it('locks a username after 10 failures in 15 minutes, counted across instances; successes do not count', async () => {
    // Nine failures, alternating instances, each from another address: only the username limit applies.
    for (let i = 0; i < 9; i++) {
      const response = await attempt(i % 2 ? a : b, 'cashier', `wrong-${i}`);
      expect(response).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });
    }
    for (const app of [a, b]) expect((await attempt(app, 'cashier', DEMO_PASSWORD)).status).toBe(200);
    expect((await attempt(a, 'cashier', 'wrong-10')).status).toBe(401);

    for (const app of [b, a]) {
      const locked = await attempt(app, 'cashier', DEMO_PASSWORD);
      expect(locked).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
      const retryAfter = Number(locked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    }
    // Another account is not affected.
    expect((await attempt(b, 'manager', DEMO_PASSWORD)).status).toBe(200);

    // The window follows the shared clock: a quarter of an hour later the account may try again.
    await a.request({
      method: 'PUT',
      url: routes.devClockSet.path,
      payload: { now: new Date(Date.now() + 16 * 60 * 1000).toISOString() },
    });
    try {
      expect((await attempt(b, 'cashier', DEMO_PASSWORD)).status).toBe(200);
      // The finished window's counter was swept; only the current one is left.
      const windows = (await b.huika.dataSource.query('SELECT hits FROM rate_limit_counters WHERE bucket_key = ?', [
        'staff-login-user:cashier',
      ])) as { hits: number }[];
      expect(windows.map((row) => Number(row.hits))).toEqual([0]);
    } finally {
      await a.request({ method: 'DELETE', url: routes.devClockReset.path });
    }
  });

  it('limits failures per address across usernames, on both instances', async () => {
    const ip = freshIp();
    for (let i = 0; i < 30; i++) {
      const response = await attempt(i % 2 ? a : b, `nobody-${i}`, 'wrong-password', ip);
      expect(response.status).toBe(401);
    }
    for (const app of [a, b]) {
      const locked = await attempt(app, 'manager', DEMO_PASSWORD, ip);
      expect(locked).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect((await attempt(a, 'manager', DEMO_PASSWORD, freshIp())).status).toBe(200);
  });

  it('lets exactly the limit through when attempts race', async () => {
    const ip = freshIp();
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attempt(a, `racer-${i}`, 'wrong-password', ip)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(30);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
  });

  it('is a reusable limiter: racing hits settle atomically, refusals say when to retry, hits can be released', async () => {
    const limiter = a.huika.app.get(RateLimiter);
    const rule = { name: 'test-race', limit: 5, windowMs: 60_000 };
    // Racing across two instances needs two processes on SQLite: in one process, one instance's synchronous
    // wait for the file lock would block the event loop the other needs to commit. MySQL has real pools.
    const instances = TEST_DB === 'mysql' ? [a, b] : [a];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        instances[i % instances.length]!.huika.app.get(RateLimiter).consume([{ rule, key: 'k' }]),
      ),
    );
    const admitted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(admitted).toHaveLength(5);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toMatchObject({
          code: 'RATE_LIMITED',
          details: { retryAfterSeconds: expect.any(Number) },
        });
      }
    }
    expect(await limiter.remaining(rule, 'k')).toBe(0);
    await limiter.release((admitted[0] as PromiseFulfilledResult<RateLimitHit[]>).value);
    expect(await limiter.remaining(rule, 'k')).toBe(1);
    await limiter.reset(rule, 'k');
    expect(await limiter.remaining(rule, 'k')).toBe(5);
  });
});
