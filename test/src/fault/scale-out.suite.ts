import { type RunningServer, startServer } from '../harness/server';
import {
  adminLogin,
  cashierLogin,
  createMember,
  describeOnMysql,
  errorCode,
  expectStatus,
  isReplay,
  type Member,
  mapPool,
  type Outcome,
  purchaseBody,
  range,
  reconcile,
  report,
  rows,
  scalar,
  scanCard,
  send,
  sleep,
  withDb,
} from './support';

const INSTANCES = 3;
const MEMBERS = 24;
const FUNDING = 250;
const GIFT_PRICE = 100;
const HOT_STOCK = 12;
/** Each member's chain of requests, run in order; the chains run side by side. */
const CHAIN = ['purchase', 'redeem', 'purchase', 'redeem', 'purchase'] as const;
const CONCURRENCY = 12;

type Kind = (typeof CHAIN)[number];

interface Task {
  seq: number;
  kind: Kind;
  member: number;
  key: string;
  path: string;
  body: unknown;
  token: string;
  /** The instance the request went to first. */
  instance: number;
  /** The first definitive answer: what the key stands for. */
  answer?: Outcome & { kind: 'answer' };
  /** `concurrent`: sent to two instances at once; `after`: sent again to another instance after the answer. */
  duplicate?: 'concurrent' | 'after';
  duplicateAnswers: Outcome[];
}

const keyInProgress = (outcome: Outcome) =>
  outcome.kind === 'answer' && outcome.status === 409 && errorCode(outcome) === 'IDEMPOTENCY_KEY_IN_PROGRESS';

/**
 * Three servers on one MariaDB database: purchases and redemptions of a hot gift spread across them round-robin,
 * some sent twice to different instances with the same key. Every purchase once, the gift's stock never below
 * zero, every duplicate answered with the original's answer, and the books balance.
 */
export function scaleOutSuite(): void {
  describeOnMysql('scale-out: three servers on one database', () => {
    const servers: RunningServer[] = [];

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()));
      await servers[0]?.database.drop();
    });

    it('keeps purchases exactly-once and the hot gift stock exact across instances', async () => {
      const started = Date.now();
      const first = await startServer();
      servers.push(first);
      servers.push(...(await Promise.all(range(INSTANCES - 1).map(() => startServer({ database: first.database })))));
      const urls = servers.map((server) => server.baseUrl);
      const url = (n: number) => urls[n % INSTANCES] as string;
      const run = Date.now().toString(36);

      const admin = await adminLogin(url(1));
      const cashier = await cashierLogin(url(2));
      const storeId = String(cashier.storeId);
      const gift = expectStatus<{ id: string }>(
        await send(url(0), 'POST', '/api/admin/gifts', {
          token: admin.token,
          body: { name: '限量保温杯', pointsPrice: GIFT_PRICE, stock: HOT_STOCK, perMemberLimit: null, window: null },
        }),
        201,
        'create the hot gift',
      );
      const members: Member[] = await mapPool(range(MEMBERS), 6, async (i) => {
        const member = await createMember(url(i), `o-scale-${run}-${i}`);
        expectStatus(
          await send(url(i + 1), 'POST', `/api/admin/members/${member.id}/points-adjustments`, {
            token: admin.token,
            idempotencyKey: `scale-fund-${run}-${i}`,
            body: { points: FUNDING, reason: '压测积分' },
          }),
          201,
          'fund a member',
        );
        return member;
      });

      // The stock of the hot gift, watched from outside while the load runs.
      let watching = true;
      const stockSeen: number[] = [];
      const watcher = withDb(first.database.url, async (db) => {
        while (watching) {
          stockSeen.push(await scalar(db, 'SELECT stock FROM gifts WHERE id = ?', [gift.id]));
          await sleep(20);
        }
      });

      let seq = 0;
      let toldToWait = 0;
      const tasks: Task[] = [];
      const sendTask = (task: Task, instance: number) =>
        send(url(instance), 'POST', task.path, {
          token: task.token,
          idempotencyKey: task.key,
          body: task.body,
          timeoutMs: 20_000,
        });
      /** Sends again until the answer is not "still running" (a duplicate raced the original). */
      const settle = async (task: Task, instance: number, first: Outcome): Promise<Outcome> => {
        let outcome = first;
        for (let attempt = 0; keyInProgress(outcome) && attempt < 100; attempt += 1) {
          toldToWait += 1;
          await sleep(100);
          outcome = await sendTask(task, instance);
        }
        return outcome;
      };

      const runTask = async (task: Task) => {
        const other = task.instance + 1 + (task.seq % 2);
        if (task.duplicate === 'concurrent') {
          const [a, b] = await Promise.all([sendTask(task, task.instance), sendTask(task, other)]);
          // Whichever did the work is the answer; the other replays it, or was told to wait and then replays it.
          const original = [a, b].find((o) => o.kind === 'answer' && !keyInProgress(o) && !isReplay(o));
          const duplicate = original === a ? b : a;
          if (original?.kind === 'answer') task.answer = original;
          task.duplicateAnswers.push(await settle(task, other, duplicate));
        } else {
          const outcome = await settle(task, task.instance, await sendTask(task, task.instance));
          if (outcome.kind === 'answer' && !isReplay(outcome)) task.answer = outcome;
          if (task.duplicate === 'after')
            task.duplicateAnswers.push(await settle(task, other, await sendTask(task, other)));
        }
      };

      const loadStarted = Date.now();
      await mapPool(members, CONCURRENCY, async (member, m) => {
        for (const [step, kind] of CHAIN.entries()) {
          seq += 1;
          const task: Task = {
            seq,
            kind,
            member: m,
            key: `scale-${run}-${m}-${step}`,
            path: kind === 'purchase' ? '/api/pos/purchases' : `/api/gifts/${gift.id}/redemptions`,
            body: { quantity: 1 },
            token: kind === 'purchase' ? cashier.token : member.token,
            instance: seq % INSTANCES,
            duplicate: seq % 5 === 1 ? 'concurrent' : seq % 5 === 3 ? 'after' : undefined,
            duplicateAnswers: [],
          };
          if (kind === 'purchase') {
            // The code from one instance, the scan on the next, the purchase on a third.
            const checkoutToken = await scanCard(url(seq + 1), url(seq + 2), member, cashier);
            task.body = purchaseBody(checkoutToken, storeId, `SO${run}-${m}-${step}`, seq);
          }
          tasks.push(task);
          await runTask(task);
        }
      });
      const loadMs = Date.now() - loadStarted;
      watching = false;
      await watcher;

      // Every request has its own answer: 201, or OUT_OF_STOCK for a redemption; every duplicate got the same one.
      const problems: string[] = [];
      for (const task of tasks) {
        const answer = task.answer;
        if (!answer) {
          problems.push(`${task.key}: no original answer`);
          continue;
        }
        const acceptable =
          answer.status === 201 ||
          (task.kind === 'redeem' && answer.status === 409 && errorCode(answer) === 'OUT_OF_STOCK');
        if (!acceptable) problems.push(`${task.key}: ${answer.status} ${answer.text.slice(0, 200)}`);
        for (const duplicate of task.duplicateAnswers) {
          if (duplicate.kind !== 'answer' || !isReplay(duplicate) || duplicate.status !== answer.status) {
            const got =
              duplicate.kind === 'answer' ? `${duplicate.status} replayed=${isReplay(duplicate)}` : duplicate.error;
            problems.push(`${task.key}: duplicate answered ${got}, original ${answer.status}`);
          } else if (JSON.stringify(duplicate.body) !== JSON.stringify(answer.body)) {
            problems.push(`${task.key}: the replay differs from the original answer`);
          }
        }
      }
      expect(problems).toEqual([]);

      const purchases = tasks.filter((t) => t.kind === 'purchase');
      const redemptions = tasks.filter((t) => t.kind === 'redeem');
      const redeemed = redemptions.filter((t) => t.answer?.status === 201);
      expect(redeemed).toHaveLength(HOT_STOCK);
      expect(Math.min(...stockSeen)).toBeGreaterThanOrEqual(0);

      await withDb(first.database.url, async (db) => {
        const stored = await rows<{ receipt_no: string; n: number }>(
          db,
          'SELECT receipt_no, COUNT(*) AS n FROM purchases WHERE receipt_no LIKE ? GROUP BY receipt_no',
          [`SO${run}-%`],
        );
        expect(stored).toHaveLength(purchases.length);
        expect(stored.filter((s) => Number(s.n) !== 1)).toEqual([]);
        expect(await scalar(db, 'SELECT stock FROM gifts WHERE id = ?', [gift.id])).toBe(0);
        expect(
          await scalar(db, 'SELECT COALESCE(SUM(quantity), 0) FROM gift_redemptions WHERE gift_id = ?', [gift.id]),
        ).toBe(HOT_STOCK);
        // Each member's balance: the funding, plus what the purchases earned, less what the redemptions spent.
        const balances = new Map(
          (await rows<{ id: string; points_balance: number }>(db, 'SELECT id, points_balance FROM members')).map(
            (m) => [m.id, Number(m.points_balance)],
          ),
        );
        members.forEach((member, m) => {
          const mine = tasks.filter((t) => t.member === m && t.answer?.status === 201);
          const expected = mine.reduce((sum, t) => {
            const body = t.answer?.body as { pointsEarned?: number; pointsSpent?: number };
            return (
              sum +
              (t.kind === 'purchase' ? (body.pointsEarned ?? 0) - (body.pointsSpent ?? 0) : -(body.pointsSpent ?? 0))
            );
          }, FUNDING);
          expect({ member: m, balance: balances.get(member.id) }).toEqual({ member: m, balance: expected });
        });
      });

      const books = reconcile(first.database.url);
      expect(books.output).toContain('the books balance');
      expect(books.ok).toBe(true);

      const duplicated = tasks.filter((t) => t.duplicate);
      report('scale-out', {
        instances: INSTANCES,
        members: MEMBERS,
        purchases: purchases.length,
        redemptionAttempts: redemptions.length,
        redeemed: redeemed.length,
        outOfStock: redemptions.length - redeemed.length,
        duplicatesConcurrent: duplicated.filter((t) => t.duplicate === 'concurrent').length,
        duplicatesAfter: duplicated.filter((t) => t.duplicate === 'after').length,
        duplicateSends: duplicated.reduce((n, t) => n + t.duplicateAnswers.length, 0),
        inProgressAnswers: toldToWait,
        perInstance: range(INSTANCES).map((i) => tasks.filter((t) => t.instance === i).length),
        stockSamples: stockSeen.length,
        minStockSeen: Math.min(...stockSeen),
        loadMs,
        runtimeMs: Date.now() - started,
      });
    });
  });
}
