import { refillTimeMs, takeToken, type TokenBucket } from './token-bucket';

const rule = { capacity: 3, refillPerMinute: 60 };

function takeMany(count: number, now: number, start?: TokenBucket) {
  let bucket = start;
  const allowed: boolean[] = [];
  for (let i = 0; i < count; i += 1) {
    const taken = takeToken(bucket, rule, now);
    bucket = taken.bucket;
    allowed.push(taken.allowed);
  }
  return { bucket, allowed };
}

describe('takeToken', () => {
  it('lets a burst of the capacity through at once, then refuses with the time to the next token', () => {
    const { bucket, allowed } = takeMany(3, 1_000);
    expect(allowed).toEqual([true, true, true]);
    expect(takeToken(bucket, rule, 1_000)).toEqual({
      allowed: false,
      bucket: { credit: 0, at: 1_000 },
      retryAfterMs: 1_000,
    });
    expect(takeToken(bucket, rule, 1_400)).toMatchObject({ allowed: false, retryAfterMs: 600 });
  });

  it('refills at the rate, one call per token, never above the capacity', () => {
    const empty = takeMany(3, 0).bucket;
    expect(takeToken(empty, rule, 999).allowed).toBe(false);
    const one = takeToken(empty, rule, 1_000);
    expect(one).toEqual({ allowed: true, bucket: { credit: 0, at: 1_000 } });
    expect(takeToken(one.bucket, rule, 1_000).allowed).toBe(false);
    // An hour idle is a full bucket, not sixty tokens.
    expect(takeMany(4, 3_600_000, empty).allowed).toEqual([true, true, true, false]);
  });

  it('takes nothing for a refused call, so refusals do not push the next allowed call further away', () => {
    let bucket = takeMany(3, 0).bucket;
    for (let t = 0; t < 1_000; t += 100) bucket = takeToken(bucket, rule, t).bucket;
    expect(takeToken(bucket, rule, 1_000).allowed).toBe(true);
  });

  it('refills nothing when the time source goes backwards', () => {
    const empty = takeMany(3, 5_000).bucket;
    expect(takeToken(empty, rule, 4_000)).toMatchObject({ allowed: false, bucket: { credit: 0 } });
  });

  it('names how long an untouched bucket takes to be full again', () => {
    expect(refillTimeMs(rule)).toBe(3_000);
    expect(refillTimeMs({ capacity: 120, refillPerMinute: 120 })).toBe(60_000);
  });
});
