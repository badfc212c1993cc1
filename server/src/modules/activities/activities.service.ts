import type {
  ActivityAdminView,
  ActivityMemberView,
  ActivitySignupAdminView,
  CreateActivityBody,
  MemberActivitySignupView,
  UpdateActivityBody,
} from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { newId } from '../../common/ids';
import { Transactions } from '../../common/transactions';
import { AuditService } from '../audit/audit.service';
import { LedgerService } from '../ledger/ledger.service';
import { MeService } from '../me/me.service';
import { ActivitiesRepository, type ActivityFields, type ActivityRow } from './activities.repository';

type Page<T> = { items: T[]; nextCursor: string | null };
type SignUpRefusal = 'ALREADY_SIGNED_UP' | 'SIGNUP_CLOSED' | 'ACTIVITY_FULL' | 'POINTS_INSUFFICIENT';

const iso = (ms: number) => new Date(ms).toISOString();

function adminView(a: ActivityRow): z.output<typeof ActivityAdminView> {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    startsAt: iso(a.startsAt),
    signupDeadline: iso(a.signupDeadline),
    capacity: a.capacity,
    taken: a.taken,
    pointsFee: a.pointsFee,
    active: a.active,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

/** Sign-ups and cancellations are open up to and including the deadline. */
const isOpen = (activity: ActivityRow, now: number) => now <= activity.signupDeadline;

/**
 * Member activities (会员活动, DOMAIN §5): a class or an outing with a capacity, paid in points at sign-up;
 * cancelled before the deadline, the seat is released and the points come back.
 */
@Injectable()
export class ActivitiesService {
  constructor(
    private readonly repository: ActivitiesRepository,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly me: MeService,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async list(cursor: string | undefined, limit: number): Promise<Page<z.output<typeof ActivityAdminView>>> {
    const rows = await this.repository.activities(cursor, limit + 1, null);
    const page = rows.slice(0, limit);
    return { items: page.map(adminView), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
  }

  async signups(
    activityId: string,
    query: { status?: 'active' | 'cancelled' | undefined; cursor?: string | undefined; limit: number },
  ): Promise<Page<z.output<typeof ActivitySignupAdminView>>> {
    if (!(await this.repository.exists(activityId))) {
      throw new AppError('ACTIVITY_NOT_FOUND', 'no such activity');
    }
    const rows = await this.repository.signupsOf(activityId, query.status, query.cursor, query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((row) => ({
        ...row,
        createdAt: new Date(row.createdAt).toISOString(),
        cancelledAt: row.cancelledAt === null ? null : new Date(row.cancelledAt).toISOString(),
      })),
      nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  /** A member's sign-ups for the console (the caller's read scope is checked by MeService.readAsStaff). */
  async signupsOfMember(
    staff: StaffAuth,
    memberId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<z.output<typeof MemberActivitySignupView>>> {
    await this.me.readAsStaff(staff, memberId);
    const rows = await this.repository.signupsOfMember(memberId, cursor, limit + 1);
    const page = rows.slice(0, limit);
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      items: page.map((row) => ({
        ...row,
        startsAt: iso(row.startsAt),
        createdAt: iso(row.createdAt),
        cancelledAt: row.cancelledAt === null ? null : iso(row.cancelledAt),
      })),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  async create(
    staff: StaffAuth,
    body: z.output<typeof CreateActivityBody>,
  ): Promise<z.output<typeof ActivityAdminView>> {
    return this.transactions.run(async (tx) => {
      const now = this.clock.now();
      const activity: ActivityRow = {
        id: newId(),
        name: body.name,
        description: body.description ?? null,
        startsAt: Date.parse(body.startsAt),
        signupDeadline: Date.parse(body.signupDeadline),
        capacity: body.capacity,
        taken: 0,
        pointsFee: body.pointsFee,
        active: true,
        createdAt: now,
        updatedAt: now,
      };
      await this.repository.insertActivity(tx, activity);
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staff.staffId },
        action: 'activity.create',
        target: { kind: 'activity', id: activity.id },
        after: adminView(activity),
      });
      return adminView(activity);
    });
  }

  async update(
    staff: StaffAuth,
    id: string,
    body: z.output<typeof UpdateActivityBody>,
  ): Promise<z.output<typeof ActivityAdminView>> {
    return this.transactions.run(async (tx) => {
      const before = await this.repository.activity(tx, id, true);
      if (!before) throw new AppError('ACTIVITY_NOT_FOUND', `no activity ${id}`);
      const fields: ActivityFields = {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.description === undefined ? {} : { description: body.description }),
        ...(body.startsAt === undefined ? {} : { startsAt: Date.parse(body.startsAt) }),
        ...(body.signupDeadline === undefined ? {} : { signupDeadline: Date.parse(body.signupDeadline) }),
        ...(body.pointsFee === undefined ? {} : { pointsFee: body.pointsFee }),
        ...(body.active === undefined ? {} : { active: body.active }),
      };
      if ((fields.signupDeadline ?? before.signupDeadline) > (fields.startsAt ?? before.startsAt)) {
        throw new AppError('VALIDATION_FAILED', 'the sign-up deadline must not be after the start', {
          fields: ['signupDeadline'],
        });
      }
      if (body.capacity !== undefined && !(await this.repository.setCapacity(tx, id, body.capacity))) {
        throw new AppError('CONFLICT', `${before.taken} seats are taken; the capacity cannot go below that`, {
          taken: before.taken,
        });
      }
      await this.repository.updateActivity(tx, id, fields, this.clock.now());
      // A withdrawn activity takes nobody: whatever the deadline, every standing sign-up gets its fee back.
      if (body.active === false) await this.refundEverySignup(tx, staff, before);
      const after = (await this.repository.activity(tx, id)) as ActivityRow;
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staff.staffId },
        action: 'activity.update',
        target: { kind: 'activity', id },
        before: adminView(before),
        after: adminView(after),
      });
      return adminView(after);
    });
  }

  /** Upcoming activities, each with whether this member can sign up now and, if not, the code why. */
  async upcoming(
    auth: MemberAuth,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<z.output<typeof ActivityMemberView>>> {
    const memberId = await this.me.memberIdOf(auth);
    const now = this.clock.now();
    const rows = await this.repository.activities(cursor, limit + 1, now);
    const page = rows.slice(0, limit);
    const signedUp = await this.repository.signedUpAmong(
      memberId,
      page.map((a) => a.id),
    );
    const balance = await this.repository.balanceOf(memberId);
    return {
      items: page.map((a) => {
        const mine = signedUp.has(a.id);
        const reason: SignUpRefusal | null = mine
          ? 'ALREADY_SIGNED_UP'
          : !isOpen(a, now)
            ? 'SIGNUP_CLOSED'
            : a.taken >= a.capacity
              ? 'ACTIVITY_FULL'
              : balance < a.pointsFee
                ? 'POINTS_INSUFFICIENT'
                : null;
        return {
          id: a.id,
          name: a.name,
          description: a.description,
          startsAt: iso(a.startsAt),
          signupDeadline: iso(a.signupDeadline),
          capacity: a.capacity,
          seatsLeft: Math.max(0, a.capacity - a.taken),
          pointsFee: a.pointsFee,
          signedUp: mine,
          canSignUp: reason === null,
          ...(reason === null ? {} : { reason }),
          canCancel: mine && isOpen(a, now),
        };
      }),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  /**
   * One transaction, in lock order: the fee from the member's points (the ledger refuses what the balance
   * does not cover), the sign-up (its unique seat key refuses a second standing one), and last the seat —
   * `taken < capacity` on the activity's row, the row every member signing up wants.
   */
  async signUp(auth: MemberAuth, activityId: string, key: string | undefined) {
    const memberId = await this.me.memberIdOf(auth);
    return this.idempotency.execute(
      { scope: `member:${memberId}`, key, route: 'signUpActivity', request: { activityId }, successStatus: 201 },
      async (tx) => {
        const now = this.clock.now();
        const activity = await this.repository.activity(tx, activityId);
        if (!activity?.active) throw new AppError('ACTIVITY_NOT_FOUND', `no activity ${activityId}`);
        if (!isOpen(activity, now)) throw this.closed('SIGNUP_CLOSED', activity);
        if (await this.repository.standingSignup(tx, activityId, memberId)) {
          throw new AppError('ALREADY_SIGNED_UP', 'you have signed up for this activity already');
        }
        const signupId = newId();
        const ref = {
          memberId,
          refType: 'activity' as const,
          refId: signupId,
          actor: { kind: 'member' as const, id: memberId },
          memo: activity.name,
        };
        const spend = activity.pointsFee > 0 ? await this.ledger.spend(tx, ref, activity.pointsFee) : null;
        const inserted = await this.repository.insertSignup(tx, {
          id: signupId,
          activityId,
          memberId,
          pointsFee: activity.pointsFee,
          spendPostingId: spend?.postingId ?? null,
          now,
        });
        if (!inserted) throw new AppError('ALREADY_SIGNED_UP', 'you have signed up for this activity already');
        if (!(await this.repository.takeSeat(tx, activityId, now))) {
          const current = (await this.repository.activity(tx, activityId)) ?? activity;
          if (!current.active || !isOpen(current, now)) throw this.closed('SIGNUP_CLOSED', current);
          throw new AppError('ACTIVITY_FULL', `all ${current.capacity} seats are taken`, {
            capacity: current.capacity,
          });
        }
        return {
          id: signupId,
          activityId,
          status: 'active' as const,
          pointsSpent: activity.pointsFee,
          pointsBalance: spend?.balance ?? (await this.ledger.balanceOf(tx, memberId)),
        };
      },
    );
  }

  /** Before the deadline: the sign-up is cancelled once, the fee comes back (LedgerService.restore), the seat is freed last. */
  async cancel(auth: MemberAuth, activityId: string, key: string | undefined) {
    const memberId = await this.me.memberIdOf(auth);
    return this.idempotency.execute(
      { scope: `member:${memberId}`, key, route: 'cancelActivitySignup', request: { activityId }, successStatus: 200 },
      async (tx) => {
        const now = this.clock.now();
        const activity = await this.repository.activity(tx, activityId);
        if (!activity) throw new AppError('ACTIVITY_NOT_FOUND', `no activity ${activityId}`);
        const signup = await this.repository.standingSignup(tx, activityId, memberId);
        if (!signup) throw new AppError('SIGNUP_NOT_FOUND', 'you have not signed up for this activity');
        if (!isOpen(activity, now)) throw this.closed('CANCELLATION_CLOSED', activity);
        if (!(await this.repository.cancelSignup(tx, signup.id, now))) {
          throw new AppError('SIGNUP_NOT_FOUND', 'you have not signed up for this activity');
        }
        let balance: number;
        if (signup.pointsFee > 0 && signup.spendPostingId) {
          const ref = {
            memberId,
            refType: 'activity' as const,
            refId: signup.id,
            actor: { kind: 'member' as const, id: memberId },
            memo: activity.name,
          };
          const restored = await this.ledger.restore(tx, ref, signup.pointsFee, signup.spendPostingId);
          await this.repository.setRestorePosting(tx, signup.id, restored.postingId);
          balance = restored.balance;
        } else {
          balance = await this.ledger.balanceOf(tx, memberId);
        }
        await this.repository.releaseSeat(tx, activityId);
        return {
          id: signup.id,
          activityId,
          status: 'cancelled' as const,
          pointsRefunded: signup.pointsFee,
          pointsBalance: balance,
        };
      },
    );
  }

  /**
   * Cancels every standing sign-up of a withdrawn activity, each with a `restore` posting of its fee, in the
   * caller's transaction; the seats go last. Repeated, it finds none standing and does nothing.
   */
  private async refundEverySignup(tx: EntityManager, staff: StaffAuth, activity: ActivityRow): Promise<void> {
    const now = this.clock.now();
    const standing = await this.repository.standingSignupsOf(tx, activity.id);
    let cancelled = 0;
    let points = 0;
    for (const signup of standing) {
      if (!(await this.repository.cancelSignup(tx, signup.id, now))) continue;
      cancelled += 1;
      if (signup.pointsFee > 0 && signup.spendPostingId) {
        const ref = {
          memberId: signup.memberId,
          refType: 'activity' as const,
          refId: signup.id,
          actor: { kind: 'staff' as const, id: staff.staffId },
          memo: activity.name,
        };
        const restored = await this.ledger.restore(tx, ref, signup.pointsFee, signup.spendPostingId);
        await this.repository.setRestorePosting(tx, signup.id, restored.postingId);
        points += signup.pointsFee;
      }
    }
    if (cancelled === 0) return;
    await this.repository.releaseSeats(tx, activity.id, cancelled);
    await this.audit.record(tx, {
      actor: { kind: 'staff', id: staff.staffId },
      action: 'activity.signups.refund',
      target: { kind: 'activity', id: activity.id },
      after: { cancelled, pointsRefunded: points },
    });
  }

  private closed(code: 'SIGNUP_CLOSED' | 'CANCELLATION_CLOSED', activity: ActivityRow): AppError {
    const what = code === 'SIGNUP_CLOSED' ? 'sign-ups' : 'cancellations';
    return new AppError(code, `${what} for ${activity.name} closed at ${iso(activity.signupDeadline)}`, {
      signupDeadline: iso(activity.signupDeadline),
    });
  }
}
