import { type RunningServer, startServer } from '../harness/server';
import {
  cashierLogin,
  createMember,
  describeOnMysql,
  errorCode,
  isReplay,
  type Member,
  mapPool,
  type Outcome,
  purchaseBody,
  type PurchaseAnswer,
  type PurchaseBody,
  range,
  reconcile,
  report,
  rows,
  scanCard,
  send,
  sleep,
  type Staff,
  withDb,
} from './support';

const MEMBERS = 20;
const ROUNDS = 10;
const PURCHASES = MEMBERS * ROUNDS;
const CONCURRENCY = 10;
/** The purchase whose dispatch pulls the trigger: about half of the load, in the middle of a round. */
const KILL_AT = 115;
/**
 * The killed server's claims roll back with its transactions when MariaDB sees its connections close; a retry
 * that still finds a key held answers 409 and is sent again until this deadline.
 */
const RETRY_DEADLINE_MS = 60_000;

interface Planned {
  index: number;
  member: number;
  round: number;
  key: string;
  receiptNo: string;
  body?: PurchaseBody;
  /** Every answer (or none) this request got, in order. */
  outcomes: Outcome[];
  answer?: PurchaseAnswer;
  replayed?: boolean;
}

const definitive = (outcome: Outcome) => outcome.kind === 'answer' && outcome.status === 201;
const inProgress = (outcome: Outcome) =>
  outcome.kind === 'answer' && outcome.status === 409 && errorCode(outcome) === 'IDEMPOTENCY_KEY_IN_PROGRESS';

/**
 * A purchase load; kill -9 in the middle; a new server on the same database; every request that got no answer
 * is sent again with the same key and body until it has one. Every purchase then exists exactly once, the
 * balances are what the answers said, and the books balance.
 */
export function crashSuite(): void {
  describeOnMysql('crash: kill -9 in the middle of a purchase load', () => {
    const servers: RunningServer[] = [];

    afterAll(async () => {
      for (const server of servers) await server.kill();
      await servers[0]?.database.drop();
    });

    it('posts every purchase exactly once after a restart and retries with the same keys', async () => {
      const started = Date.now();
      const first = await startServer();
      servers.push(first);
      const run = Date.now().toString(36);
      let cashier: Staff = await cashierLogin(first.baseUrl);
      const storeId = String(cashier.storeId);
      const members: Member[] = await mapPool(range(MEMBERS), 5, (i) =>
        createMember(first.baseUrl, `o-crash-${run}-${i}`),
      );

      const plan: Planned[] = range(PURCHASES).map((index) => ({
        index,
        member: index % MEMBERS,
        round: Math.floor(index / MEMBERS),
        key: `crash-${run}-${index}`,
        receiptNo: `CR${run}-${String(index).padStart(3, '0')}`,
        outcomes: [],
      }));
      const record = (planned: Planned, outcome: Outcome) => {
        planned.outcomes.push(outcome);
        if (definitive(outcome) && outcome.kind === 'answer') {
          planned.answer = outcome.body as PurchaseAnswer;
          planned.replayed = isReplay(outcome);
        }
      };
      const post = (baseUrl: string, planned: Planned, token: string) =>
        send(baseUrl, 'POST', '/api/pos/purchases', {
          token,
          idempotencyKey: planned.key,
          body: planned.body,
          timeoutMs: 15_000,
        });

      let dispatched = 0;
      /** One round: every member's card is scanned (one live checkout per member), then the purchases go out. */
      const runRound = async (server: RunningServer, round: number, killAt?: { at: number; fire(): void }) => {
        const batch = plan.filter((p) => p.round === round);
        await mapPool(batch, CONCURRENCY, async (planned) => {
          const token = await scanCard(server.baseUrl, server.baseUrl, members[planned.member] as Member, cashier);
          planned.body = purchaseBody(token, storeId, planned.receiptNo, planned.index);
        });
        await mapPool(batch, CONCURRENCY, async (planned) => {
          dispatched += 1;
          if (killAt && dispatched === killAt.at) killAt.fire();
          record(planned, await post(server.baseUrl, planned, cashier.token));
        });
      };

      // The load, until the kill: rounds of 20, ten at a time. The 115th dispatch, mid-round with ten purchases in
      // flight at different stages (claiming the key, posting, committing, answering), pulls the trigger: kill -9
      // on the next tick, once that request is on its way.
      let killedAfter = 0;
      let killed: Promise<void> | undefined;
      const trigger = {
        at: KILL_AT,
        fire: () => {
          setTimeout(() => {
            killedAfter = dispatched;
            killed = first.kill();
          }, 0);
        },
      };
      let round = 0;
      for (; round < ROUNDS && killed === undefined; round += 1) await runRound(first, round, trigger);
      await killed;
      const answeredBeforeKill = plan.filter((p) => p.outcomes.length > 0 && definitive(p.outcomes[0] as Outcome));
      const unanswered = plan.filter((p) => p.body !== undefined && p.answer === undefined);
      const unexpected: string[] = [];
      for (const p of plan) {
        for (const outcome of p.outcomes) {
          if (outcome.kind === 'answer' && outcome.status !== 201) {
            unexpected.push(`${p.key} before the kill: ${outcome.status} ${outcome.text.slice(0, 200)}`);
          }
        }
      }

      // A new server on the same database; the same cashier logs in again.
      const restartStarted = Date.now();
      const second = await startServer({ database: first.database });
      servers.push(second);
      const restartMs = Date.now() - restartStarted;
      cashier = await cashierLogin(second.baseUrl);

      // Every request without an answer again, same key, same body, until each has a definitive one.
      const retryStarted = Date.now();
      let retries = 0;
      let inProgressAnswers = 0;
      let pending = [...unanswered];
      while (pending.length > 0) {
        await mapPool(pending, CONCURRENCY, async (planned) => {
          retries += 1;
          const outcome = await post(second.baseUrl, planned, cashier.token);
          record(planned, outcome);
          if (inProgress(outcome)) inProgressAnswers += 1;
          else if (outcome.kind === 'answer' && outcome.status !== 201) {
            unexpected.push(`${planned.key} on retry: ${outcome.status} ${outcome.text.slice(0, 200)}`);
          }
        });
        pending = pending.filter((p) => p.answer === undefined && !unexpected.some((u) => u.startsWith(`${p.key} `)));
        if (pending.length === 0) break;
        if (Date.now() - retryStarted > RETRY_DEADLINE_MS) {
          throw new Error(`${pending.length} purchases still unanswered after ${RETRY_DEADLINE_MS} ms of retries`);
        }
        await sleep(1_000);
      }
      const retryMs = Date.now() - retryStarted;

      // The rest of the load, on the new server.
      for (; round < ROUNDS; round += 1) await runRound(second, round);
      expect(unexpected).toEqual([]);
      expect(plan.filter((p) => p.answer === undefined).map((p) => p.key)).toEqual([]);

      // Every purchase exactly once, under the id its answer gave.
      const answers = plan.map((p) => p.answer as PurchaseAnswer);
      await withDb(first.database.url, async (db) => {
        const stored = await rows<{ id: string; receipt_no: string; member_id: string }>(
          db,
          'SELECT id, receipt_no, member_id FROM purchases WHERE receipt_no LIKE ?',
          [`CR${run}-%`],
        );
        expect(stored).toHaveLength(PURCHASES);
        expect(new Set(stored.map((s) => s.receipt_no)).size).toBe(PURCHASES);
        const byReceipt = new Map(stored.map((s) => [s.receipt_no, s]));
        for (const p of plan) {
          expect({ receipt: p.receiptNo, id: byReceipt.get(p.receiptNo)?.id }).toEqual({
            receipt: p.receiptNo,
            id: p.answer?.id,
          });
          expect(byReceipt.get(p.receiptNo)?.member_id).toBe(members[p.member]?.id);
        }
        // One earn posting per purchase that earned, never two.
        const postings = await rows<{ ref_id: string; n: number }>(
          db,
          "SELECT ref_id, COUNT(*) AS n FROM point_postings WHERE ref_type = 'purchase' AND kind = 'earn' GROUP BY ref_id",
        );
        expect(postings.filter((p) => Number(p.n) !== 1)).toEqual([]);
        expect(postings.length).toBe(answers.filter((a) => a.pointsEarned > 0).length);
        const keys = await rows<{ state: string; n: number }>(
          db,
          "SELECT state, COUNT(*) AS n FROM idempotency_keys WHERE idem_key LIKE ? AND route = 'purchase' GROUP BY state",
          [`crash-${run}-%`],
        );
        expect(keys.map((k) => [k.state, Number(k.n)])).toEqual([['done', PURCHASES]]);

        // Balances are what the answers said: each member's answers add up, round by round, to the stored balance.
        const balances = new Map(
          (await rows<{ id: string; points_balance: number }>(db, 'SELECT id, points_balance FROM members')).map(
            (m) => [m.id, Number(m.points_balance)],
          ),
        );
        for (let m = 0; m < MEMBERS; m += 1) {
          const mine = plan.filter((p) => p.member === m).sort((a, b) => a.round - b.round);
          let running = 0;
          for (const p of mine) {
            running += p.answer?.pointsEarned ?? 0;
            expect({ key: p.key, balance: p.answer?.pointsBalance }).toEqual({ key: p.key, balance: running });
          }
          expect(balances.get(members[m]?.id ?? '')).toBe(running);
        }
      });
      for (const member of members.slice(0, 5)) {
        const me = await send(second.baseUrl, 'GET', '/api/me', { token: member.token });
        const last = plan.filter((p) => members[p.member] === member).at(-1)?.answer;
        expect(me.kind === 'answer' && (me.body as { points: { balance: number } }).points.balance).toBe(
          last?.pointsBalance,
        );
      }

      const books = reconcile(first.database.url);
      expect(books.output).toContain('the books balance');
      expect(books.ok).toBe(true);

      const retried = plan.filter((p) => p.outcomes.length > 1 || (p.outcomes[0] && !definitive(p.outcomes[0])));
      report('crash', {
        purchases: PURCHASES,
        members: MEMBERS,
        concurrency: CONCURRENCY,
        killedAfterDispatch: killedAfter,
        answeredBeforeKill: answeredBeforeKill.length,
        unansweredAtKill: unanswered.length,
        unansweredErrors: [
          ...new Set(unanswered.map((p) => (p.outcomes[0]?.kind === 'none' ? p.outcomes[0].error : '?'))),
        ],
        retriedRequests: retried.length,
        retrySends: retries,
        inProgressAnswers,
        keysHeldByKilledServer: unanswered.filter((p) => p.outcomes.some(inProgress)).length,
        replayedAfterRestart: unanswered.filter((p) => p.replayed).length,
        postedByRetry: unanswered.filter((p) => !p.replayed).length,
        restartMs,
        retryMs,
        runtimeMs: Date.now() - started,
      });
    });
  });
}
