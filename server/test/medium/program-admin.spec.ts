import { defaultProgramConfig, type ProgramConfig, routes } from '@huika/shared';
import { Clock } from '../../src/common/clock';
import { Transactions } from '../../src/common/transactions';
import { openDatabase } from '../../src/database/data-source';
import { ProgramVersions1795455000000 } from '../../src/database/migrations/1795455000000-program-versions';
import { ProgramService } from '../../src/modules/program/program.service';
import { insertMember, memberToken, scalar, staffToken } from './fixtures';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase, type TestResponse } from './test-app';

jest.setTimeout(120_000);

interface ProgramView {
  version: number;
  config: ProgramConfig;
  updatedAt: string;
  updatedBy: string | null;
}

interface Totals {
  grossFen: number;
  discountFen: number;
  payableFen: number;
}

/**
 * Headquarters changes the program through the API, version by version, on one instance; the other instance
 * (as behind a load balancer) prices its next purchase by the new rules, with no restart.
 */
describe(`headquarters program rules on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let admin: string;
  let adminId: string;
  let cashier: string;
  let manager: string;
  let storeId: string;
  let receipt = 0;

  beforeAll(async () => {
    db = await freshDatabase();
    a = await startTestApp(db.config);
    b = await startTestApp(db.config);
    admin = await staffToken(a, 'admin');
    cashier = await staffToken(b, 'cashier');
    manager = await staffToken(a, 'manager');
    adminId = String(await scalarText("SELECT id FROM staff WHERE username = 'admin'"));
    storeId = String(await scalarText("SELECT id FROM stores WHERE code = 'S001'"));
  });

  afterAll(async () => {
    await a.huika.app.get(Clock).reset();
    await a.close();
    await b.close();
    await db.drop();
  });

  async function scalarText(sql: string): Promise<unknown> {
    const rows = (await a.huika.dataSource.query(sql)) as Record<string, unknown>[];
    return Object.values(rows[0] ?? {})[0];
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  const read = async (app: TestApp = a): Promise<{ view: ProgramView; response: TestResponse }> => {
    const response = await app.request({ method: 'GET', url: routes.adminProgram.path, headers: bearer(admin) });
    expect(response.status).toBe(200);
    return { view: response.body as ProgramView, response };
  };

  const put = (config: unknown, ifMatch: string | undefined, app: TestApp = a) =>
    app.request({
      method: 'PUT',
      url: routes.adminProgramUpdate.path,
      headers: { ...bearer(admin), ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
      payload: { config },
    });

  const TEA = [{ sku: 'TEA', name: '茶', unitPriceFen: 100, quantity: 1 }];

  const preview = (token: string, payload: Record<string, unknown>) =>
    a.request({ method: 'POST', url: routes.adminProgramPreview.path, headers: bearer(token), payload });

  /** Reads the program, changes it, and saves it on the version read. */
  async function change(edit: (config: ProgramConfig) => void): Promise<number> {
    const { view } = await read();
    const config = structuredClone(view.config);
    edit(config);
    const saved = await put(config, `"${view.version}"`);
    expect(saved.status).toBe(200);
    return (saved.body as { version: number }).version;
  }

  /** What is kept of the program: the stored row, its versions and its audit entries. */
  async function snapshot() {
    return {
      program: await scalarText('SELECT config FROM program_config WHERE id = 1'),
      version: await scalar(a.huika.dataSource, 'SELECT revision FROM program_config WHERE id = 1'),
      versions: await scalar(a.huika.dataSource, 'SELECT COUNT(*) FROM program_versions'),
      audits: await scalar(a.huika.dataSource, "SELECT COUNT(*) FROM audit_log WHERE action = 'program.update'"),
    };
  }

  /** A purchase of one eligible line at instance b, by a member who shows the card's dynamic code. */
  async function purchase(member: { id: string; openid: string }, unitPriceFen: number) {
    const card = await b.request({
      method: 'GET',
      url: '/api/me/card-code',
      headers: bearer(await memberToken(b, member)),
    });
    expect(card.status).toBe(200);
    const scanned = await b.request({
      method: 'POST',
      url: '/api/pos/scan',
      headers: bearer(cashier),
      payload: { code: (card.body as { code: string }).code },
    });
    expect(scanned.status).toBe(200);
    receipt += 1;
    const response = await b.request({
      method: 'POST',
      url: '/api/pos/purchases',
      headers: { ...bearer(cashier), 'idempotency-key': `program-${receipt}-${Math.random()}` },
      payload: {
        checkoutToken: (scanned.body as { checkoutToken: string }).checkoutToken,
        storeId,
        receiptNo: `PRG-${receipt}`,
        lines: [{ sku: 'TEA', name: '茶', unitPriceFen, quantity: 1 }],
      },
    });
    expect(response.status).toBe(201);
    return response.body as { totals: Totals; pointsEarned: number };
  }

  it('shows the program with its version, also as the ETag, made by the system at install', async () => {
    const { view, response } = await read();
    expect(view.version).toBeGreaterThanOrEqual(1);
    expect(response.headers.etag).toBe(`"${view.version}"`);
    expect(view.updatedBy).toBeNull();
    expect(view.config.tiers.ladder.length).toBeGreaterThan(0);
    expect(Date.parse(view.updatedAt)).not.toBeNaN();
  });

  it('saves a change on the current version as the next one, audited with the state before and after', async () => {
    const { view: before } = await read();
    const config = structuredClone(before.config);
    config.memberDays.daysOfMonth = [8, 18, 28];
    const saved = await put(config, `"${before.version}"`);
    expect(saved).toMatchObject({ status: 200, body: { version: before.version + 1 } });
    expect(saved.headers.etag).toBe(`"${before.version + 1}"`);

    const { view: after, response } = await read(b);
    expect(after).toMatchObject({ version: before.version + 1, updatedBy: adminId });
    expect(after.config.memberDays.daysOfMonth).toEqual([8, 18, 28]);
    expect(response.headers.etag).toBe(`"${before.version + 1}"`);

    const audit = await a.request({
      method: 'GET',
      url: `${routes.adminAuditLog.path}?action=program.update`,
      headers: bearer(admin),
    });
    expect(audit.status).toBe(200);
    const entry = (audit.body as { items: Record<string, unknown>[] }).items[0];
    expect(entry).toMatchObject({
      actor: { kind: 'staff', id: adminId },
      target: { kind: 'program', id: String(before.version + 1) },
      before: {
        version: before.version,
        config: { memberDays: { daysOfMonth: before.config.memberDays.daysOfMonth } },
      },
      after: { version: before.version + 1, config: { memberDays: { daysOfMonth: [8, 18, 28] } } },
    });
  });

  it('refuses a change on a stale version, or one that names no version, with 412 and changes nothing', async () => {
    const { view } = await read();
    const config = structuredClone(view.config);
    config.earning.pointsPerYuan = 7;
    const kept = await snapshot();
    for (const ifMatch of [`"${view.version - 1}"`, `"${view.version + 1}"`, undefined, '*', String(view.version)]) {
      const response = await put(config, ifMatch);
      expect({ ifMatch, status: response.status, code: (response.body as { code: string }).code }).toEqual({
        ifMatch,
        status: 412,
        code: 'VERSION_CONFLICT',
      });
    }
    expect(await snapshot()).toEqual(kept);
    expect((await read()).view).toEqual(view);
  });

  it('lets exactly one of two changes made at once on one version through', async () => {
    const { view } = await read();
    const kept = await snapshot();
    const edits = [3, 4].map((pointsPerYuan) => {
      const config = structuredClone(view.config);
      config.earning.pointsPerYuan = pointsPerYuan;
      return config;
    });
    const [first, second] = await Promise.all([
      put(edits[0], `"${view.version}"`, a),
      put(edits[1], `"${view.version}"`, b),
    ]);
    expect([first?.status, second?.status].sort()).toEqual([200, 412]);
    const winner = first?.status === 200 ? 3 : 4;
    const { view: after } = await read();
    expect(after.version).toBe(view.version + 1);
    expect(after.config.earning.pointsPerYuan).toBe(winner);
    expect(await snapshot()).toMatchObject({
      version: kept.version + 1,
      versions: kept.versions + 1,
      audits: kept.audits + 1,
    });
  });

  it('lets the conditional update alone decide between two transactions that both read the same version', async () => {
    const { view } = await read();
    const replace = (app: TestApp, pointsPerYuan: number) =>
      app.huika.app.get(Transactions).run(async (tx) => {
        const config = structuredClone(view.config);
        config.earning.pointsPerYuan = pointsPerYuan;
        return app.huika.app
          .get(ProgramService)
          .replace(tx, { expected: view.version, config, by: adminId, at: Date.now() });
      });
    // SQLite has one writer: two instances in one process would wait on each other's lock for its busy timeout.
    const outcomes = await Promise.allSettled([replace(a, 8), replace(TEST_DB === 'sqlite' ? a : b, 9)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'VERSION_CONFLICT' });
    expect((await read()).view.version).toBe(view.version + 1);
    expect(
      await scalar(a.huika.dataSource, 'SELECT COUNT(*) FROM program_versions WHERE version = ?', [view.version + 1]),
    ).toBe(1);
  });

  it('refuses an invalid program with 400, naming each bad field by its path, and changes nothing', async () => {
    const { view } = await read();
    const kept = await snapshot();
    const config = structuredClone(view.config) as unknown as {
      earning: Record<string, unknown>;
      memberDays: Record<string, unknown>;
      tiers: { ladder: Record<string, unknown>[] };
    };
    config.earning.pointsPerYuan = -1;
    config.memberDays.daysOfMonth = [8, 32];
    const silver = config.tiers.ladder[1];
    if (silver) silver.discountPercent = 'ninety';
    const response = await put(config, `"${view.version}"`);
    expect(response.status).toBe(400);
    const body = response.body as { code: string; details: { fields: { path: string; message: string }[] } };
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.details.fields.map((f) => f.path).sort()).toEqual([
      'body.config.earning.pointsPerYuan',
      'body.config.memberDays.daysOfMonth.1',
      'body.config.tiers.ladder.1.discountPercent',
    ]);
    for (const field of body.details.fields) expect(field.message).not.toBe('');

    // What the schema alone lets through but would break the program: an unknown time zone, a tier code twice.
    const unsound = structuredClone(view.config);
    unsound.timeZone = 'Mars/Olympus_Mons';
    const [normal, second] = unsound.tiers.ladder;
    if (normal && second) second.code = normal.code;
    const refused = await put(unsound, `"${view.version}"`);
    expect(refused.status).toBe(400);
    expect((refused.body as typeof body).details.fields.map((f) => f.path)).toEqual([
      'body.config.timeZone',
      'body.config.tiers.ladder.1.code',
    ]);
    // The top-up measure waits for stored value: no member could ever meet it.
    const byTopUp = structuredClone(view.config);
    (byTopUp.tiers as { measure: string }).measure = 'topUp';
    const noTopUp = await put(byTopUp, `"${view.version}"`);
    expect(noTopUp.status).toBe(400);
    expect((noTopUp.body as typeof body).details.fields.map((f) => f.path)).toEqual(['body.config.tiers.measure']);
    expect(await snapshot()).toEqual(kept);
  });

  it('lists the versions newest first, with who made each and what it changed, page by page', async () => {
    const version = await change((config) => {
      config.earning.pointsPerYuan = 5;
      config.card.validityMonths = null;
    });
    const first = await a.request({
      method: 'GET',
      url: `${routes.adminProgramVersions.path}?limit=2`,
      headers: bearer(admin),
    });
    expect(first.status).toBe(200);
    const page = first.body as {
      items: { version: number; createdBy: string | null; createdAt: string; diff: unknown[] }[];
      nextCursor: string | null;
    };
    expect(page.items.map((item) => item.version)).toEqual([version, version - 1]);
    expect(page.items[0]).toMatchObject({ createdBy: adminId });
    expect(page.items[0]?.diff).toEqual([
      { path: 'card.validityMonths', before: 12, after: null },
      { path: 'earning.pointsPerYuan', before: expect.any(Number), after: 5 },
    ]);
    expect(page.nextCursor).toBe(String(version - 1));

    // Every page after it, down to the first version: made at install, with nothing before it to compare.
    const seen = [...page.items];
    let cursor = page.nextCursor;
    while (cursor) {
      const next = await a.request({
        method: 'GET',
        url: `${routes.adminProgramVersions.path}?limit=2&cursor=${cursor}`,
        headers: bearer(admin),
      });
      expect(next.status).toBe(200);
      const body = next.body as typeof page;
      seen.push(...body.items);
      cursor = body.nextCursor;
    }
    expect(seen.map((item) => item.version)).toEqual(Array.from({ length: version }, (_, i) => version - i));
    expect(seen.at(-1)).toMatchObject({ version: 1, createdBy: null, diff: [] });
  });

  it('refuses the program routes to cashiers and store managers (403)', async () => {
    const kept = await snapshot();
    const { view } = await read();
    for (const token of [cashier, manager]) {
      const responses = await Promise.all([
        a.request({ method: 'GET', url: routes.adminProgram.path, headers: bearer(token) }),
        a.request({ method: 'GET', url: routes.adminProgramVersions.path, headers: bearer(token) }),
        a.request({
          method: 'PUT',
          url: routes.adminProgramUpdate.path,
          headers: { ...bearer(token), 'if-match': `"${view.version}"` },
          payload: { config: view.config },
        }),
        preview(token, {
          config: view.config,
          basket: { lines: TEA },
          member: { tierCode: 'normal' },
        }),
      ]);
      for (const response of responses) expect(response.status).toBe(403);
    }
    expect(await snapshot()).toEqual(kept);
  });

  it('prices the next purchase at the other instance by the new rules, with no restart', async () => {
    await change((config) => {
      config.earning.pointsPerYuan = 1;
      config.memberDays.daysOfMonth = [];
    });
    const member = await insertMember(a.huika.dataSource);
    expect((await purchase(member, 3000)).pointsEarned).toBe(30);
    await change((config) => {
      config.earning.pointsPerYuan = 2;
    });
    expect((await purchase(member, 3000)).pointsEarned).toBe(60);
  });

  it('previews what a purchase then costs and earns, with no effect', async () => {
    const { view } = await read();
    const config = structuredClone(view.config);
    const today = Number(
      new Intl.DateTimeFormat('en-US', { timeZone: config.timeZone, day: 'numeric' }).format(
        a.huika.app.get(Clock).now(),
      ),
    );
    config.earning.pointsPerYuan = 3;
    config.memberDays = { daysOfMonth: [today], discountPercent: 85 };
    const member = await insertMember(a.huika.dataSource, { tierCode: 'silver' });
    const kept = await snapshot();
    const response = await preview(admin, {
      config,
      basket: { lines: [{ sku: 'TEA', name: '茶', unitPriceFen: 12345, quantity: 1 }] },
      member: { tierCode: 'silver', birthday: null },
      at: new Date(a.huika.app.get(Clock).now()).toISOString(),
    });
    expect(response.status).toBe(200);
    const previewed = response.body as {
      totals: Totals;
      pointsEarned: number;
      isMemberDay: boolean;
      discount: unknown;
    };
    expect(previewed).toMatchObject({ isMemberDay: true, discount: { source: 'memberDay', percent: 85 } });
    expect(await snapshot()).toEqual(kept);

    const saved = await put(config, `"${view.version}"`);
    expect(saved.status).toBe(200);
    const bought = await purchase(member, 12345);
    expect(bought.totals).toEqual(previewed.totals);
    expect(bought.pointsEarned).toBe(previewed.pointsEarned);
  });

  it('refuses a preview of an invalid program or an unknown tier with 400 and the paths', async () => {
    const { view } = await read();
    const config = structuredClone(view.config) as unknown as { earning: Record<string, unknown> };
    config.earning.pointsPerYuan = 1.5;
    const response = await preview(admin, {
      config,
      basket: { lines: TEA },
      member: { tierCode: 'normal' },
    });
    expect(response.status).toBe(400);
    expect((response.body as { details: { fields: { path: string }[] } }).details.fields.map((f) => f.path)).toEqual([
      'body.config.earning.pointsPerYuan',
    ]);
    const unknownTier = await preview(admin, {
      config: view.config,
      basket: { lines: TEA },
      member: { tierCode: 'platinum' },
    });
    expect(unknownTier.status).toBe(400);
    expect((unknownTier.body as { details: { fields: { path: string }[] } }).details.fields.map((f) => f.path)).toEqual(
      ['body.member.tierCode'],
    );
  });
});

describe(`the program's history on a database that had a program before on ${TEST_DB}`, () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await freshDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('starts the history with the program as the migration finds it, and goes on from there', async () => {
    // The schema as it was before program_versions, holding a program that was changed three times.
    const old = await openDatabase(db.config);
    const migration = new ProgramVersions1795455000000();
    const stored = { ...defaultProgramConfig(), name: '老程序' };
    try {
      const runner = old.createQueryRunner();
      try {
        await migration.down(runner);
      } finally {
        await runner.release();
      }
      await old.query('DELETE FROM schema_migrations WHERE name = ?', [migration.name]);
      await old.query('INSERT INTO program_config (id, config, revision, updated_at) VALUES (1, ?, 4, ?)', [
        JSON.stringify(stored),
        1_700_000_000_000,
      ]);
    } finally {
      await old.destroy();
    }

    const app = await startTestApp(db.config);
    try {
      const versions = await app.request({
        method: 'GET',
        url: routes.adminProgramVersions.path,
        headers: { authorization: `Bearer ${await staffToken(app, 'admin')}` },
      });
      expect(versions.status).toBe(200);
      const items = (versions.body as { items: { version: number; createdBy: string | null; diff: unknown[] }[] })
        .items;
      // The demo seed's join gift made version 5 on the program it found; version 4 is where the history starts.
      expect(items.map((item) => item.version)).toEqual([5, 4]);
      expect(items[1]).toMatchObject({ createdBy: null, diff: [] });
      expect(items[0]?.diff).toEqual([
        { path: 'coupons.joinGiftTemplateIds', before: [], after: [expect.any(String)] },
      ]);
      const first = (await app.huika.dataSource.query(
        'SELECT config, created_at FROM program_versions WHERE version = 4',
      )) as { config: string; created_at: number | string }[];
      expect(JSON.parse(String(first[0]?.config))).toEqual(stored);
      expect(Number(first[0]?.created_at)).toBe(1_700_000_000_000);
    } finally {
      await app.close();
    }
  });
});
