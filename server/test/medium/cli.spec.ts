import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Transactions } from '../../src/common/transactions';
import { Clock } from '../../src/common/clock';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { SYSTEM_ACTOR } from '../../src/modules/ledger/ledger.types';
import { insertMember, scalar } from './fixtures';
import { freshDatabase, startTestApp, TEST_DB, TEST_KEYS, type TestDatabase } from './test-app';

jest.setTimeout(120_000);

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

/** The command outside dev mode (a DATABASE_URL and no HUIKA_DEV), with the test keys; `env` adds to that. */
function huika(args: string[], database: TestDatabase, env: Record<string, string> = {}) {
  const url = database.config.kind === 'mysql' ? database.config.url : `sqlite:${database.config.file}`;
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: url,
      HUIKA_ADMIN_PASSWORD: 'admin-password',
      HUIKA_TOKEN_SECRET: TEST_KEYS.tokenSecret,
      HUIKA_DATA_KEY: TEST_KEYS.dataKey,
      LOG_PRETTY: 'false',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe(`the huika command on ${TEST_DB}`, () => {
  let db: TestDatabase;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build the server first (node scripts/build.mjs server)');
    db = await freshDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('expires points at year end, idempotently, and reconciles clean; reconcile fails on a tampered balance', async () => {
    const app = await startTestApp(db.config, TEST_KEYS);
    const memberA = await insertMember(app.huika.dataSource);
    const clock = app.huika.app.get(Clock);
    const ledger = app.huika.app.get(LedgerService);
    const tx = app.huika.app.get(Transactions);
    await clock.setNow(Date.parse('2026-05-05T12:00:00+08:00'));
    await tx.run((m) =>
      ledger.earn(m, { memberId: memberA.id, refType: 'purchase', refId: 'p1', actor: SYSTEM_ACTOR }, 250, {
        source: 'purchase',
      }),
    );
    await clock.setNow(Date.parse('2026-12-31T09:00:00+08:00'));
    await tx.run((m) =>
      ledger.earn(m, { memberId: memberA.id, refType: 'purchase', refId: 'p2', actor: SYSTEM_ACTOR }, 70, {
        source: 'purchase',
      }),
    );
    await clock.reset();
    await app.close();

    const expire = huika(['expire-points', '--as-of', '2027-01-01T00:00:00+08:00'], db);
    expect(expire.stderr).toBe('');
    expect(expire.status).toBe(0);
    expect(expire.stdout).toContain('expired 1 lots, 250 points');
    const again = huika(['expire-points', '--as-of', '2027-01-01T00:00:00+08:00'], db);
    expect(again.stdout).toContain('expired 0 lots, 0 points');

    const clean = huika(['reconcile'], db);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain('the books balance');

    const check = await startTestApp(db.config, TEST_KEYS);
    try {
      expect(
        await scalar(check.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [memberA.id]),
      ).toBe(70);
      await check.huika.dataSource.query('UPDATE members SET points_balance = 999 WHERE id = ?', [memberA.id]);
    } finally {
      await check.close();
    }
    const dirty = huika(['reconcile'], db);
    expect(dirty.status).toBe(1);
    expect(dirty.stdout).toContain(`DIFFERENCE member ${memberA.id}: balance 999 but its entries sum to 70`);

    const bad = huika(['expire-points', '--as-of', 'next tuesday'], db);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('expected an ISO date-time');
  });

  it('ignores a dev clock offset left in the database outside dev mode', async () => {
    const own = await freshDatabase();
    try {
      const app = await startTestApp(own.config, TEST_KEYS);
      const member = await insertMember(app.huika.dataSource);
      await app.huika.app.get(Transactions).run((m) =>
        app.huika.app
          .get(LedgerService)
          .earn(m, { memberId: member.id, refType: 'purchase', refId: 'p-now', actor: SYSTEM_ACTOR }, 90, {
            source: 'purchase',
          }),
      );
      // A dev run moved the shared clock years ahead and left it there.
      const clock = app.huika.app.get(Clock);
      await clock.setNow(Date.now() + 5 * 366 * 24 * 3600 * 1000);
      await app.close();

      const production = huika(['expire-points'], own);
      expect(production.stderr).toBe('');
      expect(production.stdout).toContain(`expiring points due at ${new Date().getUTCFullYear()}-`);
      expect(production.stdout).toContain('expired 0 lots, 0 points');
      // In dev mode the command follows the shared clock: the same lot is due there.
      const dev = huika(['expire-points'], own, { HUIKA_DEV: 'true' });
      expect(dev.stdout).toContain('expired 1 lots, 90 points');
    } finally {
      await own.drop();
    }
  });

  it('cleans up idempotency keys past their retention', () => {
    const result = huika(['cleanup-idempotency'], db);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/removed \d+ expired idempotency keys/);
  });
});
