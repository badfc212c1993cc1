import { routes } from '@huika/shared';
import { huika, runServerMain, TEST_KEYS } from '../harness/cli';
import { ApiClient } from '../harness/client';
import { freshDatabase, TEST_DB } from '../harness/database';
import { type RunningServer, startServer } from '../harness/server';

jest.setTimeout(60_000);

describe(`the server as a process, on ${TEST_DB}`, () => {
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

  it('is healthy and names its database', async () => {
    const health = await api.call('health');
    expect(health).toMatchObject({ ok: true, status: 200, body: { status: 'ok', db: TEST_DB } });
  });

  it('publishes its OpenAPI document and the docs page', async () => {
    const document = await api.call('openApiDocument');
    expect(document.ok).toBe(true);
    const paths = (document.body as { paths: Record<string, unknown> }).paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/health', '/api/dev/login', '/api/dev/clock']));
    const page = await fetch(`${server.baseUrl}/api/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('logs in through the dev route and refuses bad input with a clear code', async () => {
    const login = await api.call('devLogin', { body: { openid: 'o-e2e-1' } });
    expect(login).toMatchObject({ ok: true, body: { memberId: null } });
    const bad = await api.call('devLogin', { body: { openid: '', phone: '123' } });
    expect(bad).toMatchObject({ ok: false, status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(JSON.stringify(bad.body)).not.toContain('at ');
  });

  it('answers unknown routes and wrong methods with JSON, never HTML or a stack', async () => {
    const response = await fetch(`${server.baseUrl}/api/no/such/route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
    const wrongMethod = await fetch(`${server.baseUrl}${routes.health.path}`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(404);
  });

  it('stops cleanly on SIGTERM and a restart reuses the data', async () => {
    const own = await startServer({ database: freshDatabase() });
    try {
      const first = new ApiClient(own.baseUrl);
      await first.call('devClockSet', { body: { now: '2027-01-01T00:00:00+08:00' } });
      expect(await own.stop()).toBe(0);

      const again = await startServer({ database: own.database });
      try {
        // The demo was seeded once, and the shared clock survived the restart (it lives in the database).
        expect(again.output()).not.toContain('seeded the demo program');
        const clock = await new ApiClient(again.baseUrl).call('devClockReset');
        expect(clock.ok).toBe(true);
      } finally {
        await again.stop();
      }
    } finally {
      await own.database.drop();
    }
  });
});

describe('start-up failures and the huika command', () => {
  it('exits non-zero with one clear line for a bad DATABASE_URL', () => {
    const result = runServerMain({ DATABASE_URL: 'nonsense' });
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^huika: configuration error: DATABASE_URL: /);
  });

  it('exits non-zero with one clear line when the database cannot be reached', () => {
    const result = runServerMain({ DATABASE_URL: 'mysql://root@127.0.0.1:1/huika', ...TEST_KEYS, LOG_LEVEL: 'silent' });
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim()).toMatch(/^huika: cannot reach the database named by DATABASE_URL/);
  });

  it('migrates and seeds the demo through `huika` (dev mode only), idempotently', async () => {
    const database = freshDatabase();
    const env = { DATABASE_URL: database.url, HUIKA_ADMIN_PASSWORD: 'admin-password', HUIKA_DEV: 'true' };
    try {
      const migrate = huika(['migrate'], env);
      expect(migrate.stderr).toBe('');
      expect(migrate.status).toBe(0);
      expect(migrate.stdout).toMatch(/up to date: \d+ migrations applied/);

      const seed = huika(['seed-demo'], env);
      expect(seed.status).toBe(0);
      expect(seed.stdout).toContain('demo program installed');
      const again = huika(['seed-demo'], env);
      expect(again.stdout).toContain('already installed');

      const production = huika(['seed-demo'], { ...env, HUIKA_DEV: undefined });
      expect(production.status).toBe(1);
      expect(production.stderr.trim()).toMatch(/^huika: configuration error: HUIKA_DEMO: .*only in dev mode/);

      const unknown = huika(['no-such-command'], env);
      expect(unknown.status).not.toBe(0);
    } finally {
      await database.drop();
    }
  });
});
