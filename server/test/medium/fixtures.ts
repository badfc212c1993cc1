import type { DataSource } from 'typeorm';
import { Connection } from 'mysql2';
import { newId } from '../../src/common/ids';
import { Clock } from '../../src/common/clock';
import { freshDatabase, startTestApp, type TestApp, type TestDatabase } from './test-app';
import { MemberSessionsService } from '../../src/modules/auth/member-sessions.service';
import { TokenService } from '../../src/modules/auth/token.service';

let serial = 0;

/** Inserts an active member directly (joining is tested on its own); returns its id and openid. */
export async function insertMember(dataSource: DataSource, overrides: { tierCode?: string; birthday?: string } = {}) {
  serial += 1;
  const id = newId();
  const openid = `o-test-${id}`;
  const now = Date.now();
  await dataSource.query(
    `INSERT INTO members (id, card_no, openid, name, birthday, tier_code, points_balance, points_pending, balance_fen, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 'active', ?, ?)`,
    [
      id,
      `8${String(Date.now()).slice(-7)}${String(serial).padStart(4, '0')}`,
      openid,
      `会员${serial}`,
      overrides.birthday ?? null,
      overrides.tierCode ?? 'normal',
      now,
      now,
    ],
  );
  return { id, openid };
}

export async function staffToken(app: TestApp, username: string): Promise<string> {
  const rows = (await app.huika.dataSource.query(
    'SELECT id, role, store_id, session_version FROM staff WHERE username = ?',
    [username],
  )) as {
    id: string;
    role: 'cashier' | 'manager' | 'admin';
    store_id: string | null;
    session_version: number | string;
  }[];
  const staff = rows[0];
  if (!staff) throw new Error(`no staff ${username}`);
  return app.huika.app.get(TokenService).signStaff({
    staffId: staff.id,
    role: staff.role,
    storeId: staff.store_id,
    sessionVersion: Number(staff.session_version),
  });
}

/** A WeChat login of the member: a new session and its access token. */
export async function memberToken(app: TestApp, member: { id: string; openid: string }): Promise<string> {
  return (await app.huika.app.get(MemberSessionsService).open(`wx:${member.openid}`, member.id)).token;
}

export async function scalar(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<number> {
  const rows = (await dataSource.query(sql, params)) as Record<string, unknown>[];
  const first = rows[0];
  return first ? Number(Object.values(first)[0]) : 0;
}

/** The id of the seeded store with this code. */
export async function storeIdOf(dataSource: DataSource, code: string): Promise<string> {
  const rows = (await dataSource.query('SELECT id FROM stores WHERE code = ?', [code])) as { id: string }[];
  const id = rows[0]?.id;
  if (!id) throw new Error(`no store ${code}`);
  return id;
}

/** Another store, and optionally one staff member there (who cannot log in: the tests sign their tokens). */
export async function insertStore(
  dataSource: DataSource,
  store: { id: string; code: string; staff?: { id: string; username: string; role: 'cashier' | 'manager' } },
): Promise<void> {
  const now = Date.now();
  await dataSource.query('INSERT INTO stores (id, code, name, active, created_at) VALUES (?, ?, ?, 1, ?)', [
    store.id,
    store.code,
    `分店${store.code}`,
    now,
  ]);
  if (!store.staff) return;
  await dataSource.query(
    `INSERT INTO staff (id, username, password_hash, display_name, role, store_id, active, created_at, updated_at)
     VALUES (?, ?, 'x', ?, ?, ?, 1, ?, ?)`,
    [store.staff.id, store.staff.username, store.staff.username, store.staff.role, store.id, now, now],
  );
}

/** The member shows the card's dynamic code and the cashier scans it: the checkout token of that scan. */
export async function scannedCheckoutToken(
  app: TestApp,
  cashier: string,
  member: { id: string; openid: string },
): Promise<string> {
  const card = await app.request({
    method: 'GET',
    url: '/api/me/card-code',
    headers: { authorization: `Bearer ${await memberToken(app, member)}` },
  });
  const scanned = await app.request({
    method: 'POST',
    url: '/api/pos/scan',
    headers: { authorization: `Bearer ${cashier}` },
    payload: { code: (card.body as { code: string }).code },
  });
  if (scanned.status !== 200) throw new Error(`scan: ${scanned.status} ${JSON.stringify(scanned.body)}`);
  return (scanned.body as { checkoutToken: string }).checkoutToken;
}

/**
 * The SQL the app sends while `run` runs: on MariaDB each round trip to the server (a batch of statements
 * sent together is one), on SQLite each statement TypeORM runs.
 */
export async function sqlSentDuring(app: TestApp, run: () => Promise<unknown>): Promise<string[]> {
  const sent =
    app.huika.dataSource.options.type === 'mysql'
      ? jest.spyOn(Connection.prototype, 'query')
      : jest.spyOn(app.huika.dataSource.logger, 'logQuery');
  try {
    await run();
    return sent.mock.calls.map((call) => String(call[0]));
  } finally {
    sent.mockRestore();
  }
}

/** An app on a fresh database with the till's cast: the demo cashier and headquarters, store S001, the clock. */
export interface TillApp {
  db: TestDatabase;
  app: TestApp;
  clock: Clock;
  cashier: string;
  admin: string;
  storeId: string;
}

export async function startTillApp(): Promise<TillApp> {
  const db = await freshDatabase();
  const app = await startTestApp(db.config);
  return {
    db,
    app,
    clock: app.huika.app.get(Clock),
    cashier: await staffToken(app, 'cashier'),
    admin: await staffToken(app, 'admin'),
    storeId: await storeIdOf(app.huika.dataSource, 'S001'),
  };
}

/** Back to real time, then the app and its database go. */
export async function stopTillApp(till: Pick<TillApp, 'db' | 'app' | 'clock'>): Promise<void> {
  await till.clock.reset();
  await till.app.close();
  await till.db.drop();
}
