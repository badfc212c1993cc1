import type { MemberAuth } from '../auth.types';
import { AppError } from '../app-error';
import { MemberReadLimiter } from './member-read-limiter';

const member = (memberId: string | null, identity = `wx:${memberId ?? 'new'}`): MemberAuth => ({
  kind: 'member',
  identity,
  memberId,
  sessionId: `s-${identity}`,
});

function refusal(run: () => void): AppError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

describe('MemberReadLimiter', () => {
  let now = 0;
  const limiter = (maxKeys?: number) =>
    new MemberReadLimiter({ burst: 2, perMinute: 60, now: () => now, ...(maxKeys ? { maxKeys } : {}) });

  beforeEach(() => {
    now = 0;
  });

  it('refuses the read past the burst with RATE_LIMITED and whole seconds to wait; others are unaffected', () => {
    const reads = limiter();
    reads.take(member('a'));
    reads.take(member('a'));
    const refused = refusal(() => reads.take(member('a')));
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 1 } });
    expect(refusal(() => reads.take(member('b')))).toBeUndefined();
    now = 1_000;
    expect(refusal(() => reads.take(member('a')))).toBeUndefined();
  });

  it('counts one member across its logins, and a login that has not joined by its identity', () => {
    const reads = limiter();
    reads.take(member('a', 'wx:phone-1'));
    reads.take(member('a', 'wx:phone-2'));
    expect(refusal(() => reads.take(member('a', 'wx:phone-3')))).toMatchObject({ code: 'RATE_LIMITED' });
    reads.take(member(null, 'wx:x'));
    reads.take(member(null, 'wx:x'));
    expect(refusal(() => reads.take(member(null, 'wx:x')))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refusal(() => reads.take(member(null, 'wx:y')))).toBeUndefined();
  });

  it('forgets members idle long enough to be full again', () => {
    const reads = limiter();
    for (const id of ['a', 'b', 'c']) reads.take(member(id));
    expect(reads.size).toBe(3);
    now = 1_999;
    reads.take(member('b'));
    now = 2_000;
    reads.take(member('d'));
    // a and c were last seen at 0, a full bucket's refill time (2 s) ago; b was seen since.
    expect(reads.size).toBe(2);
  });

  it('keeps at most maxKeys, forgetting the least recently seen, never the caller being limited', () => {
    const reads = limiter(3);
    reads.take(member('flood'));
    reads.take(member('flood'));
    for (let i = 0; i < 100; i += 1) {
      reads.take(member(`m${i}`));
      expect(refusal(() => reads.take(member('flood')))).toMatchObject({ code: 'RATE_LIMITED' });
      expect(reads.size).toBeLessThanOrEqual(3);
    }
  });
});
