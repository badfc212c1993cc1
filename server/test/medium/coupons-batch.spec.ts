import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StaffAuth } from '../../src/common/auth.types';
import { newId } from '../../src/common/ids';
import { CouponBatchesService } from '../../src/modules/coupons/coupon-batches.service';
import { scalar, staffToken } from './fixtures';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase } from './test-app';

jest.setTimeout(600_000);

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const AUDIENCE = 10_000;

interface Progress {
  batchId: string;
  templateId: string;
  state: string;
  total: number;
  issued: number;
  skipped: number;
  finishedAt: string | null;
}

describe(`coupon batches on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;
  let admin: Record<string, string>;
  let adminAuth: StaffAuth;
  let batches: CouponBatchesService;
  let serial = 0;

  beforeAll(async () => {
    db = await freshDatabase();
    app = await startTestApp(db.config);
    admin = { authorization: `Bearer ${await staffToken(app, 'admin')}` };
    const adminId = String(
      ((await app.huika.dataSource.query("SELECT id FROM staff WHERE username = 'admin'")) as { id: string }[])[0]?.id,
    );
    adminAuth = { kind: 'staff', staffId: adminId, role: 'admin', storeId: null, sessionVersion: 0 };
    batches = app.huika.app.get(CouponBatchesService);
    // The segment: 10,000 钻石卡 members, inserted in bulk.
    const now = Date.now();
    for (let start = 0; start < AUDIENCE; start += 500) {
      const rows = Array.from({ length: 500 }, (_, i) => {
        const n = start + i;
        return [newId(), `9${String(n).padStart(11, '0')}`, `o-batch-${n}`, `批量会员${n}`, 'diamond', now, now];
      });
      await app.huika.dataSource.query(
        `INSERT INTO members (id, card_no, openid, name, tier_code, points_balance, points_pending, balance_fen, status, created_at, updated_at)
         VALUES ${rows.map(() => "(?, ?, ?, ?, ?, 0, 0, 0, 'active', ?, ?)").join(', ')}`,
        rows.flat(),
      );
    }
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  async function template(body: Record<string, unknown> = {}): Promise<string> {
    const response = await app.request({
      method: 'POST',
      url: '/api/admin/coupon-templates',
      headers: admin,
      payload: { name: `批量券${(serial += 1)}`, kind: 'cashOff', valueFen: 500, validDays: 30, ...body },
    });
    expect(response.status).toBe(201);
    return (response.body as { id: string }).id;
  }

  const submit = (body: Record<string, unknown>) =>
    app.request({ method: 'POST', url: '/api/admin/coupon-batches', headers: admin, payload: body });

  const progress = async (batchId: string): Promise<Progress> => {
    const response = await app.request({ method: 'GET', url: `/api/admin/coupon-batches/${batchId}`, headers: admin });
    expect(response.status).toBe(200);
    return response.body as Progress;
  };

  async function settled(batchId: string): Promise<Progress> {
    for (let waited = 0; waited < 300_000; waited += 200) {
      const current = await progress(batchId);
      if (current.state === 'done') return current;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`batch ${batchId} did not finish`);
  }

  const couponsOf = (templateId: string) =>
    scalar(app.huika.dataSource, 'SELECT COUNT(*) FROM coupons WHERE template_id = ?', [templateId]);

  it('issues to a segment of 10,000 in the background; run again with the same batch id, nobody gets a second', async () => {
    const templateId = await template();
    const body = { batchId: 'diamond-2026-11', templateId, segment: { tiers: ['diamond'] } };
    const accepted = await submit(body);
    expect(accepted).toMatchObject({ status: 202, body: { batchId: 'diamond-2026-11', total: AUDIENCE } });
    expect(await settled('diamond-2026-11')).toMatchObject({ total: AUDIENCE, issued: AUDIENCE, skipped: 0 });
    expect(await couponsOf(templateId)).toBe(AUDIENCE);

    // The same request again: its progress, nothing issued.
    expect(await submit(body)).toMatchObject({ status: 202, body: { state: 'done', issued: AUDIENCE } });
    // Walked again from the first member: every trigger issued already.
    const again = await batches.run('diamond-2026-11', { rescan: true });
    expect(again).toMatchObject({ ran: true, state: 'done', issued: AUDIENCE, skipped: 0 });
    expect(await couponsOf(templateId)).toBe(AUDIENCE);
    expect(
      await scalar(app.huika.dataSource, 'SELECT issued_count FROM coupon_templates WHERE id = ?', [templateId]),
    ).toBe(AUDIENCE);
    // The id is taken for anything else.
    expect(await submit({ ...body, templateId: await template() })).toMatchObject({
      status: 409,
      body: { code: 'COUPON_BATCH_ID_TAKEN' },
    });
    // Another batch of the same template finds everyone at the per-member limit of 1.
    const second = await submit({ batchId: 'diamond-again', templateId, segment: { tiers: ['diamond'] } });
    expect(second.status).toBe(202);
    expect(await settled('diamond-again')).toMatchObject({ issued: 0, skipped: AUDIENCE });
    expect(await couponsOf(templateId)).toBe(AUDIENCE);
  });

  it('killed halfway, resumes where it stopped and still issues exactly one coupon each', async () => {
    const templateId = await template();
    const body = { batchId: 'killed', templateId, segment: { tiers: ['diamond'] } };
    expect(await batches.create(adminAuth, body)).toMatchObject({ state: 'pending', total: AUDIENCE });
    // Four chunks of 500, then the run stops as if killed between two chunks.
    expect(await batches.run('killed', { maxChunks: 4 })).toMatchObject({ state: 'pending', issued: 2000 });
    expect(await couponsOf(templateId)).toBe(2000);

    // A runner that died holding the batch: nobody else runs it until its lease ends...
    await app.huika.dataSource.query(
      "UPDATE coupon_batches SET state = 'running', runner = 'dead-runner', lease_until = ? WHERE id = 'killed'",
      [Date.now() + 60_000],
    );
    expect(await batches.run('killed')).toMatchObject({ ran: false, state: 'running', issued: 2000 });
    // ...then it shows as interrupted, and the next run resumes it.
    await app.huika.dataSource.query("UPDATE coupon_batches SET lease_until = ? WHERE id = 'killed'", [Date.now() - 1]);
    expect(await progress('killed')).toMatchObject({ state: 'interrupted' });
    expect(await batches.run('killed', { maxChunks: 3 })).toMatchObject({ ran: true, issued: 3500 });

    if (existsSync(CLI)) {
      // `huika issue-coupon-batch` resumes it to the end from another process.
      const url = db.config.kind === 'mysql' ? db.config.url : `sqlite:${db.config.file}`;
      const cli = spawnSync(process.execPath, [CLI, 'issue-coupon-batch', '--batch', 'killed'], {
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: url,
          HUIKA_ADMIN_PASSWORD: 'admin-password',
          // The test app runs in dev mode, whose keys are kept in the database.
          HUIKA_DEV: 'true',
          LOG_PRETTY: 'false',
        },
        encoding: 'utf8',
        timeout: 300_000,
      });
      expect(cli.stderr).toBe('');
      expect(cli.stdout).toContain(`batch killed: done, ${AUDIENCE} issued, 0 skipped of ${AUDIENCE}`);
    } else {
      expect(await batches.run('killed')).toMatchObject({ ran: true, state: 'done' });
    }
    expect(await progress('killed')).toMatchObject({ state: 'done', issued: AUDIENCE, skipped: 0 });
    expect(await couponsOf(templateId)).toBe(AUDIENCE);
    expect(await batches.run('killed', { rescan: true })).toMatchObject({ issued: AUDIENCE, skipped: 0 });
    expect(await couponsOf(templateId)).toBe(AUDIENCE);
  });

  it('issues to a list of members within the quota, skipping unknown members', async () => {
    const templateId = await template({ totalQuota: 1000 });
    const ids = (
      (await app.huika.dataSource.query('SELECT id FROM members ORDER BY id LIMIT 1500')) as { id: string }[]
    ).map((r) => r.id);
    const accepted = await submit({
      batchId: 'list-1',
      templateId,
      memberIds: [...ids, '01JZZZZZZZZZZZZZZZZZZZZZZZ', ids[0]],
    });
    expect(accepted).toMatchObject({ status: 202, body: { total: 1501 } });
    expect(await settled('list-1')).toMatchObject({ total: 1501, issued: 1000, skipped: 501 });
    expect(await couponsOf(templateId)).toBe(1000);
    expect(
      await scalar(
        app.huika.dataSource,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'coupon-batch.create' AND target_id = 'list-1'",
      ),
    ).toBe(1);
    expect(await submit({ batchId: 'x', templateId, segment: { tiers: ['platinum'] } })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    expect(await submit({ batchId: 'x', templateId, memberIds: ids.slice(0, 2), segment: {} })).toMatchObject({
      status: 400,
    });
    expect(await app.request({ method: 'GET', url: '/api/admin/coupon-batches/nope', headers: admin })).toMatchObject({
      status: 404,
      body: { code: 'COUPON_BATCH_NOT_FOUND' },
    });
  });
});
