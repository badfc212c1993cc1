import fc from 'fast-check';
import { Clock } from '../../src/common/clock';
import { Transactions } from '../../src/common/transactions';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { SYSTEM_ACTOR } from '../../src/modules/ledger/ledger.types';
import { PointsService } from '../../src/modules/ledger/points.service';
import { ProgramService } from '../../src/modules/program/program.service';
import { ReconcileService } from '../../src/modules/ledger/reconcile.service';
import { insertMember, memberToken, scalar, staffToken } from './fixtures';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase } from './test-app';

jest.setTimeout(120_000);

const DAY = 24 * 60 * 60 * 1000;

describe(`points ledger on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;
  let ledger: LedgerService;
  let transactions: Transactions;
  let reconcile: ReconcileService;
  let clock: Clock;
  let refSerial = 0;
  const ref = (memberId: string, refType: 'purchase' | 'redemption' | 'refund' | 'adjustment' = 'purchase') => ({
    memberId,
    refType,
    refId: `r${(refSerial += 1)}`,
    actor: SYSTEM_ACTOR,
  });

  beforeAll(async () => {
    db = await freshDatabase();
    app = await startTestApp(db.config);
    ledger = app.huika.app.get(LedgerService);
    transactions = app.huika.app.get(Transactions);
    reconcile = app.huika.app.get(ReconcileService);
    clock = app.huika.app.get(Clock);
  });

  afterAll(async () => {
    await clock.reset();
    await app.close();
    await db.drop();
  });

  async function expectBooksBalanced() {
    const report = await reconcile.run();
    expect(report.differences).toEqual([]);
  }

  describe('postings', () => {
    it('earns into a lot, spends oldest-expiring first, and every posting sums to zero', async () => {
      const member = await insertMember(app.huika.dataSource);
      await clock.setNow(Date.parse('2026-03-01T10:00:00+08:00'));
      const early = await transactions.run((tx) => ledger.earn(tx, ref(member.id), 100, { source: 'purchase' }));
      await clock.setNow(Date.parse('2026-12-31T10:00:00+08:00'));
      const late = await transactions.run((tx) => ledger.earn(tx, ref(member.id), 100, { source: 'purchase' }));
      const spent = await transactions.run((tx) => ledger.spend(tx, ref(member.id, 'redemption'), 150));
      expect(spent.balance).toBe(50);
      const remaining = async (lotId: string) =>
        scalar(app.huika.dataSource, 'SELECT remaining FROM point_lots WHERE id = ?', [lotId]);
      // The lot expiring at the end of 2026 went first; the Dec 31 lot (valid through 2027) keeps 50.
      expect(await remaining(early.lotId)).toBe(0);
      expect(await remaining(late.lotId)).toBe(50);
      const unbalanced = await scalar(
        app.huika.dataSource,
        'SELECT COUNT(*) FROM (SELECT posting_id FROM point_entries GROUP BY posting_id HAVING SUM(points) <> 0) t',
      );
      expect(unbalanced).toBe(0);
      await expectBooksBalanced();
    });

    it('refuses a spend the balance does not cover, and leaves nothing behind', async () => {
      const member = await insertMember(app.huika.dataSource);
      await transactions.run((tx) => ledger.earn(tx, ref(member.id), 40, { source: 'purchase' }));
      const postingsBefore = await scalar(
        app.huika.dataSource,
        'SELECT COUNT(*) FROM point_postings WHERE member_id = ?',
        [member.id],
      );
      await expect(transactions.run((tx) => ledger.spend(tx, ref(member.id, 'redemption'), 41))).rejects.toMatchObject({
        code: 'POINTS_INSUFFICIENT',
      });
      expect(
        await scalar(app.huika.dataSource, 'SELECT COUNT(*) FROM point_postings WHERE member_id = ?', [member.id]),
      ).toBe(postingsBefore);
      expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
        40,
      );
    });

    it('earns onto a balance read under lock without reading it back, and refuses one read stale with the whole transaction', async () => {
      const member = await insertMember(app.huika.dataSource);
      await transactions.run((tx) => ledger.earn(tx, ref(member.id), 40, { source: 'purchase' }));
      const earned = await transactions.run((tx) =>
        ledger.earn(tx, ref(member.id), 25, { source: 'purchase', balanceBefore: 40 }),
      );
      expect(earned.balance).toBe(65);
      expect(
        await scalar(
          app.huika.dataSource,
          'SELECT balance_after FROM point_entries WHERE posting_id = ? AND account = ?',
          [earned.postingId, 'member'],
        ),
      ).toBe(65);
      const postings = () =>
        scalar(app.huika.dataSource, 'SELECT COUNT(*) FROM point_postings WHERE member_id = ?', [member.id]);
      const before = await postings();
      // A balance that is not the row's: the write finds no row to change, and nothing of the posting stays.
      await expect(
        transactions.run((tx) => ledger.earn(tx, ref(member.id), 25, { source: 'purchase', balanceBefore: 40 })),
      ).rejects.toThrow('is no longer the 40 read under lock');
      expect(await postings()).toBe(before);
      expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
        65,
      );
      await expectBooksBalanced();
    });

    it('lets a reversal leave a debt that blocks spending and is repaid by the next earning', async () => {
      const member = await insertMember(app.huika.dataSource);
      const earned = await transactions.run((tx) => ledger.earn(tx, ref(member.id), 100, { source: 'purchase' }));
      await transactions.run((tx) => ledger.spend(tx, ref(member.id, 'redemption'), 80));
      const reversed = await transactions.run((tx) =>
        ledger.reverse(tx, ref(member.id, 'refund'), 100, earned.postingId),
      );
      expect(reversed.balance).toBe(-80);
      await expect(transactions.run((tx) => ledger.spend(tx, ref(member.id, 'redemption'), 1))).rejects.toMatchObject({
        code: 'POINTS_INSUFFICIENT',
      });
      const repaid = await transactions.run((tx) => ledger.earn(tx, ref(member.id), 100, { source: 'purchase' }));
      expect(repaid.balance).toBe(20);
      expect(await scalar(app.huika.dataSource, 'SELECT remaining FROM point_lots WHERE id = ?', [repaid.lotId])).toBe(
        20,
      );
      await expectBooksBalanced();
    });

    it('never posts the same cause twice', async () => {
      const member = await insertMember(app.huika.dataSource);
      const cause = ref(member.id);
      await transactions.run((tx) => ledger.earn(tx, cause, 10, { source: 'purchase' }));
      await expect(transactions.run((tx) => ledger.earn(tx, cause, 10, { source: 'purchase' }))).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
        10,
      );
    });
  });

  describe('property: random sequences keep the books exact', () => {
    type Op =
      | { op: 'earn'; points: number; daysLater: number }
      | { op: 'spend'; points: number }
      | { op: 'reverse'; points: number }
      | { op: 'adjust'; points: number }
      | { op: 'expire'; daysLater: number };

    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        op: fc.constant('earn' as const),
        points: fc.integer({ min: 1, max: 500 }),
        daysLater: fc.integer({ min: 0, max: 200 }),
      }),
      fc.record({ op: fc.constant('spend' as const), points: fc.integer({ min: 1, max: 600 }) }),
      fc.record({ op: fc.constant('reverse' as const), points: fc.integer({ min: 1, max: 300 }) }),
      fc.record({
        op: fc.constant('adjust' as const),
        points: fc.integer({ min: -300, max: 300 }).filter((p) => p !== 0),
      }),
      fc.record({ op: fc.constant('expire' as const), daysLater: fc.integer({ min: 1, max: 400 }) }),
    );

    it('postings sum to zero, balance = entries, lots go oldest-first, a spend never goes negative', async () => {
      const runs = TEST_DB === 'mysql' ? 15 : 30;
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
          const member = await insertMember(app.huika.dataSource);
          let now = Date.parse('2026-01-10T12:00:00+08:00');
          await clock.setNow(now);
          let lastEarning: string | null = null;
          for (const step of ops) {
            const balanceBefore = await scalar(
              app.huika.dataSource,
              'SELECT points_balance FROM members WHERE id = ?',
              [member.id],
            );
            const lotsBefore = (await app.huika.dataSource.query(
              'SELECT id, remaining, expires_at FROM point_lots WHERE member_id = ? AND remaining > 0',
              [member.id],
            )) as { id: string; remaining: number | string; expires_at: number | string | null }[];
            switch (step.op) {
              case 'earn': {
                now += step.daysLater * DAY;
                await clock.setNow(now);
                lastEarning = (
                  await transactions.run((tx) => ledger.earn(tx, ref(member.id), step.points, { source: 'purchase' }))
                ).postingId;
                break;
              }
              case 'spend':
              case 'adjust': {
                const spend = step.op === 'spend' ? step.points : -step.points;
                const attempt =
                  step.op === 'spend'
                    ? transactions.run((tx) => ledger.spend(tx, ref(member.id, 'redemption'), step.points))
                    : transactions.run((tx) => ledger.adjust(tx, ref(member.id, 'adjustment'), step.points));
                if (spend > 0 && spend > balanceBefore) {
                  await expect(attempt).rejects.toMatchObject({ code: 'POINTS_INSUFFICIENT' });
                } else {
                  const result = await attempt;
                  expect(result.balance).toBe(balanceBefore - spend);
                  if (spend > 0) {
                    expect(result.balance).toBeGreaterThanOrEqual(0);
                    // Oldest-first: every lot that lost points expires no later than any lot left untouched.
                    const lotsAfter = new Map(
                      (
                        (await app.huika.dataSource.query('SELECT id, remaining FROM point_lots WHERE member_id = ?', [
                          member.id,
                        ])) as {
                          id: string;
                          remaining: number | string;
                        }[]
                      ).map((l) => [l.id, Number(l.remaining)]),
                    );
                    const key = (e: number | string | null) => (e === null ? Number.MAX_SAFE_INTEGER : Number(e));
                    const touched = lotsBefore.filter((l) => lotsAfter.get(l.id) !== Number(l.remaining));
                    const untouched = lotsBefore.filter((l) => lotsAfter.get(l.id) === Number(l.remaining));
                    for (const t of touched)
                      for (const u of untouched) expect(key(t.expires_at)).toBeLessThanOrEqual(key(u.expires_at));
                  }
                }
                break;
              }
              case 'reverse': {
                const result = await transactions.run((tx) =>
                  ledger.reverse(tx, ref(member.id, 'refund'), step.points, lastEarning),
                );
                expect(result.balance).toBe(balanceBefore - step.points);
                break;
              }
              case 'expire': {
                now += step.daysLater * DAY;
                await clock.setNow(now);
                await app.huika.app.get(PointsService).expireAll(now);
                break;
              }
            }
          }
          const sum = await scalar(
            app.huika.dataSource,
            "SELECT COALESCE(SUM(points), 0) FROM point_entries WHERE member_id = ? AND account = 'member'",
            [member.id],
          );
          expect(
            await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id]),
          ).toBe(sum);
          await expectBooksBalanced();
        }),
        { numRuns: runs },
      );
    });
  });

  describe('year-end expiry with the dev clock', () => {
    it('expires what 2026 earned at the start of 2027, but keeps what Dec 31 earned until the end of 2027', async () => {
      const member = await insertMember(app.huika.dataSource);
      await clock.setNow(Date.parse('2026-06-18T15:00:00+08:00'));
      await transactions.run((tx) => ledger.earn(tx, ref(member.id), 300, { source: 'purchase' }));
      await clock.setNow(Date.parse('2026-12-31T20:00:00+08:00'));
      await transactions.run((tx) => ledger.earn(tx, ref(member.id), 120, { source: 'purchase' }));
      const points = app.huika.app.get(PointsService);

      await points.expireAll(Date.parse('2026-12-31T23:59:59+08:00'));
      expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
        420,
      );

      const first = await points.expireAll(Date.parse('2027-01-01T00:00:00+08:00'));
      expect(first.points).toBeGreaterThanOrEqual(300);
      expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
        120,
      );
      // A second run expires nothing more.
      const again = await points.expireAll(Date.parse('2027-01-01T00:00:00+08:00'));
      expect(again).toEqual({ lots: 0, points: 0 });

      await points.expireAll(Date.parse('2027-12-31T23:59:59+08:00'));
      expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
        120,
      );
      await points.expireAll(Date.parse('2028-01-01T00:00:00+08:00'));
      expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
        0,
      );
      await expectBooksBalanced();
    });

    it('resumes an interrupted run without expiring anything twice', async () => {
      await clock.setNow(Date.parse('2030-02-01T10:00:00+08:00'));
      const members = await Promise.all([1, 2, 3].map(() => insertMember(app.huika.dataSource)));
      for (const member of members) {
        for (let i = 0; i < 4; i += 1)
          await transactions.run((tx) => ledger.earn(tx, ref(member.id), 25, { source: 'purchase' }));
      }
      const asOf = Date.parse('2031-01-01T00:00:00+08:00');
      // One batch of 5 lots stands for a run that crashed after its first commit.
      const partial = await ledger.expireBatch(asOf, 5);
      expect(partial.lots).toBe(5);
      const rest = await app.huika.app.get(PointsService).expireAll(asOf);
      expect(partial.lots + rest.lots).toBeGreaterThanOrEqual(12);
      for (const member of members) {
        expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
          0,
        );
        expect(
          await scalar(
            app.huika.dataSource,
            "SELECT COUNT(*) FROM point_postings WHERE member_id = ? AND kind = 'expire'",
            [member.id],
          ),
        ).toBe(4);
      }
      await expectBooksBalanced();
    });
  });

  describe('pending period', () => {
    const setPendingDays = async (days: number) => {
      const program = app.huika.app.get(ProgramService);
      const config = await program.get();
      await app.huika.dataSource.query('UPDATE program_config SET config = ? WHERE id = 1', [
        JSON.stringify({ ...config, earning: { ...config.earning, pendingDays: days } }),
      ]);
    };
    afterEach(async () => setPendingDays(0));

    it('holds purchase points until the period is over, and a refund inside it takes them from pending', async () => {
      await setPendingDays(7);
      const member = await insertMember(app.huika.dataSource);
      const start = Date.parse('2026-04-01T10:00:00+08:00');
      await clock.setNow(start);
      const first = await transactions.run((tx) => ledger.earn(tx, ref(member.id), 100, { source: 'purchase' }));
      await transactions.run((tx) => ledger.earn(tx, ref(member.id), 60, { source: 'purchase' }));
      const balances = async () =>
        (await app.huika.dataSource.query('SELECT points_balance AS b, points_pending AS p FROM members WHERE id = ?', [
          member.id,
        ])) as {
          b: number;
          p: number;
        }[];
      expect((await balances())[0]).toMatchObject({ b: 0, p: 160 });
      await expect(transactions.run((tx) => ledger.spend(tx, ref(member.id, 'redemption'), 10))).rejects.toMatchObject({
        code: 'POINTS_INSUFFICIENT',
      });
      // Buy-then-return within the period: the points never became spendable.
      await transactions.run((tx) => ledger.reverse(tx, ref(member.id, 'refund'), 100, first.postingId));
      expect((await balances())[0]).toMatchObject({ b: 0, p: 60 });
      await expectBooksBalanced();

      await clock.setNow(start + 8 * DAY);
      const spent = await transactions.run((tx) => ledger.spend(tx, ref(member.id, 'redemption'), 50));
      expect(spent.balance).toBe(10);
      expect((await balances())[0]).toMatchObject({ b: 10, p: 0 });
      await expectBooksBalanced();
    });

    it('releases every matured lot with the release job, once', async () => {
      await setPendingDays(3);
      const start = Date.parse('2026-05-01T10:00:00+08:00');
      await clock.setNow(start);
      const member = await insertMember(app.huika.dataSource);
      await transactions.run((tx) => ledger.earn(tx, ref(member.id), 30, { source: 'purchase' }));
      const points = app.huika.app.get(PointsService);
      expect(await points.releaseAll()).toBe(0);
      await clock.setNow(start + 3 * DAY + 60_000);
      expect(await points.releaseAll()).toBeGreaterThanOrEqual(1);
      expect(await points.releaseAll()).toBe(0);
      expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
        30,
      );
      await expectBooksBalanced();
    });
    it('lists as expiring in GET /api/me only the points that are spendable, not the pending ones', async () => {
      await setPendingDays(7);
      const start = Date.parse('2026-06-01T10:00:00+08:00');
      await clock.setNow(start);
      const member = await insertMember(app.huika.dataSource);
      await transactions.run((tx) => ledger.earn(tx, ref(member.id), 100, { source: 'purchase' }));
      await transactions.run((tx) => ledger.earn(tx, ref(member.id, 'adjustment'), 40, { source: 'adjustment' }));
      const token = await memberToken(app, member);
      const points = async () =>
        (
          (await app.request({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } }))
            .body as { points: { balance: number; pending: number; expiring: { points: number }[] } }
        ).points;
      // Both lots expire at the end of 2026; only the 40 can be spent, so only they are "expiring".
      expect(await points()).toEqual({
        balance: 40,
        pending: 100,
        expiring: [{ points: 40, expiresAt: '2026-12-31T16:00:00.000Z' }],
      });

      await clock.setNow(start + 7 * DAY + 60_000);
      await app.huika.app.get(PointsService).releaseAll();
      expect(await points()).toEqual({
        balance: 140,
        pending: 0,
        expiring: [{ points: 140, expiresAt: '2026-12-31T16:00:00.000Z' }],
      });
      await expectBooksBalanced();
    });
  });

  describe('reconcile', () => {
    it('names a balance that does not match its entries', async () => {
      const member = await insertMember(app.huika.dataSource);
      await transactions.run((tx) => ledger.earn(tx, ref(member.id), 10, { source: 'purchase' }));
      await app.huika.dataSource.query('UPDATE members SET points_balance = points_balance + 1 WHERE id = ?', [
        member.id,
      ]);
      const report = await reconcile.run();
      expect(report.differences.join('\n')).toContain(`member ${member.id}: balance 11 but its entries sum to 10`);
      await app.huika.dataSource.query('UPDATE members SET points_balance = points_balance - 1 WHERE id = ?', [
        member.id,
      ]);
      await expectBooksBalanced();
    });
  });

  describe('over HTTP', () => {
    let admin: string;
    beforeAll(async () => {
      await clock.reset();
      admin = await staffToken(app, 'admin');
    });

    const adjust = (memberId: string, key: string | undefined, body: unknown, token = admin) =>
      app.request({
        method: 'POST',
        url: `/api/admin/members/${memberId}/points-adjustments`,
        headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
        payload: body,
      });

    it('follows the idempotency rules of API.md', async () => {
      const member = await insertMember(app.huika.dataSource);
      const missing = await adjust(member.id, undefined, { points: 10, reason: '补偿' });
      expect(missing).toMatchObject({ status: 400, body: { code: 'IDEMPOTENCY_KEY_REQUIRED' } });

      const first = await adjust(member.id, 'key-1', { points: 10, reason: '补偿' });
      expect(first.status).toBe(201);
      const replay = await adjust(member.id, 'key-1', { reason: '补偿', points: 10 });
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers['idempotent-replayed']).toBe('true');

      const reused = await adjust(member.id, 'key-1', { points: 11, reason: '补偿' });
      expect(reused).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
      expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
        10,
      );

      // A refusal is the answer for its key too, replayed the same way.
      const refused = await adjust(member.id, 'key-2', { points: -50, reason: '纠错' });
      expect(refused).toMatchObject({ status: 409, body: { code: 'POINTS_INSUFFICIENT' } });
      const refusedAgain = await adjust(member.id, 'key-2', { points: -50, reason: '纠错' });
      expect(refusedAgain).toMatchObject({ status: 409, body: { code: 'POINTS_INSUFFICIENT' } });
    });

    it('answers 409 while a key is in flight, and lets a retry take over a crashed claim', async () => {
      const member = await insertMember(app.huika.dataSource);
      const staffId = String(
        ((await app.huika.dataSource.query("SELECT id FROM staff WHERE username = 'admin'")) as { id: string }[])[0]
          ?.id,
      );
      const claim = (key: string, leaseUntil: number) =>
        app.huika.dataSource.query(
          `INSERT INTO idempotency_keys (scope, idem_key, route, request_hash, state, attempt, lease_until, created_at, expires_at)
           VALUES (?, ?, 'adjustPoints', ?, 'in_progress', 1, ?, ?, ?)`,
          [`staff:${staffId}`, key, requestHash(member.id), leaseUntil, Date.now(), Date.now() + DAY],
        );
      await claim('busy', Date.now() + 60_000);
      expect(await adjust(member.id, 'busy', { points: 5, reason: '补偿' })).toMatchObject({
        status: 409,
        body: { code: 'IDEMPOTENCY_KEY_IN_PROGRESS' },
      });
      await claim('crashed', Date.now() - 1);
      expect((await adjust(member.id, 'crashed', { points: 5, reason: '补偿' })).status).toBe(201);
      expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
        5,
      );
    });

    it('50 concurrent adjustments with one key make exactly one posting', async () => {
      const member = await insertMember(app.huika.dataSource);
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => adjust(member.id, 'same-key', { points: 100, reason: '活动奖励' })),
      );
      for (const response of responses) expect([201, 409]).toContain(response.status);
      expect(responses.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
      expect(
        await scalar(
          app.huika.dataSource,
          "SELECT COUNT(*) FROM point_postings WHERE member_id = ? AND kind = 'adjust'",
          [member.id],
        ),
      ).toBe(1);
      expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
        100,
      );
      await expectBooksBalanced();
    });

    it('100 concurrent −100 adjustments against 5,000 points: exactly 50 succeed', async () => {
      const member = await insertMember(app.huika.dataSource);
      expect((await adjust(member.id, 'fund', { points: 5000, reason: '初始' })).status).toBe(201);
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) => adjust(member.id, `take-${i}`, { points: -100, reason: '扣减' })),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(50);
      expect(statuses.filter((s) => s === 409)).toHaveLength(50);
      for (const response of responses.filter((r) => r.status === 409)) {
        expect(response.body).toMatchObject({ code: 'POINTS_INSUFFICIENT' });
      }
      expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
        0,
      );
      await expectBooksBalanced();
    });

    it('refuses adjustments from anyone but headquarters, and bad bodies', async () => {
      const member = await insertMember(app.huika.dataSource);
      const cashier = await staffToken(app, 'cashier');
      expect((await adjust(member.id, 'k', { points: 1, reason: '补偿' }, cashier)).status).toBe(403);
      expect((await adjust(member.id, 'k', { points: 1, reason: '补偿' }, await memberToken(app, member))).status).toBe(
        403,
      );
      expect((await adjust(member.id, 'k', { points: 1, reason: '补偿' }, 'not-a-token')).status).toBe(401);
      const badBodies = [
        { points: 0, reason: '补偿' },
        { points: 1.5, reason: '补偿' },
        { points: 1 },
        { points: 1e12, reason: '补偿' },
      ];
      for (const [i, body] of badBodies.entries()) {
        expect((await adjust(member.id, `bad-${i}`, body)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
      }
      expect((await adjust('01NOSUCHMEMBER000000000000', 'ghost', { points: 1, reason: '补偿' })).body).toMatchObject({
        code: 'MEMBER_NOT_FOUND',
      });
      const audit = await scalar(app.huika.dataSource, "SELECT COUNT(*) FROM audit_log WHERE action = 'points.adjust'");
      expect(audit).toBeGreaterThan(0);
    });

    it('shows the member their points: balance, what expires when, and the history page by page', async () => {
      const member = await insertMember(app.huika.dataSource);
      for (let i = 1; i <= 5; i += 1) await adjust(member.id, `h-${i}`, { points: i * 10, reason: '补偿' });
      const token = await memberToken(app, member);
      const me = await app.request({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: member.id, points: { balance: 150, pending: 0 } });
      expect((me.body as { points: { expiring: { points: number }[] } }).points.expiring[0]?.points).toBe(150);

      const page1 = await app.request({
        method: 'GET',
        url: '/api/me/points/entries?limit=2',
        headers: { authorization: `Bearer ${token}` },
      });
      const body1 = page1.body as { items: { points: number; balanceAfter: number }[]; nextCursor: string };
      expect(body1.items.map((e) => e.points)).toEqual([50, 40]);
      expect(body1.items[0]?.balanceAfter).toBe(150);
      const page2 = await app.request({
        method: 'GET',
        url: `/api/me/points/entries?limit=2&cursor=${body1.nextCursor}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect((page2.body as { items: { points: number }[] }).items.map((e) => e.points)).toEqual([30, 20]);
      const tooMany = await app.request({
        method: 'GET',
        url: '/api/me/points/entries?limit=1000',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(tooMany.status).toBe(400);

      // A member sees only their own: another member's token shows another history.
      const other = await insertMember(app.huika.dataSource);
      const theirs = await app.request({
        method: 'GET',
        url: '/api/me/points/entries',
        headers: { authorization: `Bearer ${await memberToken(app, other)}` },
      });
      expect((theirs.body as { items: unknown[] }).items).toEqual([]);
      const staffOnMe = await app.request({
        method: 'GET',
        url: '/api/me',
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(staffOnMe.status).toBe(403);
    });
  });
});

function requestHash(memberId: string): string {
  // Mirrors the idempotency service's canonical request: route, then the body with the member id, keys sorted.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256')
    .update(`adjustPoints\n{"memberId":${JSON.stringify(memberId)},"points":5,"reason":"补偿"}`)
    .digest('hex');
}
