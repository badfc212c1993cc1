import { RETRY_BUDGET, RETRYABLE_CODES, retryDelayMs } from './retry-policy';

describe('retryDelayMs', () => {
  const budget = { budgetMs: 1_000, baseMs: 10, capMs: 100 };

  it('doubles the bound of the wait after each failure, up to the cap', () => {
    const bounds = [1, 2, 3, 4, 5, 6, 9].map((failed) => retryDelayMs(failed, 0, 0.9999, budget));
    expect(bounds).toEqual([9, 19, 39, 79, 99, 99, 99]);
  });

  it('jitters the wait uniformly below the bound', () => {
    expect(retryDelayMs(3, 0, 0, budget)).toBe(0);
    expect(retryDelayMs(3, 0, 0.5, budget)).toBe(20);
  });

  it('gives up when the wait would end past the budget', () => {
    expect(retryDelayMs(5, 950, 0.5, budget)).toBe(null);
    expect(retryDelayMs(5, 1_000, 0, budget)).toBe(null);
    expect(retryDelayMs(5, 900, 0.5, budget)).toBe(50);
  });

  it('allows dozens of attempts within the default two seconds, not an endless loop', () => {
    let elapsed = 0;
    let failed = 0;
    for (;;) {
      failed += 1;
      const delay = retryDelayMs(failed, elapsed, 0.5);
      if (delay === null) break;
      elapsed += delay + 1;
    }
    expect(failed).toBeGreaterThan(10);
    expect(elapsed).toBeLessThanOrEqual(RETRY_BUDGET.budgetMs);
  });

  it('retries certification conflicts and a node not yet ready, not a lost connection', () => {
    for (const code of ['ER_LOCK_DEADLOCK', 'ER_ERROR_DURING_COMMIT', 'ER_UNKNOWN_COM_ERROR']) {
      expect(RETRYABLE_CODES.has(code)).toBe(true);
    }
    expect(RETRYABLE_CODES.has('PROTOCOL_CONNECTION_LOST')).toBe(false);
  });
});
