import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type HuikaApp } from '../../src/app.factory';
import { createLogger } from '../../src/logger';
import { insertMember } from './fixtures';
import { freshDatabase, type TestDatabase, testConfig, TEST_DB } from './test-app';

jest.setTimeout(120_000);

/** What the database's failure was made to be: a trigger that refuses every change of a member's name. */
const REFUSING_TRIGGER =
  TEST_DB === 'mysql'
    ? "CREATE TRIGGER refuse_name BEFORE UPDATE ON members FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'"
    : "CREATE TRIGGER refuse_name BEFORE UPDATE OF name ON members BEGIN SELECT RAISE(ABORT, 'refused'); END";

describe(`the error log on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let dir: string;
  let logFile: string;
  let huika: HuikaApp;
  let baseUrl: string;

  beforeAll(async () => {
    db = await freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'huika-error-log-'));
    logFile = join(dir, 'server.log');
    const config = testConfig(db.config, { logLevel: 'error' });
    huika = await createApp(config, createLogger(config, logFile, 10));
    await huika.app.listen({ port: 0, host: '127.0.0.1' });
    const address = huika.app.getHttpServer().address();
    if (typeof address !== 'object' || !address) throw new Error('the test app is not listening');
    baseUrl = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await huika.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const adminToken = async () => {
    const login = await fetch(`${baseUrl}/api/auth/staff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-password' }),
    });
    return ((await login.json()) as { token: string }).token;
  };

  it('holds the failed statement and the error code, not the values it carried', async () => {
    const member = await insertMember(huika.dataSource);
    await huika.dataSource.query(REFUSING_TRIGGER);
    const response = await fetch(`${baseUrl}/api/admin/members/${member.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '欧阳娜娜' }),
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ code: 'INTERNAL', message: 'internal error; it has been logged' });

    let log = '';
    for (let waited = 0; !log.includes('unexpected error') && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      log = readFileSync(logFile, 'utf8');
    }
    const line = log.split('\n').find((l) => l.includes('unexpected error'));
    expect(line).toBeDefined();
    const { err } = JSON.parse(line ?? '{}') as { err: Record<string, unknown> };
    expect(err).toMatchObject({
      code: TEST_DB === 'mysql' ? 'ER_SIGNAL_EXCEPTION' : 'SQLITE_CONSTRAINT_TRIGGER',
      query: expect.stringMatching(/^UPDATE members SET name = \?, updated_at = \? WHERE id = \?/),
    });
    expect(line).not.toContain('欧阳娜娜');
    expect(line).not.toContain(member.id);
  });
});
