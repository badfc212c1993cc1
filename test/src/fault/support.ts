import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_STATUS, ErrorBodySchema } from '@huika/shared';
import mysql from 'mysql2/promise';
import { huika } from '../harness/cli';
import { TEST_DB } from '../harness/database';
import { ARTIFACTS_DIR } from '../harness/paths';

/** The fault and fuzz suites need MariaDB (several servers on one database, a database to stop). */
export const describeOnMysql = TEST_DB === 'mysql' ? describe : describe.skip;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Runs `work` over `items` with at most `concurrency` at a time; results keep the items' order. */
export async function mapPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const runners = range(Math.min(concurrency, items.length)).map(async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(runners);
  return results;
}

/** What one HTTP request came to: an answer (any status), or none (a network error or the timeout). */
export type Outcome =
  | { kind: 'answer'; status: number; body: unknown; text: string; headers: Headers; ms: number }
  | { kind: 'none'; error: string; ms: number };

export interface SendOptions {
  token?: string;
  idempotencyKey?: string;
  /** JSON-encoded unless `raw` is given. */
  body?: unknown;
  /** A body sent as is (malformed JSON, other content types). */
  raw?: string | Uint8Array<ArrayBuffer>;
  /** Defaults to application/json when there is a body; null sends none. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Every request is bounded: a hang is a failure of its own. */
  timeoutMs?: number;
}

/** One request with a deadline. Never throws: a refused connection, a reset or a timeout is `kind: 'none'`. */
export async function send(baseUrl: string, method: string, path: string, options: SendOptions = {}): Promise<Outcome> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  const contentType =
    options.contentType === undefined ? (body === undefined ? null : 'application/json') : options.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  const started = Date.now();
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return {
      kind: 'answer',
      status: response.status,
      body: parsed,
      text,
      headers: response.headers,
      ms: Date.now() - started,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const name = error instanceof Error ? error.name : 'Error';
    return {
      kind: 'none',
      error: `${name}: ${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))}`,
      ms: Date.now() - started,
    };
  }
}

/** The answer's body, or a thrown error naming what came back instead. */
export function expectStatus<T>(outcome: Outcome, status: number, what: string): T {
  if (outcome.kind !== 'answer' || outcome.status !== status) {
    const got = outcome.kind === 'answer' ? `${outcome.status} ${outcome.text.slice(0, 300)}` : outcome.error;
    throw new Error(`${what}: expected ${status}, got ${got}`);
  }
  return outcome.body as T;
}

export const errorCode = (outcome: Outcome): string | undefined =>
  outcome.kind === 'answer' ? (outcome.body as { code?: string } | null)?.code : undefined;

export const isReplay = (outcome: Outcome) =>
  outcome.kind === 'answer' && outcome.headers.get('idempotent-replayed') === 'true';

/** Stack frames, source paths or module folders: nothing of the server's insides may reach a caller. */
const LEAK =
  /\n\s+at |\bat [\w$.<>]+ \(|\.(?:ts|js):\d+:\d+|node_modules|\/work\/|\/usr\/|QueryFailedError|TypeORM|sqlMessage/i;

/** Why an error answer breaks the error contract (API.md), or null when it keeps it. */
export function errorContractProblem(outcome: Outcome): string | null {
  if (outcome.kind !== 'answer') return `no answer: ${outcome.error}`;
  if (LEAK.test(outcome.text)) return `leaks internals: ${outcome.text.slice(0, 200)}`;
  if (outcome.status < 400) return null;
  const contentType = outcome.headers.get('content-type') ?? '';
  if (!contentType.includes('application/json')) return `error with content-type "${contentType}"`;
  if (typeof outcome.body !== 'object' || outcome.body === null || Array.isArray(outcome.body)) {
    return `error body is not an object: ${outcome.text.slice(0, 200)}`;
  }
  const extra = Object.keys(outcome.body).filter((key) => !['code', 'message', 'details'].includes(key));
  if (extra.length > 0) return `error body has extra keys ${extra.join(', ')}`;
  const parsed = ErrorBodySchema.safeParse(outcome.body);
  if (!parsed.success) return `error body off contract: ${outcome.text.slice(0, 200)}`;
  if (ERROR_STATUS[parsed.data.code] !== outcome.status) {
    return `code ${parsed.data.code} (${ERROR_STATUS[parsed.data.code]}) answered with status ${outcome.status}`;
  }
  return null;
}

// ── the actors ─────────────────────────────────────────────────────────────────────────────────────────────────

export interface Staff {
  token: string;
  id: string;
  storeId: string | null;
}

export async function staffLogin(baseUrl: string, username: string, password: string): Promise<Staff> {
  const body = expectStatus<{ token: string; staff: { id: string; storeId: string | null } }>(
    await send(baseUrl, 'POST', '/api/auth/staff', { body: { username, password } }),
    200,
    `login ${username}`,
  );
  return { token: body.token, id: body.staff.id, storeId: body.staff.storeId };
}

export const cashierLogin = (baseUrl: string) => staffLogin(baseUrl, 'cashier', 'huika-demo');
export const adminLogin = (baseUrl: string) => staffLogin(baseUrl, 'admin', 'admin-password');

let phoneSerial = Math.floor(Math.random() * 90_000_000);

/** A mainland mobile number no other member of these runs has. */
export function newPhone(): string {
  phoneSerial = (phoneSerial + 7_919) % 100_000_000;
  return `137${String(phoneSerial).padStart(8, '0')}`;
}

export interface Member {
  id: string;
  token: string;
}

/** A dev login and a join (WeChat is not configured on the spawned servers): a member with a member token. */
export async function createMember(baseUrl: string, openid: string, name = '压测会员'): Promise<Member> {
  const login = expectStatus<{ token: string }>(
    await send(baseUrl, 'POST', '/api/dev/login', { body: { openid } }),
    200,
    'dev login',
  );
  const joined = expectStatus<{ id: string; token: string }>(
    await send(baseUrl, 'POST', '/api/members', {
      token: login.token,
      body: { name, birthday: '1990-05-17', phone: newPhone(), consentVersion: '2026-01' },
    }),
    201,
    'join',
  );
  return { id: joined.id, token: joined.token };
}

/** The member shows the card's dynamic code (on `memberUrl`), the cashier scans it (on `tillUrl`). */
export async function scanCard(memberUrl: string, tillUrl: string, member: Member, cashier: Staff): Promise<string> {
  const card = expectStatus<{ code: string }>(
    await send(memberUrl, 'GET', '/api/me/card-code', { token: member.token }),
    200,
    'card code',
  );
  const scanned = expectStatus<{ checkoutToken: string }>(
    await send(tillUrl, 'POST', '/api/pos/scan', { token: cashier.token, body: { code: card.code } }),
    200,
    'scan',
  );
  return scanned.checkoutToken;
}

export interface PurchaseBody {
  checkoutToken: string;
  storeId: string;
  receiptNo: string;
  lines: { sku: string; name: string; unitPriceFen: number; quantity: number }[];
}

/** A small basket whose price depends on `n` (nothing near a tier threshold). */
export function purchaseBody(checkoutToken: string, storeId: string, receiptNo: string, n: number): PurchaseBody {
  return {
    checkoutToken,
    storeId,
    receiptNo,
    lines: [
      { sku: `SKU-${n % 17}`, name: '维生素C片', unitPriceFen: 1_000 + ((n * 373) % 4_000), quantity: 1 + (n % 3) },
      { sku: 'BAG', name: '购物袋', unitPriceFen: 50, quantity: 1 },
    ],
  };
}

export interface PurchaseAnswer {
  id: string;
  pointsEarned: number;
  pointsSpent: number;
  pointsBalance: number;
}

// ── the database, read directly ────────────────────────────────────────────────────────────────────────────────

export async function withDb<T>(url: string, work: (db: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({ uri: url, connectTimeout: 5_000 });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

export async function rows<T>(db: mysql.Connection, sql: string, params: unknown[] = []): Promise<T[]> {
  const [result] = await db.query(sql, params);
  return result as T[];
}

export async function scalar(db: mysql.Connection, sql: string, params: unknown[] = []): Promise<number> {
  const [first] = await rows<Record<string, unknown>>(db, sql, params);
  return Number(Object.values(first ?? {})[0] ?? 0);
}

/** The figures of the books that a refused request must never move. */
export async function ledgerFigures(db: mysql.Connection): Promise<Record<string, number>> {
  const figures: Record<string, number> = {
    postings: await scalar(db, 'SELECT COUNT(*) FROM point_postings'),
    entries: await scalar(db, 'SELECT COUNT(*) FROM point_entries'),
    entriesSum: await scalar(db, 'SELECT COALESCE(SUM(points), 0) FROM point_entries'),
    memberPoints: await scalar(db, "SELECT COALESCE(SUM(points), 0) FROM point_entries WHERE account = 'member'"),
    balances: await scalar(db, 'SELECT COALESCE(SUM(points_balance), 0) FROM members'),
    lotsRemaining: await scalar(db, 'SELECT COALESCE(SUM(remaining), 0) FROM point_lots'),
    purchases: await scalar(db, 'SELECT COUNT(*) FROM purchases'),
    refunds: await scalar(db, 'SELECT COUNT(*) FROM refunds'),
    redemptions: await scalar(db, 'SELECT COUNT(*) FROM gift_redemptions'),
    signups: await scalar(db, 'SELECT COUNT(*) FROM activity_signups'),
    storedValueFen: await scalar(db, 'SELECT COALESCE(SUM(balance_fen), 0) FROM members'),
  };
  return figures;
}

/** `huika reconcile` on the database: exit 0 and "the books balance", or the differences it found. */
export function reconcile(databaseUrl: string): { ok: boolean; output: string } {
  const result = huika(['reconcile'], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
  const output = `${result.stdout}${result.stderr}`.trim();
  return { ok: result.status === 0 && result.stdout.includes('the books balance'), output };
}

/** Figures of a run, for the record: test/artifacts/fault/<name>.json and one line on stdout. */
export function report(name: string, figures: Record<string, unknown>): void {
  const dir = join(ARTIFACTS_DIR, 'fault');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`[fault] ${name}: ${JSON.stringify(figures)}\n`);
}
