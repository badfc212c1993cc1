// The till under load: `POST /api/pos/purchases` at rising concurrency and at a fixed 300 requests a
// second, `POST /api/pos/scan`, `GET /api/me` and a hot gift's redemptions, against the built server on
// MariaDB with durable commits, and a raw mysql2 baseline replaying the SQL the server sent for a real
// purchase (MariaDB's general query log), in the same run. `node bench/purchase.bench.mjs`, normally
// through `npm run bench`. Ends with the line
//   purchase: N req/s (X% of raw mysql2 M req/s), p99 at 300 req/s: Y ms
//
// The server runs as in production (no HUIKA_DEV, access log at info), behind a trusted proxy on
// 127.0.0.1 so that members and tills appear from their own addresses in X-Forwarded-For, as they
// would in a chain: per-address and per-till limits stay on. WeChat login goes to a local stand-in for
// jscode2session. Members are written by SQL (setup, not measured); tills are created through the API.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { withCommitProbe } from './lib/commit-probe.mjs';
import { call, closedLoop, httpPool, openLoop, percentiles } from './lib/load.mjs';
import { BENCH_KEYS, connect, databaseUrl, freePort, machine, mysqlOptions, prepareMariaDb } from './lib/machine.mjs';
import { captureStatements, templateOf } from './lib/query-log.mjs';
import { ulidFactory } from './lib/ulid.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_MAIN = join(ROOT, 'server', 'dist', 'main.js');
const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const RESULTS = join(ROOT, 'bench', 'results', 'purchase.json');

const DEFAULTS = {
  /** Closed-loop levels (requests in flight) and how many purchases each sends (at most 1,000 per request in flight). */
  levels: [1, 8, 32, 64],
  perLevel: 3_000,
  /** The fixed-rate run. */
  rate: 300,
  /** Rounds of the fixed-rate run before saturation; the closing line's p99 is their median. */
  rateRounds: 3,
  rateSeconds: 10,
  warmUpSeconds: 5,
  /** The server's connection pool (DB_POOL_SIZE); the baseline uses a pool of the same size. */
  poolSize: 20,
  stores: 10,
  tillsPerStore: 8,
  meRequests: 6_000,
  giftStock: 1_000,
  redemptions: 3_000,
};
const ADMIN_PASSWORD = 'bench-admin-password';
const TILL_PASSWORD = 'bench-till-password';
/** One basket for every purchase, so that each takes the same path through the server: ¥315 + a special. */
const LINES = [
  { sku: 'TEA-001', name: '龙井茶礼盒', category: 'tea', unitPriceFen: 12_800, quantity: 1 },
  { sku: 'CUP-002', name: '随行杯', category: 'goods', unitPriceFen: 5_900, quantity: 2 },
  { sku: 'BEAN-003', name: '咖啡豆 250g', category: 'coffee', unitPriceFen: 6_800, quantity: 1 },
  { sku: 'SALE-004', name: '特价纸巾', category: 'goods', unitPriceFen: 2_000, quantity: 1, pointsEligible: false },
];
const GIFT_PRICE = 200;

function parseArgs(argv) {
  const options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const n = Number(argv[(i += 1)]);
      if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${arg} needs a whole number ≥ 1`);
      return n;
    };
    if (arg === '--per-level') options.perLevel = value();
    else if (arg === '--rate') options.rate = value();
    else if (arg === '--rate-seconds') options.rateSeconds = value();
    else if (arg === '--rate-rounds') options.rateRounds = value();
    else if (arg === '--gift-stock') options.giftStock = value();
    // Writes a V8 CPU profile of the server to DIR when it stops (for finding where its time goes).
    else if (arg === '--profile') options.profileDir = argv[(i += 1)];
    else if (arg === '--levels') options.levels = argv[(i += 1)].split(',').map(Number);
    else
      throw new Error(
        `unknown argument ${arg} (expected --per-level N, --levels 1,8,32, --rate N, --rate-seconds N, --rate-rounds N, --gift-stock N)`,
      );
  }
  if (options.levels.some((n) => !Number.isSafeInteger(n) || n < 1))
    throw new Error('--levels takes whole numbers ≥ 1');
  return options;
}

const fmt = (n) => n.toLocaleString('en-US');
const round1 = (n) => Math.round(n * 10) / 10;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------
// The pieces: a WeChat stand-in, the server, the CLI

/** jscode2session for codes `bench-<n>`: the openid is the code. Everything else is not WeChat's job here. */
async function startWechat() {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    response.setHeader('content-type', 'text/plain');
    if (url.pathname === '/sns/jscode2session' && url.searchParams.get('js_code')?.startsWith('bench-')) {
      response.end(JSON.stringify({ openid: url.searchParams.get('js_code'), session_key: 'bench' }));
    } else response.end(JSON.stringify({ errcode: 40029, errmsg: 'invalid code' }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
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

async function startServer(database, wechatUrl, poolSize, logFile, profileDir) {
  const port = await freePort();
  // The server writes its log straight to a file: through a pipe to this busy process, its synchronous
  // log writes would wait for the benchmark to read them.
  const log = openSync(logFile, 'w');
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, SERVER_MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl(database),
      DB_POOL_SIZE: String(poolSize),
      HUIKA_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ...BENCH_KEYS,
      HUIKA_TRUST_PROXY: '127.0.0.1',
      HUIKA_WECHAT_BASE_URL: wechatUrl,
      HUIKA_WECHAT_APPID: 'wx-bench',
      HUIKA_WECHAT_SECRET: 'bench-secret',
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
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not become healthy within a minute; see ${logFile}`);
    }
    await sleep(100);
  }
  return {
    baseUrl,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The server's own CPU time so far (user + system, ms), from /proc/<pid>/stat: how much of the machine it used. */
function cpuMs(pid) {
  try {
    // After the command's name: field 3 (state) first, so utime (14) and stime (15) are at 11 and 12.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/**
 * Runs `work` and adds to its report how busy each process was meanwhile, in % of one core: the server,
 * MariaDB and this process (the load generator, or the baseline's client). They share the machine's cores.
 */
async function withCpu(pids, work) {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const started = performance.now();
  const run = await work();
  const ms = performance.now() - started;
  run.cpuPercent = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => {
      const after = cpuMs(pid);
      return [name, after === null || before[name] === null ? null : Math.round(((after - before[name]) / ms) * 100)];
    }),
  );
  return run;
}

/** The garbage-collection pauses the server logged ('garbage collection pause'), with their times. */
function gcPauses(logFile) {
  const pauses = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"garbage collection pause"')) continue;
    try {
      const entry = JSON.parse(line);
      pauses.push({ time: entry.time, kind: entry.gc, ms: entry.ms });
    } catch {
      // not a log line of the server's
    }
  }
  return pauses;
}

function mariadbPid() {
  try {
    return Number(readFileSync('/run/mysqld/mysqld.pid', 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

function expect(response, status, what) {
  if (response.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`,
    );
  }
  return response.body;
}

// ---------------------------------------------------------------------------------------------------
// Setup: tills, members, tokens

/** An address for the n-th caller in X-Forwarded-For (documentation and shared ranges; only a header). */
const memberAddress = (n) => `100.64.${(n >> 6) & 255}.${n & 63}`;
const tillAddress = (store) => `198.51.100.${store + 1}`;

async function createTills(pool, options) {
  const admin = expect(
    await call(pool, 'POST', '/api/auth/staff', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
      headers: { 'x-forwarded-for': '192.0.2.1' },
    }),
    200,
    'admin login',
  );
  const tills = [];
  for (let s = 0; s < options.stores; s += 1) {
    const store = expect(
      await call(pool, 'POST', '/api/admin/stores', {
        token: admin.token,
        body: { code: `BENCH${s}`, name: `压测门店 ${s + 1}` },
      }),
      201,
      'create store',
    );
    for (let t = 0; t < options.tillsPerStore; t += 1) {
      const username = `till-${s}-${t}`;
      expect(
        await call(pool, 'POST', '/api/admin/staff', {
          token: admin.token,
          body: {
            username,
            password: TILL_PASSWORD,
            displayName: `收银 ${s}-${t}`,
            role: 'cashier',
            storeId: store.id,
          },
        }),
        201,
        'create cashier',
      );
      const login = expect(
        await call(pool, 'POST', '/api/auth/staff', {
          body: { username, password: TILL_PASSWORD },
          headers: { 'x-forwarded-for': tillAddress(s) },
        }),
        200,
        `login ${username}`,
      );
      tills.push({
        token: login.token,
        staffId: login.staff.id,
        storeId: store.id,
        address: tillAddress(s),
        receipts: 0,
      });
    }
  }
  return { admin, tills };
}

/** Members as the join writes them (setup only): an openid for WeChat login, a card number. */
async function insertMembers(connection, count) {
  const newId = ulidFactory();
  const now = Date.now();
  const ids = [];
  for (let from = 0; from < count; from += 2_000) {
    const rows = [];
    for (let n = from; n < Math.min(count, from + 2_000); n += 1) {
      const id = newId();
      ids.push(id);
      rows.push([
        id,
        `9${String(n).padStart(11, '0')}`,
        `bench-${n}`,
        `压测会员${n}`,
        '1990-05-17',
        'normal',
        'active',
        '2026-01',
        now,
        now,
      ]);
    }
    await connection.query(
      'INSERT INTO members (id, card_no, openid, name, birthday, tier_code, status, consent_version, created_at, updated_at) VALUES ?',
      [rows],
    );
  }
  return ids;
}

async function memberTokens(pool, ids) {
  const members = new Array(ids.length);
  const run = await closedLoop({
    concurrency: 16,
    count: ids.length,
    expected: 200,
    send: async (n) => {
      const response = await call(pool, 'POST', '/api/auth/wechat', {
        body: { code: `bench-${n}` },
        headers: { 'x-forwarded-for': memberAddress(n) },
      });
      if (response.status === 200) {
        if (response.body.memberId !== ids[n]) throw new Error(`bench-${n} logged in as ${response.body.memberId}`);
        members[n] = { id: ids[n], token: response.body.token };
      }
      return response.status;
    },
  });
  if (run.ok !== ids.length) throw new Error(`member logins: ${JSON.stringify(run.statuses)}, ${run.errors} errors`);
  return { members, run };
}

// ---------------------------------------------------------------------------------------------------
// The measured runs

function show(label, run) {
  const l = run.latencyMs;
  const errors = Object.entries(run.statuses)
    .filter(([status]) => !String(status).startsWith('2'))
    .map(([status, n]) => `${n}×${status}`);
  console.log(
    `  ${label.padEnd(28)} ${String(fmt(run.perSecond)).padStart(6)} req/s  p50 ${l.p50} ms  p95 ${l.p95} ms  p99 ${l.p99} ms  max ${l.max} ms${errors.length ? `  (${errors.join(', ')})` : ''}${run.errors ? `  ${run.errors} failed` : ''}${
      run.cpuPercent
        ? `  cpu ${Object.entries(run.cpuPercent)
            .map(([name, p]) => `${name} ${p}%`)
            .join(', ')}`
        : ''
    }${
      run.slowest?.commitProbeMs === undefined
        ? ''
        : `\n  ${''.padEnd(28)} slowest ${run.slowest.ms} ms, ${run.slowest.commitProbeMs === null ? 'no probe commit under way then' : `a MariaDB commit meanwhile took ${run.slowest.commitProbeMs} ms`} (commit probe: p99 ${run.commitProbe.p99Ms} ms, max ${run.commitProbe.maxMs} ms)`
    }`,
  );
}

/**
 * Card codes for `members`, then the tills scan them: in chunks small enough that each code is scanned
 * well within its life (its 30 s step and one step back). Returns the checkout tokens, in order, and the
 * two runs (card code, scan) merged over the chunks.
 */
async function codesAndScans(pool, members, tills, concurrency) {
  const checkouts = new Array(members.length);
  const runs = { code: [], scan: [] };
  const CHUNK = 1_500;
  for (let from = 0; from < members.length; from += CHUNK) {
    const chunk = members.slice(from, from + CHUNK);
    const codes = new Array(chunk.length);
    runs.code.push(
      await closedLoop({
        concurrency,
        count: chunk.length,
        expected: 200,
        send: async (i) => {
          const response = await call(pool, 'GET', '/api/me/card-code', {
            token: chunk[i].token,
            headers: { 'x-forwarded-for': memberAddress(from + i) },
          });
          codes[i] = response.body?.code;
          return response.status;
        },
      }),
    );
    runs.scan.push(
      await closedLoop({
        concurrency,
        count: chunk.length,
        expected: 200,
        send: async (i) => {
          const n = from + i;
          const till = tills[n % tills.length];
          const response = await call(pool, 'POST', '/api/pos/scan', {
            token: till.token,
            body: { code: codes[i] },
            headers: { 'x-forwarded-for': till.address },
          });
          if (response.status === 200)
            checkouts[n] = { member: members[n], till, checkoutToken: response.body.checkoutToken };
          return response.status;
        },
      }),
    );
  }
  return { checkouts, code: merge(runs.code), scan: merge(runs.scan) };
}

/** One report for runs of the same kind: their requests and time added up, percentiles over all. */
function merge(runs) {
  const latencies = runs.flatMap((run) => run.latencies);
  const seconds = runs.reduce((s, run) => s + run.seconds, 0);
  const statuses = {};
  for (const run of runs)
    for (const [status, n] of Object.entries(run.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  const ok = runs.reduce((s, run) => s + run.ok, 0);
  return {
    concurrency: runs[0]?.concurrency,
    requests: latencies.length,
    ok,
    seconds: Math.round(seconds * 1000) / 1000,
    perSecond: Math.round(ok / seconds),
    latencyMs: percentiles(latencies),
    statuses,
    errors: runs.reduce((s, run) => s + run.errors, 0),
    latencies,
  };
}

function purchaseSender(pool, checkouts, offset, tag) {
  return async (i) => {
    const checkout = checkouts[offset + i];
    const { till } = checkout;
    till.receipts += 1;
    const response = await call(pool, 'POST', '/api/pos/purchases', {
      token: till.token,
      idempotencyKey: `${tag}-${offset + i}`,
      headers: { 'x-forwarded-for': till.address },
      body: {
        checkoutToken: checkout.checkoutToken,
        storeId: till.storeId,
        receiptNo: `R${tag}-${offset + i}`,
        lines: LINES,
      },
    });
    if (response.status === 201) checkout.purchased = response.body;
    return response.status;
  };
}

/** The baseline: the captured statements, replayed as they were sent, on a mysql2 pool of the server's size. */
/** The first few errors of the baseline's replays, for the message when a level fails. */
const baselineErrors = [];

function baselineSender(pool, template, members, refOf, pointsBalance, tag) {
  const newId = ulidFactory();
  return async (i) => {
    const member = members[i].id;
    const statements = template.instantiate(
      {
        member,
        receipt: `R${tag}-${i}`,
        key: `${tag}-${i}`,
        cardRef: refOf.get(member),
        lockedBalance: `AND points_balance = ${pointsBalance}`,
      },
      newId,
    );
    const connection = await pool.getConnection();
    try {
      for (const sql of statements) await connection.query(sql);
      return 201;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => {});
      if (baselineErrors.length < 3) baselineErrors.push(`member ${member}: ${error.message}`);
      throw error;
    } finally {
      connection.release();
    }
  };
}

// ---------------------------------------------------------------------------------------------------

async function main(options) {
  const started = performance.now();
  const host = machine();
  const control = await connect('');
  const database = `huika_bench_purchase_${randomBytes(4).toString('hex')}`;
  let server = null;
  let wechat = null;
  /** The benchmark's own connection to the database; left open, it would keep a failed run from exiting. */
  let db = null;
  /** The raw baseline's pool (mysql2). */
  let rawPool = null;
  /** The commit probe's own connection (bench/lib/commit-probe.mjs). */
  let probeDb = null;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await server?.stop().catch(() => {});
    wechat?.close();
    await db?.end().catch(() => {});
    await probeDb?.end().catch(() => {});
    const connection = await connect('');
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await connection.end();
  };
  const onSignal = (signal) => drop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const settings = await prepareMariaDb(control);

    const counts = options.levels.map((concurrency) => Math.min(options.perLevel, 1_000 * concurrency));
    const purchasesNeeded =
      counts.reduce((a, b) => a + b, 0) +
      (options.rateRounds + 1) * options.rate * options.rateSeconds +
      Math.round(options.rate * options.warmUpSeconds);
    // One member per purchase (a code is used once), plus the captured purchases' members.
    const memberCount = purchasesNeeded + 10;
    const scansPerTill = Math.ceil(memberCount / (options.stores * options.tillsPerStore));
    if (scansPerTill > 300)
      throw new Error(`${scansPerTill} scans per till is over the server's 300 per 10 minutes: add tills`);

    await control.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const migrated = await runCli(database, ['migrate']);
    if (migrated.code !== 0) throw new Error(`migrate failed:\n${migrated.out}`);
    wechat = await startWechat();
    const logFile = join(os.tmpdir(), `${database}.log`);
    server = await startServer(database, wechat.url, options.poolSize, logFile, options.profileDir);
    const http = httpPool(server.baseUrl, 128);
    db = await connect(database);
    probeDb = await connect(database);

    const setupStarted = performance.now();
    const { admin, tills } = await createTills(http, options);
    const memberIds = await insertMembers(db, memberCount);
    const { members, run: loginRun } = await memberTokens(http, memberIds);
    console.log(
      `setup: ${options.stores} stores, ${fmt(tills.length)} tills, ${fmt(members.length)} members logged in through WeChat (${fmt(loginRun.perSecond)}/s) in ${round1((performance.now() - setupStarted) / 1000)} s`,
    );

    const runs = {};
    console.log('runs (throughput counts the expected answers; latency from send, or from when due at a fixed rate):');

    // GET /api/me: the member app's home, for members without purchases yet.
    runs.me = await closedLoop({
      concurrency: 32,
      count: options.meRequests,
      expected: 200,
      send: async (i) => (await call(http, 'GET', '/api/me', { token: members[i % members.length].token })).status,
    });
    show('GET /api/me (32 in flight)', runs.me);

    // Card codes and scans for every purchase to come.
    const scans = await codesAndScans(http, members, tills, 32);
    runs.cardCode = scans.code;
    runs.scan = scans.scan;
    show('GET /api/me/card-code (32)', runs.cardCode);
    show('POST /api/pos/scan (32)', runs.scan);
    const checkouts = scans.checkouts;
    if (checkouts.some((c) => !c)) throw new Error(`scans: ${JSON.stringify(runs.scan.statuses)}`);

    // The SQL of one purchase, from MariaDB's general log, after a few to warm up.
    let next = 0;
    const warm = purchaseSender(http, checkouts, 0, 'warm');
    for (; next < 5; next += 1) if ((await warm(next)) !== 201) throw new Error('a warm-up purchase failed');
    const sample = checkouts[next];
    const balanceOf = async (memberId) =>
      Number((await db.query('SELECT points_balance FROM members WHERE id = ?', [memberId]))[0][0].points_balance);
    const balanceBefore = await balanceOf(sample.member.id);
    let captured;
    {
      const send = purchaseSender(http, checkouts, next, 'capture');
      let status;
      captured = await captureStatements(control, database, async () => {
        status = await send(0);
      });
      if (status !== 201) throw new Error(`the captured purchase answered ${status}`);
      next += 1;
    }
    // The card whose code the purchase used: its reference is the member's own, its use number the replay's to set.
    const [[card]] = await db.query('SELECT ref, seq FROM member_card_codes WHERE member_id = ?', [sample.member.id]);
    const template = templateOf(captured, {
      member: sample.member.id,
      receipt: `Rcapture-${next - 1}`,
      key: `capture-${next - 1}`,
      cardRef: card.ref,
      // The earning's compare-and-set on the balance the purchase read under lock.
      lockedBalance: `AND points_balance = ${balanceBefore}`,
    });
    // Each replay takes a member with one purchase posted, the same as the captured one: its balance is the
    // captured member's after the purchase (a replay whose member had another would fail its compare-and-set).
    const replayBalance = await balanceOf(sample.member.id);
    console.log(
      `  one purchase sends ${captured.statements.reduce((n, s) => n + s.sql.split(';\n').length, 0)} statements in ${template.statements} round trips (${template.generatedIds} new ids) on ${new Set(captured.statements.map((s) => s.thread)).size} connections`,
    );

    const pids = { server: server.pid, mariadb: mariadbPid(), client: process.pid };

    // The raw mysql2 baseline: the captured statements replayed on the same database through a pool of the
    // server's size. Each closed-loop level runs right after Huika's (the server idle meanwhile), so that
    // whatever else the host is doing weighs on both alike. Each replay takes a member whose purchase
    // Huika has already posted, its card put back where the captured one was: the replayed use of the code
    // then changes the card row as the server's did (its row check holds).
    rawPool = mysql.createPool({
      ...mysqlOptions(database),
      connectionLimit: options.poolSize,
      supportBigNumbers: true,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      // The server sends some statements together in one round trip (deferred writes); so does the replay.
      multipleStatements: true,
    });
    // The server's connections read committed rows (server/src/common/transactions.ts), set once per
    // connection and so not in the captured statements; the replay's do the same.
    rawPool.pool.on('connection', (connection) => {
      connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    });
    const capturedSeq = Number(card.seq) - 1;
    const cards = await db.query('SELECT member_id, ref FROM member_card_codes');
    const refOf = new Map(cards[0].map((row) => [row.member_id, row.ref]));
    runs.baseline = [];
    runs.baselineAtRate = [];
    let rawNext = 0;
    const replay = async (count, tag, loop) => {
      if (rawNext + count > next) throw new Error('the baseline would take a member whose purchase is still to come');
      await db.query('UPDATE member_card_codes SET seq = ? WHERE seq <> ?', [capturedSeq, capturedSeq]);
      const send = baselineSender(rawPool, template, members.slice(rawNext), refOf, replayBalance, tag);
      const run = await withCpu({ mariadb: pids.mariadb, client: process.pid }, () => loop(send));
      rawNext += count;
      if (run.errors > 0)
        throw new Error(`the baseline failed ${run.errors} times (${tag}): ${baselineErrors.join('; ')}`);
      return run;
    };
    const rawAtRate = async (round) => {
      const run = await replay(options.rate * options.rateSeconds, `raw-r${round}`, (send) =>
        withCommitProbe(probeDb, () =>
          openLoop({ rate: options.rate, seconds: options.rateSeconds, expected: 201, send }),
        ),
      );
      runs.baselineAtRate.push(run);
      show(`raw mysql2 at ${options.rate}/s, round ${round}`, run);
    };
    const rawLevel = async (level, concurrency) => {
      const run = await replay(counts[level], `raw${concurrency}`, (send) =>
        closedLoop({ concurrency, count: counts[level], expected: 201, send }),
      );
      runs.baseline.push(run);
      show(`raw mysql2 purchase (${concurrency})`, run);
    };
    const atRate = async (tag, seconds = options.rateSeconds) => {
      const from = Date.now();
      const run = await withCpu(pids, () =>
        withCommitProbe(probeDb, () =>
          openLoop({
            rate: options.rate,
            seconds,
            expected: 201,
            send: purchaseSender(http, checkouts, next, `${tag}${options.rate}`),
          }),
        ),
      );
      next += Math.round(options.rate * seconds);
      run.window = { from, to: Date.now() };
      return run;
    };

    // Purchases at a fixed rate: the steady service level. In rounds, because one full garbage collection
    // of the server's stalls the requests in flight for 50–150 ms and so decides a round's p99 on its own
    // (docs/PERFORMANCE.md); the results say which rounds had one. The closing line takes the median
    // round's p99; every round is recorded.
    // First a warm-up at the rate, recorded but not counted: the server's compiler has seen six purchases
    // so far, and the new tables' first pages are being allocated.
    runs.purchaseAtRateWarmUp = await atRate('w-', options.warmUpSeconds);
    show(`${options.rate}/s, warm-up`, runs.purchaseAtRateWarmUp);
    runs.purchaseAtRate = [];
    for (let round = 1; round <= options.rateRounds; round += 1) {
      const run = await atRate(`r${round}-`);
      runs.purchaseAtRate.push(run);
      show(`${options.rate}/s, round ${round}`, run);
    }

    // Purchases at rising concurrency, up to saturation.
    runs.purchase = [];
    for (const [level, concurrency] of options.levels.entries()) {
      const run = await withCpu(pids, () =>
        closedLoop({
          concurrency,
          count: counts[level],
          expected: 201,
          send: purchaseSender(http, checkouts, next, `c${concurrency}`),
        }),
      );
      next += counts[level];
      runs.purchase.push(run);
      show(`POST /api/pos/purchases (${concurrency})`, run);
      await rawLevel(level, concurrency);
    }

    // The same rate again right after saturation, while MariaDB still writes back what the runs left.
    runs.purchaseAtRateAfterSaturation = await atRate('s-');
    show(`${options.rate}/s after saturation`, runs.purchaseAtRateAfterSaturation);

    // The database alone at the fixed rate, as many rounds: what MariaDB and this machine leave of the p99
    // goal. After all of Huika's fixed-rate runs, so that what a replay leaves MariaDB to do (purge, page
    // writes) does not fall into one of them.
    for (let round = 1; round <= options.rateRounds; round += 1) await rawAtRate(round);

    // The hot gift: more members than stock redeem it at once.
    const gift = expect(
      await call(http, 'POST', '/api/admin/gifts', {
        token: admin.token,
        body: { name: '压测热门礼品', pointsPrice: GIFT_PRICE, stock: options.giftStock, perMemberLimit: 1 },
        headers: { 'x-forwarded-for': '192.0.2.1' },
      }),
      201,
      'create gift',
    );
    const buyers = checkouts.filter((c) => c.purchased && c.purchased.pointsBalance >= GIFT_PRICE).map((c) => c.member);
    // Three members for every unit of stock (fewer if fewer can afford it), so that most are refused.
    const redemptions = Math.min(options.redemptions, buyers.length);
    if (redemptions <= options.giftStock) throw new Error(`only ${buyers.length} members can afford the gift`);
    // Both answers are the work done: 201 took a unit of stock, 409 OUT_OF_STOCK found none left.
    runs.redemption = await closedLoop({
      concurrency: 32,
      count: redemptions,
      expected: [201, 409],
      send: async (i) =>
        (
          await call(http, 'POST', `/api/gifts/${gift.id}/redemptions`, {
            token: buyers[i].token,
            idempotencyKey: `gift-${i}`,
            body: { quantity: 1 },
            headers: { 'x-forwarded-for': memberAddress(i) },
          })
        ).status,
    });
    show('hot gift redemptions (32)', runs.redemption);

    // The books after all of it.
    const [[{ purchases }]] = await db.query('SELECT COUNT(*) AS purchases FROM purchases');
    const posted =
      [...runs.purchase, runs.purchaseAtRateWarmUp, ...runs.purchaseAtRate, runs.purchaseAtRateAfterSaturation].reduce(
        (s, r) => s + r.ok,
        0,
      ) + 6;
    if (Number(purchases) !== posted + rawNext)
      throw new Error(`${purchases} purchases in the database, ${posted} answered 201 and ${rawNext} replayed`);
    const [[stock]] = await db.query('SELECT stock FROM gifts WHERE id = ?', [gift.id]);
    const [[{ redeemed }]] = await db.query('SELECT COUNT(*) AS redeemed FROM gift_redemptions WHERE gift_id = ?', [
      gift.id,
    ]);
    const redeemedOk = runs.redemption.statuses[201] ?? 0;
    const outOfStock = runs.redemption.statuses[409] ?? 0;
    if (
      redeemedOk !== options.giftStock ||
      outOfStock !== redemptions - options.giftStock ||
      Number(stock.stock) !== 0 ||
      Number(redeemed) !== options.giftStock
    ) {
      throw new Error(
        `hot gift: ${redeemedOk} redeemed, ${outOfStock} refused, ${redeemed} rows, stock ${stock.stock}, for a stock of ${options.giftStock}`,
      );
    }
    const reconcile = await runCli(database, ['reconcile']);
    if (reconcile.code !== 0 || !reconcile.out.includes('the books balance'))
      throw new Error(`reconcile:\n${reconcile.out}`);
    console.log(
      `  checked: ${fmt(posted)} purchases posted once each, gift stock exact (${fmt(options.giftStock)} of ${fmt(redemptions)}), reconcile clean`,
    );
    await server.stop();
    server = null;
    // The server logs every garbage-collection pause of 10 ms or more: which of the fixed-rate runs had one.
    const pauses = gcPauses(logFile);
    const atRateRuns = [
      ['warm-up', runs.purchaseAtRateWarmUp],
      ...runs.purchaseAtRate.map((run, i) => [`round ${i + 1}`, run]),
      ['after saturation', runs.purchaseAtRateAfterSaturation],
    ];
    for (const [, run] of atRateRuns) {
      run.gcPauses = pauses
        .filter((p) => p.time >= run.window.from && p.time <= run.window.to)
        .map((p) => ({ kind: p.kind, ms: p.ms }));
      delete run.window;
    }
    console.log(
      `  server GC pauses ≥ 10 ms at ${options.rate}/s: ${atRateRuns
        .map(
          ([label, run]) =>
            `${label} ${run.gcPauses.length ? run.gcPauses.map((p) => `${p.kind} ${p.ms} ms`).join(' + ') : 'none'}`,
        )
        .join('; ')}`,
    );

    // The replays did the purchase's work: a purchase row, an earning posting and a lot each.
    const replays = rawNext;
    const [[after]] = await db.query(
      `SELECT (SELECT COUNT(*) FROM purchases) AS purchases, (SELECT COUNT(*) FROM point_postings WHERE kind = 'earn') AS earnings,
              (SELECT COUNT(*) FROM point_lots) AS lots`,
    );
    const expectedRows = posted + replays;
    if ([after.purchases, after.earnings, after.lots].some((n) => Number(n) !== expectedRows)) {
      throw new Error(`after ${fmt(replays)} replays: ${JSON.stringify(after)}, expected ${expectedRows} of each`);
    }
    console.log(`  checked: the ${fmt(replays)} replays wrote a purchase, an earning and a lot each`);
    await db.end();
    db = null;
    await probeDb.end();
    probeDb = null;

    const best = (list) => list.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const huika = best(runs.purchase);
    const raw = best(runs.baseline);
    const percent = Math.round((huika.perSecond / raw.perSecond) * 100);
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
    const p99 = median(runs.purchaseAtRate.map((run) => run.latencyMs.p99));
    // The saved results keep the percentiles, not every latency.
    const strip = (run) => Object.fromEntries(Object.entries(run).filter(([key]) => key !== 'latencies'));
    const result = {
      benchmark: 'purchase',
      command: 'npm run bench',
      date: new Date().toISOString(),
      machine: host.facts(settings),
      options,
      basket: LINES,
      roundTripsPerPurchase: template.statements,
      capturedStatements: captured.statements.map((s) => s.sql),
      runs: {
        memberLogin: strip(loginRun),
        me: strip(runs.me),
        cardCode: strip(runs.cardCode),
        scan: strip(runs.scan),
        purchase: runs.purchase.map(strip),
        purchaseAtRateWarmUp: strip(runs.purchaseAtRateWarmUp),
        purchaseAtRate: runs.purchaseAtRate.map(strip),
        purchaseAtRateAfterSaturation: strip(runs.purchaseAtRateAfterSaturation),
        redemption: strip(runs.redemption),
        baseline: runs.baseline.map(strip),
        baselineAtRate: runs.baselineAtRate.map(strip),
      },
      summary: {
        purchasePerSecond: huika.perSecond,
        purchaseConcurrency: huika.concurrency,
        baselinePerSecond: raw.perSecond,
        baselineConcurrency: raw.concurrency,
        percentOfBaseline: percent,
        p99AtRateMs: p99,
        p99AtRateRoundsMs: runs.purchaseAtRate.map((run) => run.latencyMs.p99),
        baselineP99AtRateMs: median(runs.baselineAtRate.map((run) => run.latencyMs.p99)),
        baselineP99AtRateRoundsMs: runs.baselineAtRate.map((run) => run.latencyMs.p99),
        p99AtRateAfterSaturationMs: runs.purchaseAtRateAfterSaturation.latencyMs.p99,
        seconds: round1((performance.now() - started) / 1000),
      },
    };
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`  results in bench/results/purchase.json; ${result.summary.seconds} s in all`);
    console.log(
      `purchase: ${fmt(huika.perSecond)} req/s (${percent}% of raw mysql2 ${fmt(raw.perSecond)} req/s), p99 at ${options.rate} req/s: ${p99} ms`,
    );
  } finally {
    await rawPool?.end().catch(() => {});
    await control.end().catch(() => {});
    await drop().catch((error) => console.error(`could not clean up ${database}: ${error.message}`));
  }
}

try {
  await main(parseArgs(process.argv.slice(2)));
} catch (error) {
  console.error(`purchase benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
