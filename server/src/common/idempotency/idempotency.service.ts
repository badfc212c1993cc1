import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../app-error';
import { mapError } from '../error-mapping';
import { isUniqueViolation } from '../../database/unique-violation';
import { defer, driverCode, execute, select, Transactions } from '../transactions';

/** How long a request may hold its key before another attempt may take over (a crashed server's claim). */
const LEASE_MS = 15_000;
/** Keys are kept at least 24 hours (API.md); cleanup removes them after this. */
export const IDEMPOTENCY_RETENTION_MS = 48 * 60 * 60 * 1000;

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

interface KeyedRequest {
  scope: string;
  key: string;
  route: string;
  /** The request's route and canonical body, hashed: the same key with another request is refused. */
  hash: string;
}

const INSERT_KEY =
  'INSERT INTO idempotency_keys (scope, idem_key, route, request_hash, state, attempt, response_status, response_body, lease_until, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

interface KeyRow {
  route: string;
  request_hash: string;
  state: 'in_progress' | 'done';
  attempt: number | string;
  response_status: number | string | null;
  response_body: string | null;
  lease_until: number | string;
}

/** JSON with object keys sorted, so equal bodies hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Idempotency for every route that moves value (API.md). The work commits in one transaction together with
 * the stored answer, so an answer exists exactly when the work happened. Replays return the stored status
 * and body; the same key with another body is 422; a key whose first request is still running is 409.
 * Keys live in the database, so this holds across any number of server instances.
 *
 * On MySQL the key is claimed by the work's own transaction, with its first statement: a second request with
 * the key finds the claim's row locked (409 at once, no waiting) or committed (replayed), and a crash rolls the
 * claim back with the work. One commit, one log flush per request. On SQLite, and for a key found taken, the
 * claim is committed at once, before the work, with a lease: a claim left by a crashed server expires after
 * its lease and the retry does the work (the crash rolled the work back).
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger('Idempotency');

  constructor(@Inject(Transactions) private readonly transactions: Transactions) {}

  async execute<T>(
    options: { scope: string; key: string | undefined; route: string; request: unknown; successStatus: number },
    work: (tx: EntityManager) => Promise<T>,
  ): Promise<IdempotentResult<T>> {
    const key = options.key;
    if (key === undefined || key.length === 0) {
      throw new AppError('IDEMPOTENCY_KEY_REQUIRED', 'this request moves value and needs an Idempotency-Key header');
    }
    if (key.length > 255)
      throw new AppError('VALIDATION_FAILED', 'the Idempotency-Key header is longer than 255 characters');
    const hash = createHash('sha256')
      .update(`${options.route}\n${canonical(options.request)}`)
      .digest('hex');
    const request: KeyedRequest = { scope: options.scope, key, route: options.route, hash };
    if (this.transactions.dialect === 'mysql') {
      const answered = await this.claimWithWork(request, options.successStatus, work);
      if (answered) return answered;
      // The key was taken before: what it holds decides, as a claim of its own would.
    }
    return this.claimThenWork(request, options.successStatus, work);
  }

  /** Claims the key with the work's first statement (MySQL); undefined when the key is taken already. */
  private async claimWithWork<T>(
    request: KeyedRequest,
    successStatus: number,
    work: (tx: EntityManager) => Promise<T>,
  ): Promise<IdempotentResult<T> | undefined> {
    const { scope, key } = request;
    try {
      const body = await this.transactions.run(async (tx) => {
        // Goes with the work's first statement, ahead of it. Without waiting for a lock: a key whose row
        // another transaction holds belongs to a request still running.
        await defer(
          tx,
          `SET STATEMENT innodb_lock_wait_timeout = 0 FOR ${INSERT_KEY}`,
          this.keyRow(request, 'in_progress', null),
          {
            onError: (cause) =>
              isUniqueViolation(cause)
                ? new KeyTaken()
                : driverCode(cause) === 'ER_LOCK_WAIT_TIMEOUT'
                  ? inProgress()
                  : cause,
          },
        );
        const result = await work(tx);
        await this.complete(tx, scope, key, 1, successStatus, result);
        return result;
      });
      return { status: successStatus, body, replayed: false };
    } catch (error) {
      if (error instanceof KeyTaken) return undefined;
      if (error instanceof InProgress) throw error.answer;
      const mapped = mapError(error);
      // Anything else rolled back with the claim: the key is free, and a retry does the work at once. So does a
      // 401: the caller was not who the token said (an account changed since), and the retry with a fresh token
      // is the request the key is for.
      if (mapped.status >= 500 || mapped.status === 401) throw error;
      // An expected refusal (409 POINTS_INSUFFICIENT, ...) is the answer for this key, replayed like a
      // success, unless the key has an answer already: then that one is the answer.
      const stored = await this.transactions.statements((tx) =>
        this.insertIfAbsent(tx, this.keyRow(request, 'done', mapped)),
      );
      if (stored) throw error;
      return undefined;
    }
  }

  /** Claims the key in a statement of its own, committed at once, then does the work. */
  private async claimThenWork<T>(
    request: KeyedRequest,
    successStatus: number,
    work: (tx: EntityManager) => Promise<T>,
  ): Promise<IdempotentResult<T>> {
    const { scope, key } = request;
    const claim = await this.claim(request);
    if (claim.kind === 'replay') return { status: claim.status, body: claim.body as T, replayed: true };

    try {
      const body = await this.transactions.run(async (tx) => {
        const result = await work(tx);
        await this.complete(tx, scope, key, claim.attempt, successStatus, result);
        return result;
      });
      return { status: successStatus, body, replayed: false };
    } catch (error) {
      if (error instanceof LostClaim) return this.replayAfterLostClaim<T>(scope, key);
      const mapped = mapError(error);
      if (mapped.status < 500 && mapped.status !== 401) {
        // An expected refusal (409 POINTS_INSUFFICIENT, ...) is the answer for this key, replayed like a success.
        await this.transactions.run((tx) => this.complete(tx, scope, key, claim.attempt, mapped.status, mapped.body));
      } else {
        // Nothing happened; free the key so a retry can do the work at once.
        await this.release(scope, key, claim.attempt).catch((releaseError: unknown) =>
          this.logger.warn(`could not release idempotency key: ${String(releaseError)}`),
        );
      }
      throw error;
    }
  }

  /** Removes keys past their retention; returns how many. */
  async cleanup(now = Date.now()): Promise<number> {
    return this.transactions.run((tx) => execute(tx, 'DELETE FROM idempotency_keys WHERE expires_at < ?', [now]));
  }

  private async claim({
    scope,
    key,
    route,
    hash,
  }: KeyedRequest): Promise<{ kind: 'owner'; attempt: number } | { kind: 'replay'; status: number; body: unknown }> {
    // Leases and retention are infrastructure time: the real clock, never the dev clock.
    const now = Date.now();
    // Each step is one statement that decides by itself (insert-if-absent, a takeover conditional on the
    // attempt read), so the claim needs no transaction: it is committed the moment it is made.
    return this.transactions.statements(async (tx) => {
      const inserted = await this.insertIfAbsent(
        tx,
        this.keyRow({ scope, key, route, hash }, 'in_progress', null, now),
      );
      if (inserted) return { kind: 'owner', attempt: 1 };
      const rows = await select<KeyRow>(
        tx,
        'SELECT route, request_hash, state, attempt, response_status, response_body, lease_until FROM idempotency_keys WHERE scope = ? AND idem_key = ?',
        [scope, key],
      );
      const row = rows[0];
      if (!row) throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS', 'the request with this key is still running');
      if (row.route !== route || row.request_hash !== hash) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
      }
      if (row.state === 'done') {
        return {
          kind: 'replay',
          status: Number(row.response_status),
          body: row.response_body === null ? null : (JSON.parse(row.response_body) as unknown),
        };
      }
      if (Number(row.lease_until) > now) {
        throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS', 'the request with this key is still running; retry shortly');
      }
      const attempt = Number(row.attempt) + 1;
      const taken = await execute(
        tx,
        "UPDATE idempotency_keys SET attempt = ?, lease_until = ? WHERE scope = ? AND idem_key = ? AND attempt = ? AND state = 'in_progress'",
        [attempt, now + LEASE_MS, scope, key, Number(row.attempt)],
      );
      if (taken !== 1) throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS', 'the request with this key is still running');
      return { kind: 'owner', attempt };
    });
  }

  /** A key's row (INSERT_KEY's values): a claim in progress under its lease, or a done one with its answer. */
  private keyRow(
    request: KeyedRequest,
    state: 'in_progress' | 'done',
    answer: { status: number; body: unknown } | null,
    now = Date.now(),
  ): unknown[] {
    return [
      request.scope,
      request.key,
      request.route,
      request.hash,
      state,
      1,
      answer?.status ?? null,
      answer ? JSON.stringify(answer.body ?? null) : null,
      now + LEASE_MS,
      now,
      now + IDEMPOTENCY_RETENTION_MS,
    ];
  }

  private async insertIfAbsent(tx: EntityManager, row: unknown[]): Promise<boolean> {
    const verb = this.transactions.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    return (await execute(tx, INSERT_KEY.replace(/^INSERT/, verb), row)) === 1;
  }

  /** Stores the answer; only the attempt that holds the claim may, which settles a race with a takeover. */
  private async complete(
    tx: EntityManager,
    scope: string,
    key: string,
    attempt: number,
    status: number,
    body: unknown,
  ): Promise<void> {
    // Checked with the transaction's last statements, before it commits.
    await defer(
      tx,
      "UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ? WHERE scope = ? AND idem_key = ? AND attempt = ? AND state = 'in_progress'",
      [status, JSON.stringify(body ?? null), scope, key, attempt],
      { rows: 1, orElse: () => new LostClaim() },
    );
  }

  private async release(scope: string, key: string, attempt: number): Promise<void> {
    await this.transactions.run((tx) =>
      execute(
        tx,
        "DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ? AND attempt = ? AND state = 'in_progress'",
        [scope, key, attempt],
      ),
    );
  }

  private async replayAfterLostClaim<T>(scope: string, key: string): Promise<IdempotentResult<T>> {
    const rows = await this.transactions.run((tx) =>
      select<KeyRow>(
        tx,
        'SELECT state, response_status, response_body FROM idempotency_keys WHERE scope = ? AND idem_key = ?',
        [scope, key],
      ),
    );
    const row = rows[0];
    if (row?.state === 'done') {
      return {
        status: Number(row.response_status),
        body: (row.response_body === null ? null : JSON.parse(row.response_body)) as T,
        replayed: true,
      };
    }
    throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS', 'the request with this key is still running');
  }
}

/** Another attempt took over this key while the work ran; this attempt's work is rolled back. */
class LostClaim extends Error {}

/** The key has a row already, committed: a claim of the work's transaction found it. */
class KeyTaken extends Error {}

/** Another running request holds the key: answered 409, and not stored as this key's answer. */
class InProgress extends Error {
  readonly answer = new AppError(
    'IDEMPOTENCY_KEY_IN_PROGRESS',
    'the request with this key is still running; retry shortly',
  );
}

const inProgress = () => new InProgress();
