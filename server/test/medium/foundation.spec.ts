import { routes } from '@huika/shared';
import { DataSource } from 'typeorm';
import { openDatabase } from '../../src/database/data-source';
import { MIGRATIONS } from '../../src/database/migrations';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase } from './test-app';

const EXPECTED_TABLES = ['app_settings', 'audit_log', 'gifts', 'members', 'program_config', 'staff', 'stores'];

async function tableNames(dataSource: DataSource): Promise<string[]> {
  const sql =
    dataSource.options.type === 'mysql'
      ? 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()'
      : "SELECT name FROM sqlite_master WHERE type = 'table'";
  const rows = (await dataSource.query(sql)) as { name?: string; NAME?: string; TABLE_NAME?: string }[];
  return rows.map((row) => String(row.name ?? row.NAME ?? row.TABLE_NAME)).sort();
}

describe(`foundation on ${TEST_DB}`, () => {
  describe('migrations', () => {
    let db: TestDatabase;
    beforeEach(async () => {
      db = await freshDatabase();
    });
    afterEach(async () => {
      await db.drop();
    });

    it('creates every table by migration, not synchronize, and records each migration once', async () => {
      const dataSource = await openDatabase(db.config);
      try {
        expect(dataSource.options.synchronize).toBe(false);
        const tables = await tableNames(dataSource);
        for (const table of [...EXPECTED_TABLES, 'schema_migrations']) expect(tables).toContain(table);
        const applied = (await dataSource.query('SELECT name FROM schema_migrations')) as { name: string }[];
        expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
      } finally {
        await dataSource.destroy();
      }
      // A second start finds nothing to do.
      const again = await openDatabase(db.config);
      try {
        const applied = (await again.query('SELECT COUNT(*) AS n FROM schema_migrations')) as { n: number | string }[];
        expect(Number(applied[0]?.n)).toBe(MIGRATIONS.length);
      } finally {
        await again.destroy();
      }
    });

    it('lets several servers start at once on one database', async () => {
      const sources = await Promise.all([1, 2, 3].map(() => openDatabase(db.config)));
      try {
        const applied = (await sources[0]!.query('SELECT COUNT(*) AS n FROM schema_migrations')) as { n: number }[];
        expect(Number(applied[0]?.n)).toBe(MIGRATIONS.length);
      } finally {
        await Promise.all(sources.map((source) => source.destroy()));
      }
    });
  });

  describe('seed', () => {
    let db: TestDatabase;
    let app: TestApp;
    beforeAll(async () => {
      db = await freshDatabase();
      app = await startTestApp(db.config);
    });
    afterAll(async () => {
      await app.close();
      await db.drop();
    });

    it('creates the admin, the default program and the demo exactly once', async () => {
      const dataSource = app.huika.dataSource;
      const count = async (sql: string) => Number(((await dataSource.query(sql)) as { n: number }[])[0]?.n);
      expect(await count("SELECT COUNT(*) AS n FROM staff WHERE role = 'admin'")).toBe(1);
      expect(await count('SELECT COUNT(*) AS n FROM stores')).toBe(1);
      expect(await count('SELECT COUNT(*) AS n FROM staff')).toBe(3);
      expect(await count('SELECT COUNT(*) AS n FROM gifts')).toBe(3);
      expect(await count('SELECT COUNT(*) AS n FROM program_config')).toBe(1);

      // A restart on the same database (or a second instance) reuses the data.
      const second = await startTestApp(db.config);
      try {
        expect(second.huika.seed).toEqual({ generatedAdminPassword: null, demoSeededNow: false });
        expect(await count('SELECT COUNT(*) AS n FROM staff')).toBe(3);
        expect(await count('SELECT COUNT(*) AS n FROM gifts')).toBe(3);
      } finally {
        await second.close();
      }
    });

    it('seeds store S001 旗舰店 with a cashier and a manager', async () => {
      const rows = (await app.huika.dataSource.query(
        'SELECT s.username, s.role, st.code, st.name FROM staff s JOIN stores st ON st.id = s.store_id ORDER BY s.username',
      )) as { username: string; role: string; code: string; name: string }[];
      expect(rows).toEqual([
        { username: 'cashier', role: 'cashier', code: 'S001', name: '旗舰店' },
        { username: 'manager', role: 'manager', code: 'S001', name: '旗舰店' },
      ]);
    });
  });

  describe('HTTP basics', () => {
    let db: TestDatabase;
    let app: TestApp;
    beforeAll(async () => {
      db = await freshDatabase();
      app = await startTestApp(db.config);
    });
    afterAll(async () => {
      await app.close();
      await db.drop();
    });

    it('reports health with the database kind', async () => {
      const response = await app.request({ method: 'GET', url: '/api/health' });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ok', db: TEST_DB, version: 'test' });
      expect(response.headers['x-request-id']).toEqual(expect.any(String));
    });

    it('keeps a sane request id from the caller', async () => {
      const response = await app.request({
        method: 'GET',
        url: '/api/health',
        headers: { 'x-request-id': 'till-42.7' },
      });
      expect(response.headers['x-request-id']).toBe('till-42.7');
    });

    it('answers unknown API routes with a JSON 404', async () => {
      const response = await app.request({ method: 'GET', url: '/api/no-such-route' });
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('answers malformed JSON and schema violations with 400 VALIDATION_FAILED naming the field', async () => {
      const broken = await app.request({
        method: 'POST',
        url: '/api/dev/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"openid":',
      });
      expect(broken.status).toBe(400);
      expect(broken.body).toMatchObject({ code: 'VALIDATION_FAILED' });

      const wrong = await app.request({ method: 'POST', url: '/api/dev/login', payload: { openid: 42 } });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { fields: [{ path: 'body.openid', message: expect.any(String) }] },
      });
      expect(JSON.stringify(wrong.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    });

    it('refuses a body over the size limit with 413', async () => {
      const response = await app.request({
        method: 'POST',
        url: '/api/dev/login',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ openid: 'x'.repeat(100_000) }),
      });
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });

    it('publishes an OpenAPI document covering exactly the routes the server serves', async () => {
      const response = await app.request({ method: 'GET', url: '/api/openapi.json' });
      expect(response.status).toBe(200);
      const document = response.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
      expect(document.openapi).toBe('3.0.3');
      const published = Object.entries(document.paths)
        .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
        .sort();
      const contracted = Object.values(routes)
        .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
        .sort();
      expect(published).toEqual(contracted);
      // Every contract answers something other than "no such route".
      for (const route of Object.values(routes)) {
        const probe = await app.request({ method: route.method, url: route.path.replace(/:(\w+)/g, 'x') });
        expect({ route: `${route.method} ${route.path}`, status: probe.status }).not.toEqual({
          route: `${route.method} ${route.path}`,
          status: 404,
        });
      }
    });

    it("publishes the program's tier ladder and rules for the member pages", async () => {
      const response = await app.request({ method: 'GET', url: '/api/program' });
      expect(response.status).toBe(200);
      const body = response.body as {
        tiers: { name: string; discountPercent: number; birthdayMultiplier: number }[];
        memberDays: unknown;
      };
      expect(body.tiers.map((t) => [t.name, t.discountPercent, t.birthdayMultiplier])).toEqual([
        ['普通会员', 100, 1],
        ['银卡', 90, 2],
        ['金卡', 80, 3],
        ['钻石卡', 70, 5],
      ]);
      expect(body.memberDays).toEqual({ daysOfMonth: [9, 19, 29], discountPercent: 90 });
    });

    it('serves the API docs page and its assets', async () => {
      const page = await app.request({ method: 'GET', url: '/api/docs' });
      expect(page.status).toBe(200);
      expect(String(page.body)).toContain('/api/openapi.json');
      const css = await app.request({ method: 'GET', url: '/api/docs/assets/swagger-ui.css' });
      expect(css.status).toBe(200);
    });
  });

  describe('dev mode', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await freshDatabase();
    });
    afterAll(async () => {
      await db.drop();
    });

    it('hides the development routes unless HUIKA_DEV is on', async () => {
      const app = await startTestApp(db.config, { dev: false });
      try {
        for (const route of [routes.devLogin, routes.devClockSet, routes.devClockReset]) {
          const response = await app.request({ method: route.method, url: route.path, payload: {} });
          expect(response.status).toBe(404);
          expect(response.body).toMatchObject({ code: 'NOT_FOUND' });
        }
      } finally {
        await app.close();
      }
    });

    it('logs in a WeChat identity that is not a member yet', async () => {
      const app = await startTestApp(db.config);
      try {
        const response = await app.request({ method: 'POST', url: '/api/dev/login', payload: { openid: 'o-new' } });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          token: expect.any(String),
          memberId: null,
          refreshToken: expect.any(String),
          expiresIn: 3600,
        });
      } finally {
        await app.close();
      }
    });

    it('moves one clock for every instance on the database, and it keeps running', async () => {
      const [a, b] = [await startTestApp(db.config), await startTestApp(db.config)];
      try {
        const set = await a.request({
          method: 'PUT',
          url: '/api/dev/clock',
          payload: { now: '2026-12-31T23:59:00+08:00' },
        });
        expect(set.status).toBe(200);
        // Instance b reads the shared offset before its next request.
        await b.request({ method: 'GET', url: '/api/health' });
        const target = Date.parse('2026-12-31T23:59:00+08:00');
        const seenByB = b.huika.app.get((await import('../../src/common/clock')).Clock).now();
        expect(seenByB).toBeGreaterThanOrEqual(target);
        expect(seenByB - target).toBeLessThan(5_000);

        const reset = await b.request({ method: 'DELETE', url: '/api/dev/clock' });
        expect(reset.body).toMatchObject({ offsetMs: 0 });
        await a.request({ method: 'GET', url: '/api/health' });
        expect(
          Math.abs(a.huika.app.get((await import('../../src/common/clock')).Clock).now() - Date.now()),
        ).toBeLessThan(1_000);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('rejects a clock that is not an ISO timestamp with an offset', async () => {
      const app = await startTestApp(db.config);
      try {
        const response = await app.request({
          method: 'PUT',
          url: '/api/dev/clock',
          payload: { now: '2026-12-31 23:59' },
        });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      } finally {
        await app.close();
      }
    });
  });
});
