import { AppError } from './app-error';

/**
 * Driver error codes after which a whole transaction may simply be run again: nothing of it was committed.
 * - ER_LOCK_DEADLOCK (1213): a deadlock, and on Galera a certification conflict with a write committed on
 *   another node (the losing transaction is rolled back, whichever node it ran on);
 * - ER_ERROR_DURING_COMMIT (1180): Galera refusing a commit it could not certify or replicate;
 * - ER_UNKNOWN_COM_ERROR (1047): "WSREP has not yet prepared node for application use", a node that is
 *   joining or has lost its cluster's quorum refuses every statement until it is back;
 * - ER_LOCK_WAIT_TIMEOUT and SQLite's busy codes: a lock held too long by someone else.
 */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'ER_LOCK_DEADLOCK',
  'ER_ERROR_DURING_COMMIT',
  'ER_UNKNOWN_COM_ERROR',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
]);

export interface RetryBudget {
  /** How long a request may spend on attempts and waits before it is answered 503 TRY_AGAIN. */
  budgetMs: number;
  /** The first wait's upper bound; each later one doubles, up to `capMs`. */
  baseMs: number;
  capMs: number;
}

/** About two seconds of retries: long past a burst of conflicts on one row, short of a till's patience. */
export const RETRY_BUDGET: RetryBudget = { budgetMs: 2_000, baseMs: 5, capMs: 250 };

/**
 * How long to wait before attempt `failed + 1`, or null when the budget does not allow it. Exponential
 * backoff with full jitter (a uniform wait below the bound): requests that collided once spread out instead
 * of colliding again in step. `random` is in [0, 1).
 */
export function retryDelayMs(failed: number, elapsedMs: number, random: number, budget = RETRY_BUDGET): number | null {
  const bound = Math.min(budget.capMs, budget.baseMs * 2 ** Math.max(0, failed - 1));
  const delay = Math.floor(random * bound);
  return elapsedMs + delay >= budget.budgetMs ? null : delay;
}

/**
 * Codes that mean "this node or this moment refuses the work, nothing was done": when they reach the API (the
 * budget spent, or outside a transaction) the answer is 503 TRY_AGAIN, never 500.
 */
export const TRY_AGAIN_CODES: ReadonlySet<string> = new Set([
  'ER_LOCK_DEADLOCK',
  'ER_ERROR_DURING_COMMIT',
  'ER_UNKNOWN_COM_ERROR',
]);

/** The answer when the database keeps refusing the work: 503 with a Retry-After header. */
export function tryAgain(): AppError {
  return new AppError('TRY_AGAIN', 'the database is busy with conflicting work; try again shortly', {
    retryAfterSeconds: 1,
  });
}
