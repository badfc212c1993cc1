import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Clock } from '../../src/common/clock';
import { Transactions } from '../../src/common/transactions';
import { ReferralService } from '../../src/modules/referral/referral.service';
import { scalar } from './fixtures';
import {
  bearer,
  joinedMember,
  type JoinedMember,
  joinRequest,
  type MembershipHarness,
  newPhone,
  patchProgram,
  startMembershipApp,
  wechatLogin,
} from './members.helpers';
import { TEST_DB } from './test-app';

jest.setTimeout(180_000);

const DAY = 24 * 60 * 60 * 1000;
const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

interface Summary {
  inviteCode: string;
  scene: string;
  path: string;
  invitedCount: number;
  rewardedCount: number;
  pendingCount: number;
  refusedCount: number;
  pointsEarned: number;
}

describe(`referral on ${TEST_DB}`, () => {
  let harness: MembershipHarness;
  let clock: Clock;
  let referrals: ReferralService;
  let transactions: Transactions;

  beforeAll(async () => {
    harness = await startMembershipApp();
    clock = harness.app.huika.app.get(Clock);
    referrals = harness.app.huika.app.get(ReferralService);
    transactions = harness.app.huika.app.get(Transactions);
  });

  afterAll(async () => {
    await clock.reset();
    await harness.close();
  });

  const dataSource = () => harness.app.huika.dataSource;

  async function summary(member: JoinedMember): Promise<Summary> {
    const response = await harness.app.request({
      method: 'GET',
      url: '/api/me/referral',
      headers: bearer(member.token),
    });
    if (response.status !== 200) throw new Error(`referral: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Summary;
  }

  async function referralOf(inviteeId: string) {
    const rows = (await dataSource().query('SELECT * FROM referrals WHERE invitee_id = ?', [inviteeId])) as {
      id: string;
      referrer_id: string;
      state: string;
      reason: string | null;
      grant_after: number | string | null;
    }[];
    return rows[0];
  }

  const balanceOf = (memberId: string) =>
    scalar(dataSource(), 'SELECT points_balance FROM members WHERE id = ?', [memberId]);

  it('gives every member an invite code that is their referrer scene', async () => {
    const member = await joinedMember(harness);
    const mine = await summary(member);
    expect(mine).toEqual({
      inviteCode: expect.stringMatching(/^[A-Z2-9]{8}$/),
      scene: mine.inviteCode,
      path: `pages/join/index?scene=${mine.inviteCode}`,
      invitedCount: 0,
      rewardedCount: 0,
      pendingCount: 0,
      refusedCount: 0,
      pointsEarned: 0,
    });
    expect(await summary(member)).toEqual(mine);
    expect(
      await scalar(dataSource(), "SELECT COUNT(*) FROM scenes WHERE code = ? AND kind = 'referrer' AND target_id = ?", [
        mine.scene,
        member.id,
      ]),
    ).toBe(1);
  });

  it('rewards the referrer after the invitee’s first paid purchase and the holding period, once; a refund takes it back', async () => {
    const referrer = await joinedMember(harness);
    const { scene } = await summary(referrer);
    const invitee = await joinedMember(harness, { scene });
    const referral = await referralOf(invitee.id);
    expect(referral).toMatchObject({ referrer_id: referrer.id, state: 'pending', reason: null, grant_after: null });
    expect(await summary(referrer)).toMatchObject({ invitedCount: 1, pendingCount: 1, rewardedCount: 0 });

    // Nothing is due before a purchase; a free order does not qualify; later purchases change nothing.
    expect(await referrals.grantDue()).toEqual({ granted: 0, refused: 0 });
    expect(
      await transactions.run((tx) =>
        referrals.onQualifyingPurchase(tx, { inviteeId: invitee.id, purchaseId: 'p-free', paidFen: 0 }),
      ),
    ).toBe(false);
    expect(
      await transactions.run((tx) =>
        referrals.onQualifyingPurchase(tx, { inviteeId: invitee.id, purchaseId: 'p-1', paidFen: 5000 }),
      ),
    ).toBe(true);
    expect(
      await transactions.run((tx) =>
        referrals.onQualifyingPurchase(tx, { inviteeId: invitee.id, purchaseId: 'p-2', paidFen: 9000 }),
      ),
    ).toBe(false);
    const holding = Number((await referralOf(invitee.id))?.grant_after) - clock.now();
    expect(holding).toBeGreaterThan(7 * DAY - 60_000);
    expect(holding).toBeLessThanOrEqual(7 * DAY);

    await clock.setNow(clock.now() + 6 * DAY);
    expect(await referrals.grantDue()).toEqual({ granted: 0, refused: 0 });
    await clock.setNow(clock.now() + 2 * DAY);
    expect(await referrals.grantDue()).toEqual({ granted: 1, refused: 0 });
    expect(await referrals.grantDue()).toEqual({ granted: 0, refused: 0 });
    expect(await balanceOf(referrer.id)).toBe(10);
    expect(await summary(referrer)).toMatchObject({
      invitedCount: 1,
      rewardedCount: 1,
      pendingCount: 0,
      pointsEarned: 10,
    });
    expect(
      await scalar(
        dataSource(),
        "SELECT COUNT(*) FROM point_postings WHERE ref_type = 'referral' AND ref_id = ? AND kind = 'earn'",
        [referral!.id],
      ),
    ).toBe(1);

    // A refund of a later purchase changes nothing; the qualifying one reverses the reward.
    await transactions.run((tx) => referrals.onPurchaseRefunded(tx, { purchaseId: 'p-2' }));
    expect(await balanceOf(referrer.id)).toBe(10);
    await transactions.run((tx) => referrals.onPurchaseRefunded(tx, { purchaseId: 'p-1' }));
    await transactions.run((tx) => referrals.onPurchaseRefunded(tx, { purchaseId: 'p-1' }));
    expect(await referralOf(invitee.id)).toMatchObject({ state: 'reversed', reason: 'purchase_refunded' });
    expect(await balanceOf(referrer.id)).toBe(0);
    expect(await summary(referrer)).toMatchObject({ invitedCount: 1, rewardedCount: 0, pointsEarned: 0 });
    await clock.reset();
  });

  it('reverses a pending referral whose qualifying purchase is refunded before the reward', async () => {
    const referrer = await joinedMember(harness);
    const invitee = await joinedMember(harness, { scene: (await summary(referrer)).scene });
    await transactions.run((tx) =>
      referrals.onQualifyingPurchase(tx, { inviteeId: invitee.id, purchaseId: 'p-pending', paidFen: 100 }),
    );
    await transactions.run((tx) => referrals.onPurchaseRefunded(tx, { purchaseId: 'p-pending' }));
    expect(await referralOf(invitee.id)).toMatchObject({ state: 'reversed', reason: 'purchase_refunded' });
    await clock.setNow(clock.now() + 30 * DAY);
    expect((await referrals.grantDue()).granted).toBe(0);
    await clock.reset();
    expect(await balanceOf(referrer.id)).toBe(0);
  });

  it('records but refuses self-referral by the same device, and the invitee still joins', async () => {
    const referrer = await joinedMember(harness, { deviceId: 'phone-of-zhang' });
    const { scene } = await summary(referrer);
    const sameDevice = await joinedMember(harness, { scene, deviceId: 'phone-of-zhang' });
    expect(await referralOf(sameDevice.id)).toMatchObject({ state: 'refused', reason: 'self_referral_device' });
    expect(await summary(referrer)).toMatchObject({ invitedCount: 0, refusedCount: 1 });
    await transactions.run((tx) =>
      referrals.onQualifyingPurchase(tx, { inviteeId: sameDevice.id, purchaseId: 'p-self', paidFen: 100 }),
    );
    await clock.setNow(clock.now() + 30 * DAY);
    expect((await referrals.grantDue()).granted).toBe(0);
    await clock.reset();
  });

  it('refuses self-referral by the same WeChat account (unionid)', async () => {
    const login = await wechatLogin(harness, undefined, 'union-li');
    const joined = await joinRequest(harness.app, login.token, { phone: newPhone() });
    expect(joined.status).toBe(201);
    const referrerId = (joined.body as { id: string }).id;
    // The referrer's unionid is learnt at their next login.
    await wechatLogin(harness, login.openid, 'union-li');
    const scene = (await summary({ token: (joined.body as { token: string }).token } as JoinedMember)).scene;
    const other = await wechatLogin(harness, undefined, 'union-li');
    const invitee = await joinRequest(harness.app, other.token, { phone: newPhone(), scene });
    expect(invitee.status).toBe(201);
    const referral = await referralOf((invitee.body as { id: string }).id);
    expect(referral).toMatchObject({ referrer_id: referrerId, state: 'refused', reason: 'self_referral_wechat' });
  });

  it('caps referrals per referrer per day and per month, recording the refused ones', async () => {
    await patchProgram(dataSource(), (program) => {
      program.referral = { dailyCap: 2, monthlyCap: 3 };
    });
    try {
      await clock.setNow(Date.parse('2026-07-10T10:00:00+08:00'));
      const referrer = await joinedMember(harness);
      const { scene } = await summary(referrer);
      const states = async (count: number) => {
        const result: (string | null)[] = [];
        for (let i = 0; i < count; i += 1) {
          const invitee = await joinedMember(harness, { scene });
          result.push((await referralOf(invitee.id))?.reason ?? null);
        }
        return result;
      };
      expect(await states(3)).toEqual([null, null, 'daily_cap']);
      await clock.setNow(Date.parse('2026-07-11T10:00:00+08:00'));
      expect(await states(2)).toEqual([null, 'monthly_cap']);
      await clock.setNow(Date.parse('2026-08-01T00:30:00+08:00'));
      expect(await states(1)).toEqual([null]);
      expect(await summary(referrer)).toMatchObject({ invitedCount: 4, refusedCount: 2 });

      // Concurrent joins through one invite cannot overshoot the daily cap.
      await clock.setNow(Date.parse('2026-08-02T09:00:00+08:00'));
      const logins = await Promise.all(Array.from({ length: 6 }, () => wechatLogin(harness)));
      await Promise.all(logins.map((login) => joinRequest(harness.app, login.token, { scene })));
      const pending = await scalar(
        dataSource(),
        "SELECT COUNT(*) FROM referrals WHERE referrer_id = ? AND state = 'pending' AND created_at >= ?",
        [referrer.id, Date.parse('2026-08-02T00:00:00+08:00')],
      );
      expect(pending).toBe(2);
    } finally {
      await clock.reset();
      await patchProgram(dataSource(), (program) => {
        program.referral = { dailyCap: 20, monthlyCap: 100 };
      });
    }
  });

  it('has one referrer per member: a member cannot be referred twice', async () => {
    const referrer = await joinedMember(harness);
    const invitee = await joinedMember(harness, { scene: (await summary(referrer)).scene });
    expect(await scalar(dataSource(), 'SELECT COUNT(*) FROM referrals WHERE invitee_id = ?', [invitee.id])).toBe(1);
    const another = await joinedMember(harness);
    const again = await joinRequest(harness.app, invitee.token, { scene: (await summary(another)).scene });
    expect(again).toMatchObject({ status: 409, body: { code: 'ALREADY_MEMBER' } });
    expect(await scalar(dataSource(), 'SELECT COUNT(*) FROM referrals WHERE invitee_id = ?', [invitee.id])).toBe(1);
  });

  it('grants due referrals from the command line (huika grant-referrals)', async () => {
    if (!existsSync(CLI)) throw new Error('build the server first (node scripts/build.mjs server)');
    const referrer = await joinedMember(harness);
    const invitee = await joinedMember(harness, { scene: (await summary(referrer)).scene });
    await transactions.run((tx) =>
      referrals.onQualifyingPurchase(tx, { inviteeId: invitee.id, purchaseId: 'p-cli', paidFen: 100 }),
    );
    await clock.setNow(clock.now() + 8 * DAY);
    const config = harness.db.config;
    const url = config.kind === 'mysql' ? config.url : `sqlite:${config.file}`;
    const result = spawnSync(process.execPath, [CLI, 'grant-referrals'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: url,
        HUIKA_ADMIN_PASSWORD: 'admin-password',
        // The test app runs in dev mode, whose keys are kept in the database.
        HUIKA_DEV: 'true',
        LOG_PRETTY: 'false',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    await clock.reset();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/granted [1-9]\d* referral rewards/);
    expect(await referralOf(invitee.id)).toMatchObject({ state: 'granted' });
    expect(await balanceOf(referrer.id)).toBe(10);
  });
});
