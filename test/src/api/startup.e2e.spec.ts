import { routes } from '@huika/shared';
import { huika, runServerMain, TEST_KEYS } from '../harness/cli';
import { ApiClient } from '../harness/client';
import { freshDatabase, TEST_DB } from '../harness/database';
import { startServer } from '../harness/server';

jest.setTimeout(90_000);

/** What `npm start` passes on when the operator sets a DATABASE_URL: no HUIKA_DEV, no HUIKA_DEMO. */
const NPM_START_LIKE = { HUIKA_DEV: undefined, HUIKA_DEMO: undefined };
/** A dev run that keeps its keys in the database, as the embedded default does. */
const KEYS_IN_DATABASE = { HUIKA_TOKEN_SECRET: undefined, HUIKA_DATA_KEY: undefined };
/** A MariaDB URL nothing listens on: a start that got as far as connecting would fail differently. */
const MARIADB_URL = 'mysql://huika@127.0.0.1:1/huika';

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

describe('a production start', () => {
  it('refuses without keys, in one line naming them and the command that makes them', () => {
    const result = runServerMain({ NODE_ENV: 'production', DATABASE_URL: MARIADB_URL, LOG_LEVEL: 'silent' });
    expect(result.status).not.toBe(0);
    expect(result.status).not.toBeNull();
    const line = oneLine(result.stderr);
    expect(line).toMatch(/^huika: configuration error: HUIKA_TOKEN_SECRET, HUIKA_DATA_KEY: required outside dev mode/);
    expect(line).toContain('huika generate-keys');
    expect(result.stdout).toBe('');
  });

  it('refuses dev mode under NODE_ENV=production, in one line', () => {
    const result = runServerMain({
      NODE_ENV: 'production',
      HUIKA_DEV: 'true',
      DATABASE_URL: MARIADB_URL,
      ...TEST_KEYS,
      LOG_LEVEL: 'silent',
    });
    expect(result.status).not.toBe(0);
    expect(oneLine(result.stderr)).toMatch(/^huika: configuration error: HUIKA_DEV: .*NODE_ENV=production/);
  });

  it('runs with the keys `huika generate-keys` prints', async () => {
    const generated = huika(['generate-keys'], {});
    expect(generated.status).toBe(0);
    const lines = generated.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^HUIKA_TOKEN_SECRET=[A-Za-z0-9_-]{43}$/),
      expect.stringMatching(/^HUIKA_DATA_KEY=[A-Za-z0-9_-]{43}$/),
    ]);
    expect(huika(['generate-keys'], {}).stdout).not.toBe(generated.stdout);
    const keys = Object.fromEntries(lines.map((line) => line.split('=') as [string, string]));
    const server = await startServer({ env: { ...NPM_START_LIKE, NODE_ENV: 'production', ...keys } });
    try {
      expect(await new ApiClient(server.baseUrl).call('health')).toMatchObject({ ok: true });
    } finally {
      await server.stop();
      await server.database.drop();
    }
  });
});

describe(`dev mode and the demo, on ${TEST_DB}`, () => {
  it('is off with a DATABASE_URL and no HUIKA_DEV: no dev routes, no demo staff', async () => {
    const server = await startServer({ env: NPM_START_LIKE });
    try {
      const api = new ApiClient(server.baseUrl);
      const login = await api.call('devLogin', { body: { openid: 'o-anyone' } });
      expect(login).toMatchObject({ ok: false, status: 404, body: { code: 'NOT_FOUND' } });
      const clock = await fetch(`${server.baseUrl}${routes.devClockSet.path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ now: '2030-01-01T00:00:00+08:00' }),
      });
      expect(clock.status).toBe(404);
      for (const username of ['cashier', 'manager']) {
        const staff = await api.call('staffLogin', { body: { username, password: 'huika-demo' } });
        expect(staff).toMatchObject({ ok: false, status: 401 });
      }
      expect(server.output()).not.toContain('Demo logins');
      expect(server.output()).not.toContain('dev mode: on');
    } finally {
      await server.stop();
      await server.database.drop();
    }
  });

  it('warns once at start when demo staff with the published password listen beyond loopback', async () => {
    const loopback = await startServer();
    let beyond: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      expect(await loopback.stop()).toBe(0);
      expect(loopback.output()).not.toContain('published password');
      beyond = await startServer({ database: loopback.database, env: { HOST: '0.0.0.0' } });
      // Logs are written asynchronously: stopping flushes them.
      expect(await beyond.stop()).toBe(0);
      const warnings = beyond
        .output()
        .split('\n')
        .filter((line) => line.includes('published password'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({
        level: 40,
        host: '0.0.0.0',
        msg: expect.stringContaining('demo staff cashier and manager log in with the published password "huika-demo"'),
      });
    } finally {
      await beyond?.stop();
      await loopback.database.drop();
    }
  });
});

describe(`moving a database that holds its own keys to configured ones, on ${TEST_DB}`, () => {
  it('refuses another data key, exports the stored one, and forgets the stored keys', async () => {
    const database = freshDatabase();
    try {
      const dev = await startServer({ database, env: KEYS_IN_DATABASE });
      // A one-time code: the phone's lookup hash is made with the data key the database creates for itself.
      expect(await new ApiClient(dev.baseUrl).call('smsSend', { body: { phone: '13800138000' } })).toMatchObject({
        ok: true,
      });
      await dev.stop();
      const production = { DATABASE_URL: database.url, HUIKA_ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' };

      const refused = runServerMain({ ...production, ...TEST_KEYS });
      expect(refused.status).not.toBe(0);
      expect(oneLine(refused.stderr)).toMatch(
        /^huika: configuration error: HUIKA_DATA_KEY: is not the data key this database holds.*huika export-data-key/,
      );

      // No keys in the environment at all: the command needs none.
      const exported = huika(['export-data-key'], { DATABASE_URL: database.url, ...KEYS_IN_DATABASE });
      expect(exported.stderr).toBe('');
      expect(exported.status).toBe(0);
      const match = /^HUIKA_DATA_KEY=(\S{32,})\n$/.exec(exported.stdout);
      expect(match).not.toBeNull();
      const keys = { HUIKA_TOKEN_SECRET: TEST_KEYS.HUIKA_TOKEN_SECRET, HUIKA_DATA_KEY: match?.[1] ?? '' };

      const server = await startServer({ database, env: { ...NPM_START_LIKE, ...keys } });
      expect(await server.stop()).toBe(0);

      const forgotten = huika(['forget-database-keys'], { ...production, ...keys });
      expect(forgotten.stderr).toBe('');
      expect(forgotten.stdout).toMatch(/^deleted [1-9]\d* keys from the database/);
      const none = huika(['export-data-key'], { DATABASE_URL: database.url });
      expect(none.status).toBe(1);
      expect(oneLine(none.stderr)).toContain('holds no data key of its own');
      // With nothing stored to differ from, the configured keys are the only ones.
      const again = await startServer({ database, env: { ...NPM_START_LIKE, ...keys } });
      await again.stop();
    } finally {
      await database.drop();
    }
  });
});
