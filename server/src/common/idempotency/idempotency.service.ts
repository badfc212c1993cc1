import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../app-error';
import { mapError } from '../error-mapping';
import { defer, execute, select, Transactions } from '../transactions';

/** How long a request may hold its key before another attempt may take over (a crashed server's claim). */
const LEASE_MS = 15_000;
/** Keys are kept at least 24 hours (API.md); cleanup removes them after this. */
export const IDEMPOTENCY_RETENTION_MS = 48 * 60 * 60 * 1000;

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

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
 * Idempotency for every route that moves value (API.md). A key is claimed by statements committed at
 * once, before the work; the work then commits in one transaction together with the stored answer, so an
 * answer exists exactly when the work happened. Replays return the stored status and body; the same
 * key with another body is 422; a key whose first request is still running is 409. A claim left by a
 * crashed server expires after its lease and the retry does the work (the crash rolled it back).
 * Keys live in the database, so this holds across any number of server instances.
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
    const claim = await this.claim(options.scope, key, options.route, hash);
    if (claim.kind === 'replay') return { status: claim.status, body: claim.body as T, replayed: true };

    try {
      const body = await this.transactions.run(async (tx) => {
        const result = await work(tx);
        await this.complete(tx, options.scope, key, claim.attempt, options.successStatus, result);
        return result;
      });
      return { status: options.successStatus, body, replayed: false };
    } catch (error) {
      if (error instanceof LostClaim) return this.replayAfterLostClaim<T>(options.scope, key);
      const mapped = mapError(error);
      if (mapped.status < 500) {
        // An expected refusal (409 POINTS_INSUFFICIENT, ...) is the answer for this key, replayed like a success.
        await this.transactions.run((tx) =>
          this.complete(tx, options.scope, key, claim.attempt, mapped.status, mapped.body),
        );
      } else {
        // Nothing happened; free the key so a retry can do the work at once.
        await this.release(options.scope, key, claim.attempt).catch((releaseError: unknown) =>
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

  private async claim(
    scope: string,
    key: string,
    route: string,
    hash: string,
  ): Promise<{ kind: 'owner'; attempt: number } | { kind: 'replay'; status: number; body: unknown }> {
    // Leases and retention are infrastructure time: the real clock, never the dev clock.
    const now = Date.now();
    // Each step is one statement that decides by itself (insert-if-absent, a takeover conditional on the
    // attempt read), so the claim needs no transaction: it is committed the moment it is made.
    return this.transactions.statements(async (tx) => {
      const inserted = await this.insertIfAbsent(tx, [
        scope,
        key,
        route,
        hash,
        'in_progress',
        1,
        now + LEASE_MS,
        now,
        now + IDEMPOTENCY_RETENTION_MS,
      ]);
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

  private async insertIfAbsent(tx: EntityManager, values: unknown[]): Promise<boolean> {
    const verb = this.transactions.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    const changed = await execute(
      tx,
      `${verb} INTO idempotency_keys (scope, idem_key, route, request_hash, state, attempt, lease_until, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      values,
    );
    return changed === 1;
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
