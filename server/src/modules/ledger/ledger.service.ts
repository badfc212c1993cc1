import type { ProgramConfig } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { Transactions } from '../../common/transactions';
import { ProgramService } from '../program/program.service';
import { expiresAtFor } from './expiry-policy';
import { planReversal } from './reversal-plan';
import { type EntryRow, type ExpiryCursor, LedgerRepository, type MoveRow, type OpenLot } from './ledger.repository';
import type { Account, LotSource, PostingKind, PostingRef, PostingResult } from './ledger.types';

const MAX_POINTS_PER_POSTING = 100_000_000;
const DAY_MS = 24 * 60 * 60 * 1000;

function assertPoints(points: number): void {
  if (!Number.isSafeInteger(points) || points <= 0 || points > MAX_POINTS_PER_POSTING) {
    throw new AppError('VALIDATION_FAILED', `points must be a whole number from 1 to ${MAX_POINTS_PER_POSTING}`);
  }
}

export interface EarnOptions {
  source: LotSource;
  /** The program's rules, when the caller has them already (one read per transaction). */
  program?: ProgramConfig;
  /** Counter-account; `issued` unless this is a manual adjustment. */
  from?: Extract<Account, 'issued' | 'adjustments'>;
  kind?: Extract<PostingKind, 'earn' | 'adjust'>;
  /** The posting's id, when the caller made it beforehand (to write it with its cause in one statement). */
  postingId?: string;
  /**
   * The member's points balance as this transaction read it with the member row locked, unchanged since: the
   * new balance is then worked out, not read back (one round trip fewer). The write checks it.
   */
  balanceBefore?: number;
}

export interface ExpiryBatchResult {
  lots: number;
  points: number;
  /** Where the next batch starts; null when nothing was due. */
  next: ExpiryCursor | null;
}

/**
 * The points ledger (DOMAIN §3–§6, STYLE 2–3). Every change of points is a posting whose entries sum to
 * zero across the member's account and a program account; the member's cached balance changes in the
 * same transaction by an atomic conditional UPDATE; lots record what was earned, when it expires, and
 * every movement out of or back into them. Nothing here updates or deletes an entry.
 *
 * Locking order: the member row first (the UPDATE of the balance), then that member's lots. Every
 * method takes the caller's transaction, so a purchase or a redemption commits its points with the rest.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly repository: LedgerRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Transactions) private readonly transactions: Transactions,
    private readonly program: ProgramService,
  ) {}

  /**
   * Credits earned points as a new lot that expires by the program's policy. With a pending period
   * (DOMAIN §3), purchase points wait in the member's pending account until `releaseDue` moves them.
   */
  async earn(
    tx: EntityManager,
    ref: PostingRef,
    points: number,
    options: EarnOptions,
  ): Promise<PostingResult & { lotId: string }> {
    assertPoints(points);
    const now = this.clock.now();
    const program = options.program ?? (await this.program.get(tx));
    const pendingDays = options.source === 'purchase' ? program.earning.pendingDays : 0;
    const postingId = options.postingId ?? newId();
    const lotId = newId();
    const counter = options.from ?? 'issued';
    const lot = {
      id: lotId,
      memberId: ref.memberId,
      postingId,
      source: options.source,
      points,
      earnedAt: now,
      expiresAt: expiresAtFor(program.expiry, now, program.timeZone, options.source),
      createdAt: now,
    };
    if (pendingDays > 0) {
      await this.repository.addToPending(tx, ref.memberId, points, now);
      const balance = await this.repository.balanceOf(tx, ref.memberId);
      await this.repository.insertPostings(tx, [this.posting(postingId, options.kind ?? 'earn', ref, now)]);
      await this.repository.insertEntries(
        tx,
        this.pair(postingId, ref.memberId, points, balance, counter, now, 'member_pending'),
      );
      await this.repository.insertLot(tx, { ...lot, remaining: points, availableAt: now + pendingDays * DAY_MS });
      return { postingId, balance, lotId };
    }
    const balance =
      options.balanceBefore === undefined
        ? await this.repository.addToBalance(tx, ref.memberId, points, now)
        : await this.repository.addToLockedBalance(tx, ref.memberId, points, now, options.balanceBefore);
    // A member in debt (after a refund) repays it first: only the part above zero stays in the lot.
    const kept = Math.min(points, Math.max(0, balance));
    await this.repository.insertPostings(tx, [this.posting(postingId, options.kind ?? 'earn', ref, now)]);
    await this.repository.insertEntries(tx, this.pair(postingId, ref.memberId, points, balance, counter, now));
    await this.repository.insertLot(tx, { ...lot, remaining: kept, availableAt: null });
    if (kept < points) {
      await this.repository.insertMoves(tx, [{ id: newId(), lotId, postingId, points: kept - points, createdAt: now }]);
    }
    return { postingId, balance, lotId };
  }

  /**
   * Moves pending lots whose period is over into the spendable balance: one `release` posting per lot
   * (its cause is the lot, so it happens once). For one member inside their transaction (before a
   * spend), or for everyone in batches (the release job). Returns how many lots it released.
   */
  async releaseDue(tx: EntityManager, memberId: string | null, limit = 500): Promise<number> {
    const now = this.clock.now();
    const lots = await this.repository.maturedLots(tx, memberId, now, limit);
    for (const lot of lots) {
      const postingId = newId();
      await this.repository.addToPending(tx, lot.memberId, -lot.remaining, now);
      const balance = await this.repository.addToBalance(tx, lot.memberId, lot.remaining, now);
      const kept = Math.min(lot.remaining, Math.max(0, balance));
      await this.repository.insertPostings(tx, [
        this.posting(
          postingId,
          'release',
          { memberId: lot.memberId, refType: 'lot', refId: lot.id, actor: { kind: 'system', id: null } },
          now,
        ),
      ]);
      await this.repository.insertEntries(tx, [
        {
          id: newId(),
          postingId,
          account: 'member',
          memberId: lot.memberId,
          points: lot.remaining,
          balanceAfter: balance,
          createdAt: now,
        },
        {
          id: newId(),
          postingId,
          account: 'member_pending',
          memberId: lot.memberId,
          points: -lot.remaining,
          balanceAfter: balance,
          createdAt: now,
        },
      ]);
      await this.repository.makeAvailable(tx, lot.id, kept);
      if (kept < lot.remaining) {
        await this.repository.insertMoves(tx, [
          { id: newId(), lotId: lot.id, postingId, points: kept - lot.remaining, createdAt: now },
        ]);
      }
    }
    return lots.length;
  }

  /**
   * Spends points (at the till, on a gift, for an activity): refused with POINTS_INSUFFICIENT when the
   * balance does not cover them — a member in debt cannot spend at all. Oldest-expiring lots go first.
   */
  async spend(
    tx: EntityManager,
    ref: PostingRef,
    points: number,
    kind: Extract<PostingKind, 'spend' | 'adjust'> = 'spend',
    postingId: string = newId(),
  ): Promise<PostingResult> {
    assertPoints(points);
    const now = this.clock.now();
    // Points whose pending period has just ended are the member's to spend.
    await this.releaseDue(tx, ref.memberId);
    const balance = await this.repository.takeFromBalance(tx, ref.memberId, points, now);
    if (balance === null) {
      const current = await this.repository.balanceOf(tx, ref.memberId);
      throw new AppError('POINTS_INSUFFICIENT', `the balance of ${current} points does not cover ${points}`, {
        balance: current,
        required: points,
      });
    }
    await this.repository.insertPostings(tx, [this.posting(postingId, kind, ref, now)]);
    await this.repository.insertEntries(
      tx,
      this.pair(postingId, ref.memberId, -points, balance, kind === 'adjust' ? 'adjustments' : 'redeemed', now),
    );
    const taken = await this.takeFromLots(tx, postingId, await this.repository.openLots(tx, ref.memberId), points, now);
    if (taken !== points)
      throw new Error(`ledger invariant broken: member ${ref.memberId} lots hold less than the balance`);
    return { postingId, balance };
  }

  /**
   * Takes back earned points (a refund, DOMAIN §6), as `planReversal` decides: at most what the earning
   * still stands for when the caller tracks `reversedBefore` (what earlier reversals of the same earning
   * took), so expired points are never taken twice. Pending points come out of the pending account; the
   * rest from the lot the earning created first, then the oldest-expiring others. If they were already
   * spent the balance goes negative — a debt — but a reversal never creates points. Returns the points
   * taken back; with none, nothing is posted.
   */
  async reverse(
    tx: EntityManager,
    ref: PostingRef,
    points: number,
    earningPostingId: string | null,
    reversedBefore: number | null = null,
  ): Promise<{ postingId: string | null; balance: number; points: number }> {
    assertPoints(points);
    const now = this.clock.now();
    const postingId = newId();
    const ownLots = earningPostingId ? await this.repository.lotsOfPosting(tx, earningPostingId) : [];
    const pendingLots = ownLots.filter((l) => l.availableAt !== null && l.remaining > 0);
    const own = ownLots.filter((l) => l.availableAt === null && l.remaining > 0);
    const total = (lots: { remaining: number }[]) => lots.reduce((sum, l) => sum + l.remaining, 0);
    const plan = planReversal(
      points,
      earningPostingId && ownLots.length > 0
        ? {
            earned: ownLots.reduce((sum, l) => sum + l.points, 0),
            expired: reversedBefore === null ? 0 : await this.repository.expiredOfPosting(tx, earningPostingId),
            reversed: reversedBefore,
            pending: total(pendingLots),
            remaining: total(own),
          }
        : null,
    );
    const fromPending = plan.fromPending;
    const fromBalance = plan.fromOwnLots + plan.fromBalance;
    let balance = await this.repository.balanceOf(tx, ref.memberId);
    if (fromPending + fromBalance === 0) return { postingId: null, balance, points: 0 };
    const entries: EntryRow[] = [];
    if (fromPending > 0) {
      await this.repository.addToPending(tx, ref.memberId, -fromPending, now);
      entries.push(...this.pair(postingId, ref.memberId, -fromPending, balance, 'issued', now, 'member_pending'));
    }
    if (fromBalance > 0) {
      balance = await this.repository.addToBalance(tx, ref.memberId, -fromBalance, now);
      entries.push(...this.pair(postingId, ref.memberId, -fromBalance, balance, 'issued', now));
    }
    await this.repository.insertPostings(tx, [this.posting(postingId, 'reverse', ref, now)]);
    await this.repository.insertEntries(tx, entries);
    await this.takeFromLots(tx, postingId, pendingLots, fromPending, now);
    if (fromBalance > 0) {
      const others = (await this.repository.openLots(tx, ref.memberId)).filter((l) => !own.some((o) => o.id === l.id));
      await this.takeFromLots(tx, postingId, [...own, ...others], fromBalance, now);
    }
    return { postingId, balance, points: fromPending + fromBalance };
  }

  /**
   * Gives back points that were spent (a refund of points-as-cash, a cancelled sign-up): a new lot that
   * expires no later than the earliest lot the spend took from, so a refund never extends validity.
   */
  async restore(tx: EntityManager, ref: PostingRef, points: number, spendPostingId: string): Promise<PostingResult> {
    assertPoints(points);
    const now = this.clock.now();
    const expiries = await this.repository.expiriesConsumedBy(tx, spendPostingId);
    const dated = expiries.filter((e): e is number => e !== null);
    const expiresAt = dated.length > 0 ? Math.min(...dated) : null;
    const balance = await this.repository.addToBalance(tx, ref.memberId, points, now);
    const kept = Math.min(points, Math.max(0, balance));
    const postingId = newId();
    const lotId = newId();
    await this.repository.insertPostings(tx, [this.posting(postingId, 'restore', ref, now)]);
    await this.repository.insertEntries(tx, this.pair(postingId, ref.memberId, points, balance, 'redeemed', now));
    await this.repository.insertLot(tx, {
      id: lotId,
      memberId: ref.memberId,
      postingId,
      source: 'purchase',
      points,
      remaining: kept,
      earnedAt: now,
      expiresAt,
      availableAt: null,
      createdAt: now,
    });
    if (kept < points) {
      await this.repository.insertMoves(tx, [{ id: newId(), lotId, postingId, points: kept - points, createdAt: now }]);
    }
    return { postingId, balance };
  }

  async balanceOf(tx: EntityManager, memberId: string): Promise<number> {
    return this.repository.balanceOf(tx, memberId);
  }

  /** A headquarters correction: positive adds a lot; negative may not take the balance below zero. */
  async adjust(tx: EntityManager, ref: PostingRef, points: number): Promise<PostingResult> {
    if (points > 0) return this.earn(tx, ref, points, { source: 'adjustment', from: 'adjustments', kind: 'adjust' });
    return this.spend(tx, ref, -points, 'adjust');
  }

  /**
   * Expires one batch of due lots in one transaction: one posting per lot (its cause is the lot, so a
   * lot can never expire twice), the balance and the lot changed together. Returns what it expired;
   * zero lots means the run is complete. A crash loses at most the uncommitted batch, which the next
   * run picks up again.
   */
  async expireBatch(asOf: number, limit: number, after: ExpiryCursor | null = null): Promise<ExpiryBatchResult> {
    return this.transactions.run(async (tx) => {
      const now = this.clock.now();
      const lots = await this.repository.dueLots(tx, asOf, limit, after);
      const last = lots[lots.length - 1];
      if (!last) return { lots: 0, points: 0, next: null };
      const byMember = new Map<string, typeof lots>();
      for (const lot of lots) byMember.set(lot.memberId, [...(byMember.get(lot.memberId) ?? []), lot]);
      for (const [memberId, memberLots] of byMember) {
        const total = memberLots.reduce((sum, lot) => sum + lot.remaining, 0);
        if (!(await this.repository.takeIfCovered(tx, memberId, total, now)))
          throw new Error(`ledger invariant broken: member ${memberId} holds less than its due lots`);
      }
      const balances = await this.repository.balancesOf(tx, [...byMember.keys()]);
      const postings = [];
      const entries: EntryRow[] = [];
      const moves: MoveRow[] = [];
      for (const [memberId, memberLots] of byMember) {
        // Walk back from the final balance so each entry carries the balance right after it.
        let after = (balances.get(memberId) ?? 0) + memberLots.reduce((sum, lot) => sum + lot.remaining, 0);
        for (const lot of memberLots) {
          after -= lot.remaining;
          const postingId = newId();
          postings.push(
            this.posting(
              postingId,
              'expire',
              { memberId, refType: 'lot', refId: lot.id, actor: { kind: 'system', id: null } },
              now,
            ),
          );
          entries.push(...this.pair(postingId, memberId, -lot.remaining, after, 'expired', now));
          moves.push({ id: newId(), lotId: lot.id, postingId, points: -lot.remaining, createdAt: now });
        }
      }
      await this.repository.insertPostings(tx, postings);
      await this.repository.insertEntries(tx, entries);
      await this.repository.insertMoves(tx, moves);
      const zeroed = await this.repository.zeroLots(
        tx,
        lots.map((lot) => lot.id),
      );
      if (zeroed !== lots.length) throw new Error('a due lot changed during its expiry; the batch is retried');
      return {
        lots: lots.length,
        points: lots.reduce((sum, lot) => sum + lot.remaining, 0),
        next: { expiresAt: last.expiresAt, id: last.id },
      };
    });
  }

  private async takeFromLots(
    tx: EntityManager,
    postingId: string,
    lots: OpenLot[],
    points: number,
    now: number,
  ): Promise<number> {
    let left = points;
    const moves: MoveRow[] = [];
    for (const lot of lots) {
      if (left === 0) break;
      const take = Math.min(left, lot.remaining);
      if (take <= 0) continue;
      await this.repository.takeFromLot(tx, lot.id, take);
      moves.push({ id: newId(), lotId: lot.id, postingId, points: -take, createdAt: now });
      left -= take;
    }
    await this.repository.insertMoves(tx, moves);
    return points - left;
  }

  private posting(id: string, kind: PostingKind, ref: PostingRef, now: number) {
    return {
      id,
      memberId: ref.memberId,
      kind,
      refType: ref.refType,
      refId: ref.refId,
      actor: ref.actor,
      memo: ref.memo ?? null,
      createdAt: now,
    };
  }

  /**
   * The two entries of a posting: the member's and the program account's, summing to zero. A member's
   * entry carries the spendable balance right after it (pending entries too: it is what the member sees).
   */
  private pair(
    postingId: string,
    memberId: string,
    memberPoints: number,
    balanceAfter: number,
    counter: Account,
    now: number,
    memberAccount: Extract<Account, 'member' | 'member_pending'> = 'member',
  ): EntryRow[] {
    return [
      { id: newId(), postingId, account: memberAccount, memberId, points: memberPoints, balanceAfter, createdAt: now },
      {
        id: newId(),
        postingId,
        account: counter,
        memberId: null,
        points: -memberPoints,
        balanceAfter: null,
        createdAt: now,
      },
    ];
  }
}
