// Headquarters' member search on a big brand: `GET /api/admin/members` on 1,000,000 members, each search
// kind through HTTP against the built server on MariaDB, beside a raw mysql2 run of the same SQL, in the
// same run. `node bench/member-search.bench.mjs [--members N] [--requests N]`, normally `npm run bench --
// member-search`. Members are loaded with multi-row INSERTs (setup, not measured). Ends with one line per
// kind: p50/p99 through HTTP, p50/p99 raw, and their ratio. The target: p99 ≤ 50 ms through HTTP.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, httpPool, percentiles } from './lib/load.mjs';
import { BENCH_KEYS, connect, databaseUrl, freePort, machine, prepareMariaDb } from './lib/machine.mjs';
import { ulidFactory } from './lib/ulid.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_MAIN = join(ROOT, 'server', 'dist', 'main.js');
const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const RESULTS = join(ROOT, 'bench', 'results', 'member-search.json');
const ADMIN_PASSWORD = 'bench-admin-password';
const DAY = 86_400_000;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明'];
const TIERS = ['normal', 'normal', 'normal', 'silver', 'gold'];
const STORES = 50;

function parseArgs(argv) {
  const options = { members: 1_000_000, requests: 300 };
  for (let i = 0; i < argv.length; i += 1) {
    const n = Number(argv[i + 1]);
    if (argv[i] === '--members') options.members = n;
    else if (argv[i] === '--requests') options.requests = n;
    else throw new Error(`unknown argument ${argv[i]} (expected --members N, --requests N)`);
    i += 1;
  }
  return options;
}

function runCli(database, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...BENCH_KEYS, DATABASE_URL: databaseUrl(database) },
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}

async function startServer(database, logFile) {
  const port = await freePort();
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, [SERVER_MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl(database),
      HUIKA_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ...BENCH_KEYS,
      LOG_PRETTY: 'false',
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}; see ${logFile}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not become healthy; see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Members joined over three years, 1 in 5 without a purchase, spread over 50 stores; 2,000 rows a statement. */
async function loadMembers(db, count, now) {
  const newId = ulidFactory();
  const stores = Array.from({ length: STORES }, () => newId());
  const span = 3 * 365 * DAY;
  let sample;
  for (let start = 0; start < count; start += 2_000) {
    const members = [];
    const joins = [];
    for (let i = start; i < Math.min(count, start + 2_000); i += 1) {
      const createdAt = now - span + Math.floor((i / count) * span);
      const id = newId();
      const name = `${SURNAMES[i % 16]}${GIVEN[(i >> 4) % 16]}${GIVEN[(i >> 8) % 16]}`;
      const birthday = `19${70 + (i % 30)}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
      const lastPurchase = i % 5 === 0 ? null : createdAt + ((i * 7919) % Math.max(1, now - createdAt));
      const cardNo = `8${String(i).padStart(11, '0')}`;
      const phoneHash = `${String(i).padStart(16, '0')}`.padEnd(64, 'a');
      members.push([id, cardNo, phoneHash, name, birthday, TIERS[i % 5], (i * 37) % 20_000, lastPurchase, createdAt]);
      joins.push([id, stores[i % STORES], createdAt]);
      if (i === Math.floor(count / 2)) sample = { id, cardNo, phoneHash, store: stores[i % STORES] };
    }
    await db.query(
      `INSERT INTO members (id, card_no, phone_hash, name, birthday, tier_code, points_balance, last_purchase_at,
         created_at, points_pending, balance_fen, status, updated_at) VALUES ${members.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 'active', 0)").join(', ')}`,
      members.flat(),
    );
    await db.query(
      `INSERT INTO member_joins (member_id, channel, store_id, consent_version, consented_at, created_at)
       VALUES ${joins.map(() => "(?, 'wechat', ?, 'v1', ?, ?)").join(', ')}`,
      joins.flatMap(([id, store, at]) => [id, store, at, at]),
    );
  }
  return sample;
}

/** The SQL the server's MembersRepository sends for each kind (its SELECT list and order), for the raw run. */
const COLUMNS = `m.id, m.card_no, m.name, m.phone_enc, m.phone_last4, m.tier_code, m.points_balance, m.created_at,
  m.last_purchase_at`;
const SELECT = `SELECT ${COLUMNS}, m.created_at AS sort_key FROM members m WHERE m.status = 'active'`;
const ORDER = 'ORDER BY m.created_at DESC, m.id DESC LIMIT 21';

function kinds(sample, now) {
  const day = (ms) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  const midnight = (ms) => Date.parse(`${day(ms)}T00:00:00+08:00`);
  const yearAgo = now - 365 * DAY;
  return [
    {
      name: 'phone (lookup hash)',
      query: null,
      sql: `${SELECT} AND m.phone_hash = ? ${ORDER}`,
      params: [sample.phoneHash],
    },
    {
      name: 'card number',
      query: { q: sample.cardNo },
      sql: `${SELECT} AND m.card_no = ? ${ORDER}`,
      params: [sample.cardNo],
    },
    {
      name: 'name prefix',
      query: { q: '王芳' },
      sql: `${SELECT} AND m.name LIKE ? ESCAPE '!' ${ORDER}`,
      params: ['王芳%'],
    },
    {
      name: 'tier + joined range',
      query: { tier: 'gold', joinedFrom: day(yearAgo), joinedTo: day(yearAgo + 90 * DAY) },
      sql: `${SELECT} AND m.tier_code = ? AND m.created_at >= ? AND m.created_at < ? ${ORDER}`,
      params: ['gold', midnight(yearAgo), midnight(yearAgo + 91 * DAY)],
    },
    {
      name: 'store filter',
      query: { storeId: sample.store },
      // Walked over the store's joins, as the server does (members.repository.ts).
      sql: `SELECT ${COLUMNS}, j.created_at AS sort_key FROM member_joins j STRAIGHT_JOIN members m
        WHERE m.id = j.member_id AND j.store_id = ? AND m.status = 'active'
        ORDER BY j.created_at DESC, j.member_id DESC LIMIT 21`,
      params: [sample.store],
    },
    {
      name: 'last purchase before',
      query: { lastPurchaseBefore: day(yearAgo) },
      // In last-purchase order, with the join bound a last purchase implies (search-term.ts).
      sql: `SELECT ${COLUMNS}, m.last_purchase_at AS sort_key FROM members m WHERE m.status = 'active'
        AND m.created_at < ? AND m.last_purchase_at < ? ORDER BY m.last_purchase_at DESC, m.id DESC LIMIT 21`,
      params: [midnight(yearAgo), midnight(yearAgo)],
    },
    {
      name: 'points range',
      query: { pointsMin: 5000, pointsMax: 6000 },
      sql: `${SELECT} AND m.points_balance >= ? AND m.points_balance <= ? ${ORDER}`,
      params: [5000, 6000],
    },
    {
      name: 'birthday month',
      query: { birthdayMonth: 5 },
      sql: `${SELECT} AND m.birth_month = ? ${ORDER}`,
      params: [5],
    },
  ];
}

async function timed(count, run) {
  const latencies = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await run();
    latencies.push(performance.now() - started);
  }
  return percentiles(latencies);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const database = `huika_bench_search_${Date.now().toString(36)}`;
  const control = await connect('');
  let server;
  let db;
  try {
    const settings = await prepareMariaDb(control);
    await control.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const migrated = await runCli(database, ['migrate']);
    if (migrated.code !== 0) throw new Error(`migrate failed:\n${migrated.out}`);
    db = await connect(database);
    const now = Date.now();
    const loadStarted = performance.now();
    const sample = await loadMembers(db, options.members, now);
    await db.query('ANALYZE TABLE members, member_joins');
    console.log(
      `setup: ${options.members.toLocaleString('en')} members in ${Math.round((performance.now() - loadStarted) / 1000)} s`,
    );
    server = await startServer(database, join(os.tmpdir(), `${database}.log`));
    const http = httpPool(server.baseUrl, 4);
    const login = await call(http, 'POST', '/api/auth/staff', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    if (login.status !== 200) throw new Error(`admin login: ${login.status}`);
    const token = login.body.token;
    const results = [];
    for (const kind of kinds(sample, now)) {
      // The phone kind is sent as the number itself; the server hashes it with its own key, which the loaded rows'
      // hashes were not made with, so it costs the same unique-index probe and answers an empty page.
      const query = kind.query ?? { q: '13800138000' };
      const path = `/api/admin/members?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`;
      const check = await call(http, 'GET', path, { token });
      if (check.status !== 200) throw new Error(`${kind.name}: ${check.status} ${JSON.stringify(check.body)}`);
      for (let i = 0; i < 20; i += 1) await call(http, 'GET', path, { token });
      const viaHttp = await timed(options.requests, () => call(http, 'GET', path, { token }));
      const raw = await timed(options.requests, () => db.query(kind.sql, kind.params));
      const ratio = raw.p99 ? Math.round((viaHttp.p99 / raw.p99) * 10) / 10 : null;
      results.push({ kind: kind.name, query, items: check.body.items.length, http: viaHttp, raw, p99Ratio: ratio });
      console.log(
        `${kind.name.padEnd(22)} http p50 ${viaHttp.p50} ms p99 ${viaHttp.p99} ms | raw p50 ${raw.p50} ms p99 ${raw.p99} ms | ×${ratio} (${check.body.items.length} items)`,
      );
    }
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(
      RESULTS,
      `${JSON.stringify({ benchmark: 'member-search', command: 'npm run bench -- member-search', date: new Date().toISOString(), machine: { ...machine(), ...settings }, options, results }, null, 2)}\n`,
    );
    const worst = Math.max(...results.map((r) => r.http.p99));
    console.log(
      `member-search: worst p99 through HTTP ${worst} ms on ${options.members.toLocaleString('en')} members (target ≤ 50 ms)`,
    );
  } finally {
    await server?.stop().catch(() => {});
    await db?.end().catch(() => {});
    await control.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => {});
    await control.end();
  }
}

await main();
