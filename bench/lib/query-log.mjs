// The raw mysql2 baseline's statements come from MariaDB's own general query log, recorded while the
// server handles one real request: whatever the server sends for it (transaction control included) is
// what the baseline replays, so the baseline follows the server's SQL as it changes.
import { randomBytes } from 'node:crypto';
import { ulidTime } from './ulid.mjs';

/** ULIDs (Crockford base32, 26 characters): the ids the server makes. */
const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/g;
/** SHA-256 in hex: request hashes, card-code hashes. */
const SHA256 = /\b[0-9a-f]{64}\b/g;

/**
 * Runs `work` with the general log on and returns the statements that the connections to `database`
 * sent meanwhile, in order. Nothing else may use that database during the capture.
 */
export async function captureStatements(admin, database, work) {
  const [[state]] = await admin.query('SELECT @@global.log_output AS output, @@global.general_log AS enabled');
  const [[self]] = await admin.query('SELECT CONNECTION_ID() AS id');
  await admin.query("SET GLOBAL log_output = 'TABLE'");
  await admin.query('TRUNCATE TABLE mysql.general_log');
  await admin.query('SET GLOBAL general_log = 1');
  const startedAt = Date.now();
  try {
    await work();
  } finally {
    await admin.query(`SET GLOBAL general_log = ${Number(state.enabled) ? 1 : 0}`);
  }
  // The server's pooled connections are still open: they are the threads whose current database is ours.
  const [threads] = await admin.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> ?', [
    database,
    self.id,
  ]);
  const ids = threads.map((t) => Number(t.id));
  if (ids.length === 0) throw new Error(`no connection to ${database} is open: is the server running?`);
  // The CSV table keeps rows in the order they were logged.
  const [rows] = await admin.query(
    `SELECT thread_id AS thread, command_type AS command, CONVERT(argument USING utf8mb4) AS statement
     FROM mysql.general_log WHERE thread_id IN (?) AND command_type IN ('Query', 'Execute')`,
    [ids],
  );
  await admin.query(`SET GLOBAL log_output = ${admin.escape(state.output)}`);
  if (!Number(state.enabled)) await admin.query('TRUNCATE TABLE mysql.general_log');
  return { startedAt, statements: rows.map((r) => ({ thread: Number(r.thread), sql: String(r.statement) })) };
}

/**
 * Turns captured statements into a template for more requests of the same kind: every id the request
 * made (a ULID from after `startedAt`) and every SHA-256 becomes a fresh value for each replay, and the
 * `values` named (the member, the receipt number, the idempotency key) become the replay's own.
 */
export function templateOf(captured, values) {
  // Ids are ULIDs, which begin with the time they were made: those from the capture on are the request's own.
  const since = captured.startedAt;
  const made = new Set();
  const hashes = new Set();
  for (const { sql } of captured.statements) {
    for (const id of sql.match(ULID) ?? []) if (ulidTime(id) >= since) made.add(id);
    for (const hash of sql.match(SHA256) ?? []) hashes.add(hash);
  }
  const named = Object.entries(values).filter(([, value]) => value);
  for (const [, value] of named) made.delete(value);
  const tokens = [
    ...named.map(([name, value]) => ({ value, kind: name })),
    ...[...made].map((value) => ({ value, kind: 'id' })),
    ...[...hashes].map((value) => ({ value, kind: 'hash' })),
  ];
  // Longest first, so that a value inside another (an id inside a stored JSON answer) is still found whole.
  tokens.sort((a, b) => b.value.length - a.value.length);
  const pattern = new RegExp(tokens.map((t) => t.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const kindOf = new Map(tokens.map((t) => [t.value, t.kind]));
  const parts = captured.statements.map(({ sql }) => {
    const pieces = [];
    let last = 0;
    for (const match of sql.matchAll(pattern)) {
      pieces.push(sql.slice(last, match.index), { value: match[0], kind: kindOf.get(match[0]) });
      last = match.index + match[0].length;
    }
    pieces.push(sql.slice(last));
    return pieces;
  });
  return {
    statements: captured.statements.length,
    generatedIds: made.size,
    hashes: hashes.size,
    /** The statements for one replay: `values` gives the named values, the rest are made fresh. */
    instantiate(replayValues, newId) {
      const fresh = new Map();
      const valueOf = ({ value, kind }) => {
        if (kind === 'id' || kind === 'hash') {
          let replacement = fresh.get(value);
          if (!replacement) {
            replacement = kind === 'id' ? newId() : randomBytes(32).toString('hex');
            fresh.set(value, replacement);
          }
          return replacement;
        }
        const replacement = replayValues[kind];
        if (replacement === undefined) throw new Error(`no replay value for ${kind}`);
        return replacement;
      };
      return parts.map((pieces) =>
        pieces.map((piece) => (typeof piece === 'string' ? piece : valueOf(piece))).join(''),
      );
    },
  };
}
