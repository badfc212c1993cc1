// Points-expiry benchmark: how fast `huika expire-points` expires a year's worth of lots on MariaDB,
// against a raw mysql2 loop issuing the same SQL. `node bench/expiry.bench.mjs [--lots N]` (default
// 100,000 lots, one member per 10 lots); normally run through `npm run bench`, which builds first.
//
// Both databases get the same generated ledger, written row for row as LedgerService.earn writes it:
// one `earn` posting per lot (a purchase), its two entries, the lot, and each member's cached balance
// (no pending period, the program's default, so every lot is spendable: available_at stays NULL).
// Every lot was earned in 2025 under the default natural-year policy, so all of them fall due at
// 2026-01-01T00:00+08:00 — the year-end run. The measured figure is the wall-clock time of the spawned
// command (process start to exit); generating and checking the data is timed separately.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_KEYS, connect, databaseUrl, machine, prepareMariaDb } from './lib/machine.mjs';
import { ulidFactory } from './lib/ulid.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const RESULTS = join(ROOT, 'bench', 'results', 'expiry.json');

const AS_OF_ISO = '2026-01-01T00:00:00+08:00';
const AS_OF = Date.parse(AS_OF_ISO);
/** Natural year in Asia/Shanghai: points earned in 2025 are no longer valid from this instant. */
const EXPIRES_AT = AS_OF;
const EARNING_FROM = Date.parse('2025-01-01T00:00:00+08:00');
/** Earnings spread over Jan 1 – Dec 30 (points earned on Dec 31 would count toward the next year). */
const EARNING_SPAN = 364 * 86_400_000;
const JOINED_FROM = Date.parse('2024-06-01T00:00:00+08:00');
/** Sized so that `npm run bench` (every benchmark) stays within 10 minutes here; `--lots` takes more. */
const DEFAULT_LOTS = 100_000;
const INSERT_ROWS = 2_000;
const SEED = 20_260_101;

function parseArgs(argv) {
  const options = { lots: DEFAULT_LOTS, baselineWorker: false, database: '' };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--lots') {
      options.lots = Number(argv[(i += 1)]);
      if (!Number.isSafeInteger(options.lots) || options.lots < 10) throw new Error('--lots needs a whole number ≥ 10');
    } else if (arg === '--baseline-worker') {
      options.baselineWorker = true;
      options.database = argv[(i += 1)] ?? '';
    } else {
      throw new Error(`unknown argument ${arg} (expected --lots N)`);
    }
  }
  return options;
}

/** The batch size of PointsService.expireAll, read from the built server so both sides use the same. */
function expiryBatchSize() {
  const source = readFileSync(join(ROOT, 'server', 'dist', 'modules', 'ledger', 'points.service.js'), 'utf8');
  const match = /EXPIRY_BATCH_SIZE = (\d+)/.exec(source);
  if (!match) throw new Error('EXPIRY_BATCH_SIZE not found in server/dist; build the server first');
  return Number(match[1]);
}

const seconds = (ms) => Math.round(ms) / 1000;
const fmt = (n) => n.toLocaleString('en-US');

async function timed(work) {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function one(connection, sql, params = []) {
  const [rows] = await connection.query(sql, params);
  return rows[0];
}

// ---------------------------------------------------------------------------------------------------
// Data

/** mulberry32: small, fast and the same on every run, so both databases hold identical data. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Ids like ULIDs of the past: 26 characters that sort in creation order, all before any ULID Huika
 * makes now (those start with the time, "01…").
 */
const generatedId = (n) => `00${n.toString(36).padStart(24, '0')}`;

/** Which member earned each lot and how many points, and the members' final balances. */
function plan(lots) {
  const members = Math.max(1, Math.floor(lots / 10));
  const next = random(SEED);
  const memberOf = new Int32Array(lots);
  const pointsOf = new Int32Array(lots);
  const balance = new Float64Array(members);
  const lastEarned = new Float64Array(members);
  let points = 0;
  for (let i = 0; i < lots; i += 1) {
    const member = Math.floor(next() * members);
    const p = 1 + Math.floor(next() * 400);
    memberOf[i] = member;
    pointsOf[i] = p;
    balance[member] += p;
    lastEarned[member] = earnedAt(i, lots);
    points += p;
  }
  return { lots, members, memberOf, pointsOf, balance, lastEarned, points };
}

const earnedAt = (i, lots) => EARNING_FROM + Math.floor((i * EARNING_SPAN) / lots);
const joinedAt = (m) => JOINED_FROM + m * 60_000;

const LOADED_TABLES = ['point_postings', 'point_entries', 'point_lots'];

/**
 * Loads with the secondary indexes of `tables` dropped and builds them again afterwards (a sorted build
 * instead of a random insert per row, which with a small buffer pool reads the disk for nearly every
 * row). The schema must come back exactly as the migrations made it: SHOW CREATE TABLE is compared.
 */
async function withoutSecondaryIndexes(connection, tables, load) {
  const before = new Map();
  for (const table of tables) {
    const [[row]] = await connection.query(`SHOW CREATE TABLE \`${table}\``);
    before.set(table, row['Create Table']);
  }
  const [rows] = await connection.query(
    `SELECT TABLE_NAME AS t, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS col, SUB_PART AS sub
     FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?) AND INDEX_NAME <> 'PRIMARY'
     ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [tables],
  );
  const indexes = new Map(tables.map((table) => [table, new Map()]));
  for (const r of rows) {
    const byName = indexes.get(r.t);
    const index = byName.get(r.name) ?? { unique: Number(r.nonUnique) === 0, columns: [] };
    index.columns.push(`\`${r.col}\`${r.sub === null ? '' : `(${r.sub})`}`);
    byName.set(r.name, index);
  }
  for (const [table, byName] of indexes) {
    if (byName.size === 0) continue;
    const drops = [...byName.keys()].map((name) => `DROP INDEX \`${name}\``);
    await connection.query(`ALTER TABLE \`${table}\` ${drops.join(', ')}`);
  }
  await load();
  for (const [table, byName] of indexes) {
    if (byName.size === 0) continue;
    // In the order SHOW CREATE TABLE listed them, so that it reads the same again.
    const created = before.get(table);
    const names = [...byName.keys()].sort((a, b) => created.indexOf(`KEY \`${a}\``) - created.indexOf(`KEY \`${b}\``));
    const adds = names.map((name) => {
      const index = byName.get(name);
      return `ADD ${index.unique ? 'UNIQUE ' : ''}INDEX \`${name}\` (${index.columns.join(', ')})`;
    });
    await connection.query(`ALTER TABLE \`${table}\` ${adds.join(', ')}`);
    const [[row]] = await connection.query(`SHOW CREATE TABLE \`${table}\``);
    if (row['Create Table'] !== created) {
      throw new Error(`${table} did not come back as it was:\n${created}\n---\n${row['Create Table']}`);
    }
  }
}

/**
 * Writes the planned ledger into `database` with multi-row INSERTs, one transaction per chunk of lots.
 * Ids follow LedgerService.earn's order: the posting, the lot, then the two entries.
 */
async function generate(database, data) {
  const connection = await connect(database);
  try {
    await withoutSecondaryIndexes(connection, LOADED_TABLES, () => load(connection, data));
    // Fresh statistics, as InnoDB's automatic recalculation would have them after so many new rows:
    // the plan of the due-lots query depends on them.
    await connection.query(`ANALYZE TABLE members, ${LOADED_TABLES.join(', ')}`);
  } finally {
    await connection.end();
  }
}

async function load(connection, data) {
  for (let from = 0; from < data.members; from += INSERT_ROWS) {
    const rows = [];
    for (let m = from; m < Math.min(from + INSERT_ROWS, data.members); m += 1) {
      const joined = joinedAt(m);
      const balance = data.balance[m];
      const updated = balance > 0 ? data.lastEarned[m] : joined;
      rows.push([
        generatedId(m),
        `B${String(m).padStart(12, '0')}`,
        `Bench ${m}`,
        'normal',
        balance,
        0,
        0,
        'active',
        joined,
        updated,
      ]);
    }
    await connection.query(
      'INSERT INTO members (id, card_no, name, tier_code, points_balance, points_pending, balance_fen, status, created_at, updated_at) VALUES ?',
      [rows],
    );
  }

  const running = new Float64Array(data.members);
  let pending = Promise.resolve();
  for (let from = 0; from < data.lots; from += INSERT_ROWS) {
    const postings = [];
    const entries = [];
    const lots = [];
    for (let i = from; i < Math.min(from + INSERT_ROWS, data.lots); i += 1) {
      const base = data.members + 4 * i;
      const postingId = generatedId(base);
      const lotId = generatedId(base + 1);
      const member = data.memberOf[i];
      const memberId = generatedId(member);
      const points = data.pointsOf[i];
      const at = earnedAt(i, data.lots);
      running[member] += points;
      postings.push([postingId, memberId, 'earn', 'purchase', `bench-purchase-${i}`, 'system', null, null, at]);
      entries.push([generatedId(base + 2), postingId, 'member', memberId, points, running[member], at]);
      entries.push([generatedId(base + 3), postingId, 'issued', null, -points, null, at]);
      lots.push([lotId, memberId, postingId, 'purchase', points, points, at, EXPIRES_AT, at]);
    }
    await pending;
    // Sent now; the next chunk is built while the server writes this one.
    pending = (async () => {
      await connection.query('START TRANSACTION');
      await connection.query(
        'INSERT INTO point_postings (id, member_id, kind, ref_type, ref_id, actor_kind, actor_id, memo, created_at) VALUES ?',
        [postings],
      );
      for (let e = 0; e < entries.length; e += INSERT_ROWS) {
        await connection.query(
          'INSERT INTO point_entries (id, posting_id, account, member_id, points, balance_after, created_at) VALUES ?',
          [entries.slice(e, e + INSERT_ROWS)],
        );
      }
      await connection.query(
        'INSERT INTO point_lots (id, member_id, posting_id, source, points, remaining, earned_at, expires_at, created_at) VALUES ?',
        [lots],
      );
      await connection.query('COMMIT');
    })();
    pending.catch(() => {}); // awaited on the next turn or after the loop
  }
  await pending;
}

// ---------------------------------------------------------------------------------------------------
// The raw mysql2 baseline: expireBatch's statements, in its order, with no framework in between.

/**
 * The statements of LedgerRepository that the baseline repeats, word for word. They are looked for in
 * the built server before a run: a baseline that no longer issues Huika's SQL would compare nothing.
 */
const SQL = {
  due: 'WHERE expires_at IS NOT NULL AND expires_at <= ? AND remaining > 0 AND available_at IS NULL',
  after: 'AND (expires_at > ? OR (expires_at = ? AND id > ?))',
  order: 'ORDER BY expires_at, id LIMIT ',
  take: 'UPDATE members SET points_balance = points_balance - ?, updated_at = ? WHERE id = ? AND points_balance >= ?',
  balances: 'SELECT id, points_balance FROM members WHERE id IN (',
  postings:
    'INSERT INTO point_postings (id, member_id, kind, ref_type, ref_id, actor_kind, actor_id, memo, created_at) VALUES ',
  entries: 'INSERT INTO point_entries (id, posting_id, account, member_id, points, balance_after, created_at) VALUES ',
  moves: 'INSERT INTO point_lot_moves (id, lot_id, posting_id, points, created_at) VALUES ',
  zero: 'UPDATE point_lots SET remaining = 0 WHERE id IN (',
};

function assertBaselineMatchesServer() {
  const dist = join(ROOT, 'server', 'dist', 'modules', 'ledger', 'ledger.repository.js');
  const source = readFileSync(dist, 'utf8');
  const missing = Object.entries(SQL).filter(([, sql]) => !source.includes(sql));
  if (missing.length > 0) {
    throw new Error(
      `the baseline's SQL (${missing.map(([name]) => name).join(', ')}) is no longer in ${dist}: bring bench/expiry.bench.mjs up to date`,
    );
  }
}

const placeholders = (columns, rows) => {
  const row = `(${new Array(columns).fill('?').join(', ')})`;
  return new Array(rows).fill(row).join(', ');
};

async function baselineWorker(database) {
  const batchSize = expiryBatchSize();
  const newId = ulidFactory();
  const connection = await connect(database);
  const exec = async (sql, params) => (await connection.query(sql, params))[0].affectedRows;
  const select = async (sql, params) => (await connection.query(sql, params))[0];
  try {
    // As the command does: count what is due first.
    const due = Number(
      (
        await one(
          connection,
          'SELECT COUNT(*) AS n FROM point_lots WHERE expires_at IS NOT NULL AND expires_at <= ? AND remaining > 0',
          [AS_OF],
        )
      ).n,
    );
    const total = { lots: 0, points: 0 };
    let lastLine = 0;
    // The keyset cursor of expireBatch: each batch continues after the last (expires_at, id).
    let cursor = null;
    for (;;) {
      const now = Date.now();
      await connection.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await connection.query('START TRANSACTION');
      try {
        const lots = (
          await select(
            `SELECT id, member_id, remaining, expires_at FROM point_lots\n       ${SQL.due}\n       ${cursor ? SQL.after : ''}\n       ${SQL.order}${batchSize} FOR UPDATE`,
            cursor ? [AS_OF, cursor.expiresAt, cursor.expiresAt, cursor.id] : [AS_OF],
          )
        ).map((r) => ({
          id: r.id,
          memberId: r.member_id,
          remaining: Number(r.remaining),
          expiresAt: Number(r.expires_at),
        }));
        if (lots.length === 0) {
          await connection.query('COMMIT');
          break;
        }
        const byMember = new Map();
        for (const lot of lots) {
          const list = byMember.get(lot.memberId);
          if (list) list.push(lot);
          else byMember.set(lot.memberId, [lot]);
        }
        for (const [memberId, memberLots] of byMember) {
          const sum = memberLots.reduce((s, lot) => s + lot.remaining, 0);
          const changed = await exec(SQL.take, [sum, now, memberId, sum]);
          if (changed !== 1) throw new Error(`member ${memberId} holds less than its due lots`);
        }
        const ids = [...byMember.keys()];
        const balances = new Map(
          (await select(`${SQL.balances}${ids.map(() => '?').join(', ')})`, ids)).map((r) => [
            r.id,
            Number(r.points_balance),
          ]),
        );
        const postings = [];
        const entries = [];
        const moves = [];
        for (const [memberId, memberLots] of byMember) {
          let after = (balances.get(memberId) ?? 0) + memberLots.reduce((s, lot) => s + lot.remaining, 0);
          for (const lot of memberLots) {
            after -= lot.remaining;
            const postingId = newId();
            postings.push(postingId, memberId, 'expire', 'lot', lot.id, 'system', null, null, now);
            entries.push(newId(), postingId, 'member', memberId, -lot.remaining, after, now);
            entries.push(newId(), postingId, 'expired', null, lot.remaining, null, now);
            moves.push(newId(), lot.id, postingId, -lot.remaining, now);
          }
        }
        await exec(`${SQL.postings}${placeholders(9, lots.length)}`, postings);
        await exec(`${SQL.entries}${placeholders(7, 2 * lots.length)}`, entries);
        await exec(`${SQL.moves}${placeholders(5, lots.length)}`, moves);
        const lotIds = lots.map((lot) => lot.id);
        const zeroed = await exec(`${SQL.zero}${lotIds.map(() => '?').join(', ')}) AND remaining > 0`, lotIds);
        if (zeroed !== lots.length) throw new Error('a due lot changed during its expiry');
        await connection.query('COMMIT');
        const last = lots[lots.length - 1];
        cursor = { expiresAt: last.expiresAt, id: last.id };
        total.lots += lots.length;
        total.points += lots.reduce((s, lot) => s + lot.remaining, 0);
        if (total.lots - lastLine >= 10_000) {
          lastLine = total.lots;
          process.stdout.write(`  ${total.lots}/${due} lots, ${total.points} points\n`);
        }
      } catch (error) {
        await connection.query('ROLLBACK');
        throw error;
      }
    }
    process.stdout.write(`baseline: ${due} lots due; expired ${total.lots} lots, ${total.points} points\n`);
  } finally {
    await connection.end();
  }
}

// ---------------------------------------------------------------------------------------------------
// The run

/**
 * Runs a command to its end, capturing its output; resolves with the exit code, output and wall-clock
 * ms. `onLine` sees each line of standard output as it comes, with the ms since the start.
 */
/** The command running now, if any, so that an interrupted benchmark can stop it before dropping its data. */
let running = null;

function spawnTimed(args, env = {}, onLine = () => {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env } });
    running = child;
    let out = '';
    let partial = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line, performance.now() - started);
    });
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('error', (error) => resolve({ code: 127, out: String(error), ms: performance.now() - started }));
    child.on('exit', (code, signal) => {
      running = null;
      resolve({ code: code ?? (signal ? 1 : 0), out, ms: performance.now() - started });
    });
  });
}

function cli(database, args, onLine) {
  return spawnTimed([CLI, ...args], { ...BENCH_KEYS, DATABASE_URL: databaseUrl(database) }, onLine);
}

/**
 * Follows the progress lines of a run ("  120000/1000000 lots, … points", every 10,000 lots): prints
 * and records the elapsed time at every tenth of the lots, which shows how the rate holds up.
 */
function progress(label, lots, checkpoints) {
  const step = Math.max(10_000, Math.round(lots / 10 / 10_000) * 10_000);
  return (line, ms) => {
    const match = /^\s+(\d+)\/\d+ lots/.exec(line);
    if (!match || Number(match[1]) % step !== 0) return;
    checkpoints.push({ lots: Number(match[1]), seconds: seconds(ms) });
    console.log(`    ${label}: ${fmt(Number(match[1]))} lots after ${seconds(ms)} s`);
  };
}

function fail(what, result) {
  throw new Error(`${what} failed (exit ${result.code}):\n${result.out.trim()}`);
}

/** How MariaDB plans the due-lots query on `database` now: its cost depends on the index it picks. */
async function duePlan(server, database, batchSize) {
  const [rows] = await server.query(
    `EXPLAIN SELECT id, member_id, remaining FROM \`${database}\`.point_lots ${SQL.due} ${SQL.order}${batchSize} FOR UPDATE`,
    [AS_OF],
  );
  const plan = rows.map((r) => `${r.type}${r.key ? ` on ${r.key}` : ''}, ~${r.rows} rows, ${r.Extra}`).join('; ');
  console.log(`  due-lots query plan: ${plan}`);
  return plan;
}

async function reconcile(database, when) {
  const result = await cli(database, ['reconcile']);
  if (result.code !== 0 || !result.out.includes('the books balance')) fail(`reconcile ${when}`, result);
  const checked = result.out.split('\n').find((line) => line.startsWith('checked')) ?? '';
  console.log(`  reconcile ${when}: ${checked.trim()}; the books balance (${seconds(result.ms)} s)`);
  return result.ms;
}

/** After a run: nothing left in any lot or balance, and one expiry posting and move per lot. */
async function verifyExpired(server, database, data) {
  const lots = await one(server, `SELECT COUNT(*) AS n FROM \`${database}\`.point_lots WHERE remaining <> 0`);
  const members = await one(server, `SELECT COUNT(*) AS n FROM \`${database}\`.members WHERE points_balance <> 0`);
  const postings = await one(server, `SELECT COUNT(*) AS n FROM \`${database}\`.point_postings WHERE kind = 'expire'`);
  const moves = await one(server, `SELECT COUNT(*) AS n, -SUM(points) AS p FROM \`${database}\`.point_lot_moves`);
  const problems = [];
  if (Number(lots.n) !== 0) problems.push(`${lots.n} lots still hold points`);
  if (Number(members.n) !== 0) problems.push(`${members.n} members still have a balance`);
  if (Number(postings.n) !== data.lots) problems.push(`${postings.n} expiry postings for ${data.lots} lots`);
  if (Number(moves.n) !== data.lots || Number(moves.p) !== data.points) {
    problems.push(`${moves.n} lot moves of ${moves.p} points for ${data.lots} lots of ${data.points} points`);
  }
  if (problems.length > 0) throw new Error(`${database}: ${problems.join('; ')}`);
}

function expiredFigures(out) {
  const match = /expired (\d+) lots, (\d+) points/.exec(out);
  return match ? { lots: Number(match[1]), points: Number(match[2]) } : null;
}

async function main(options) {
  const started = performance.now();
  const host = machine();
  const batchSize = expiryBatchSize();
  assertBaselineMatchesServer();
  const server = await connect('');
  const suffix = randomBytes(4).toString('hex');
  const databases = { huika: `huika_bench_expiry_${suffix}`, baseline: `huika_bench_expiry_${suffix}_raw` };
  const created = [];
  // On a connection of its own, tried again for a while: this must work even if the server restarted.
  const dropAll = async () => {
    for (let attempt = 1; created.length > 0; attempt += 1) {
      try {
        const connection = await connect('');
        try {
          while (created.length > 0) {
            await connection.query(`DROP DATABASE IF EXISTS \`${created[0]}\``);
            created.shift();
          }
        } finally {
          await connection.end();
        }
      } catch (error) {
        if (attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
    }
  };
  const onSignal = (signal) => {
    running?.kill('SIGTERM');
    dropAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const settings = await prepareMariaDb(server);

    const data = plan(options.lots);
    console.log(
      `expiry: ${fmt(data.lots)} lots of ${fmt(data.members)} members, ${fmt(data.points)} points, all due at ${AS_OF_ISO}; batches of ${batchSize}`,
    );

    const times = {};
    for (const [side, database] of Object.entries(databases)) {
      created.push(database);
      await server.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      const migrated = await cli(database, ['migrate']);
      if (migrated.code !== 0) fail(`migrate ${database}`, migrated);
      const generated = await timed(() => generate(database, data));
      times[`${side}Generate`] = seconds(generated.ms);
      console.log(`  generated ${database} in ${seconds(generated.ms)} s (not part of the figure)`);
    }

    // Huika: reconcile, then the measured command, then reconcile again.
    times.huikaReconcileBefore = seconds(await reconcile(databases.huika, 'before'));
    const plans = { huika: await duePlan(server, databases.huika, batchSize) };
    const checkpoints = { huika: [], baseline: [] };
    const run = await cli(
      databases.huika,
      ['expire-points', '--as-of', AS_OF_ISO],
      progress('huika', data.lots, checkpoints.huika),
    );
    if (run.code !== 0) fail('expire-points', run);
    const expired = expiredFigures(run.out);
    if (!expired || expired.lots !== data.lots || expired.points !== data.points) {
      fail(`expire-points (expected ${data.lots} lots, ${data.points} points)`, run);
    }
    times.huikaExpire = seconds(run.ms);
    console.log(
      `  huika expire-points: ${fmt(expired.lots)} lots, ${fmt(expired.points)} points in ${seconds(run.ms)} s`,
    );
    times.huikaReconcileAfter = seconds(await reconcile(databases.huika, 'after'));
    await verifyExpired(server, databases.huika, data);

    // The baseline, timed the same way (a spawned process), on its own copy after the same reconcile.
    times.baselineReconcileBefore = seconds(await reconcile(databases.baseline, 'before (baseline copy)'));
    plans.baseline = await duePlan(server, databases.baseline, batchSize);
    const raw = await spawnTimed(
      [fileURLToPath(import.meta.url), '--baseline-worker', databases.baseline],
      {},
      progress('baseline', data.lots, checkpoints.baseline),
    );
    if (raw.code !== 0) fail('the raw mysql2 baseline', raw);
    const rawExpired = expiredFigures(raw.out);
    if (!rawExpired || rawExpired.lots !== data.lots || rawExpired.points !== data.points) fail('the baseline', raw);
    times.baselineExpire = seconds(raw.ms);
    console.log(`  raw mysql2 baseline: ${fmt(rawExpired.lots)} lots in ${seconds(raw.ms)} s`);
    await verifyExpired(server, databases.baseline, data);

    const huikaRate = Math.round(data.lots / (run.ms / 1000));
    const rawRate = Math.round(data.lots / (raw.ms / 1000));
    const percent = Math.round((raw.ms / run.ms) * 1000) / 10;
    await dropAll();
    times.total = seconds(performance.now() - started);

    const result = {
      benchmark: 'expiry',
      command: data.lots === DEFAULT_LOTS ? 'npm run bench' : `npm run bench -- expiry --lots ${data.lots}`,
      date: new Date().toISOString(),
      machine: host.facts(settings),
      lots: data.lots,
      members: data.members,
      points: data.points,
      asOf: AS_OF_ISO,
      batchSize,
      seconds: times,
      lotsPerSecond: { huika: huikaRate, baseline: rawRate },
      huikaPercentOfBaseline: percent,
      duePlans: plans,
      checkpoints,
    };
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `expiry: ${fmt(data.lots)} lots in ${times.huikaExpire} s (${fmt(huikaRate)} lots/s), raw mysql2 baseline ${times.baselineExpire} s (${fmt(rawRate)} lots/s), Huika at ${percent}% of baseline; reconcile clean`,
    );
    console.log(`  ${fmt(data.points)} points expired; results in bench/results/expiry.json; ${times.total} s in all`);
    if (times.total > 600) console.log(`  over the 10-minute budget for this benchmark (${times.total} s)`);
  } finally {
    await dropAll().catch((error) => console.error(`could not drop ${created.join(', ')}: ${error.message}`));
    await server.end().catch(() => {});
  }
}

const options = parseArgs(process.argv.slice(2));
try {
  if (options.baselineWorker) await baselineWorker(options.database);
  else await main(options);
} catch (error) {
  console.error(`expiry benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
