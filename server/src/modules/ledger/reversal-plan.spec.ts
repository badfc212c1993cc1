import { type EarningLots, planReversal } from './reversal-plan';

const lots = (over: Partial<EarningLots>): EarningLots => ({
  earned: 1000,
  expired: 0,
  reversed: 0,
  pending: 0,
  remaining: 1000,
  ...over,
});

describe('planReversal', () => {
  it("takes the whole share from the earning's own lot while it holds it", () => {
    expect(planReversal(400, lots({}))).toEqual({ fromPending: 0, fromOwnLots: 400, fromBalance: 0 });
  });

  it('takes nothing once the earned points have expired', () => {
    expect(planReversal(1000, lots({ expired: 1000, remaining: 0 }))).toEqual({
      fromPending: 0,
      fromOwnLots: 0,
      fromBalance: 0,
    });
  });

  it('takes spent points off the balance (a debt if need be), but never the expired ones', () => {
    // 1000 earned: 300 expired, 500 spent, 200 left.
    const state = lots({ expired: 300, remaining: 200 });
    expect(planReversal(1000, state)).toEqual({ fromPending: 0, fromOwnLots: 200, fromBalance: 500 });
  });

  it('counts what earlier refunds took back, so the parts never exceed what is left', () => {
    // 1000 earned, 600 expired; a first half refund took the 400 left.
    const first = planReversal(500, lots({ expired: 600, remaining: 400 }));
    expect(first).toEqual({ fromPending: 0, fromOwnLots: 400, fromBalance: 0 });
    const second = planReversal(500, lots({ expired: 600, remaining: 0, reversed: 400 }));
    expect(second).toEqual({ fromPending: 0, fromOwnLots: 0, fromBalance: 0 });
  });

  it('takes pending points out of the pending lots first', () => {
    expect(planReversal(300, lots({ pending: 1000, remaining: 0 }))).toEqual({
      fromPending: 300,
      fromOwnLots: 0,
      fromBalance: 0,
    });
  });

  it('takes the share as asked when earlier reversals are not tracked', () => {
    expect(planReversal(300, lots({ expired: 1000, remaining: 0, reversed: null }))).toEqual({
      fromPending: 0,
      fromOwnLots: 0,
      fromBalance: 300,
    });
  });

  it('takes the whole share off the balance when the earning has no lots', () => {
    expect(planReversal(250, null)).toEqual({ fromPending: 0, fromOwnLots: 0, fromBalance: 250 });
  });

  it('never takes more than asked, nor more than was earned', () => {
    for (const requested of [0, 1, 999, 1000, 5000]) {
      const plan = planReversal(requested, lots({ expired: 100, reversed: 50, remaining: 350 }));
      const total = plan.fromPending + plan.fromOwnLots + plan.fromBalance;
      expect(total).toBe(Math.min(requested, 850));
    }
  });
});
