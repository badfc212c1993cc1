import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { execute, select, Transactions } from '../../common/transactions';
import { isUniqueViolation } from '../../database/unique-violation';

export interface ActivityRow {
  id: string;
  name: string;
  description: string | null;
  startsAt: number;
  signupDeadline: number;
  capacity: number;
  taken: number;
  pointsFee: number;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface SignupRow {
  id: string;
  activityId: string;
  memberId: string;
  pointsFee: number;
  spendPostingId: string | null;
}

export type ActivityFields = Partial<
  Pick<ActivityRow, 'name' | 'description' | 'startsAt' | 'signupDeadline' | 'pointsFee' | 'active'>
>;

type ActivitySelectRow = {
  id: string;
  name: string;
  description: string | null;
  starts_at: number | string;
  signup_deadline: number | string;
  capacity: number | string;
  taken: number | string;
  points_fee: number | string;
  active: number | string | boolean;
  created_at: number | string;
  updated_at: number | string;
};

const ACTIVITY_COLUMNS =
  'id, name, description, starts_at, signup_deadline, capacity, taken, points_fee, active, created_at, updated_at';

const COLUMN_OF: Record<keyof ActivityFields, string> = {
  name: 'name',
  description: 'description',
  startsAt: 'starts_at',
  signupDeadline: 'signup_deadline',
  pointsFee: 'points_fee',
  active: 'active',
};

function toActivity(r: ActivitySelectRow): ActivityRow {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    startsAt: Number(r.starts_at),
    signupDeadline: Number(r.signup_deadline),
    capacity: Number(r.capacity),
    taken: Number(r.taken),
    pointsFee: Number(r.points_fee),
    active: r.active === true || Number(r.active) === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export interface SignupListRow {
  id: string;
  memberId: string;
  cardNo: string;
  memberName: string;
  status: 'active' | 'cancelled';
  pointsFee: number;
  createdAt: number;
  cancelledAt: number | null;
}

/** The SQL of member activities and sign-ups. Seats change only by conditional UPDATEs. */
@Injectable()
export class ActivitiesRepository {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Transactions) private readonly transactions: Transactions,
  ) {}

  private get forUpdate(): string {
    return this.transactions.dialect === 'mysql' ? ' FOR UPDATE' : '';
  }

  async activity(manager: EntityManager, id: string, lock = false): Promise<ActivityRow | null> {
    const rows = await select<ActivitySelectRow>(
      manager,
      `SELECT ${ACTIVITY_COLUMNS} FROM activities WHERE id = ?${lock ? this.forUpdate : ''}`,
      [id],
    );
    return rows[0] ? toActivity(rows[0]) : null;
  }

  /** Activities in creation order after the cursor; for members only the active ones that have not started. */
  async activities(after: string | undefined, limit: number, upcomingAt: number | null): Promise<ActivityRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (after) {
      where.push('id > ?');
      params.push(after.toUpperCase());
    }
    if (upcomingAt !== null) {
      where.push('active = 1 AND starts_at > ?');
      params.push(upcomingAt);
    }
    const rows = (await this.dataSource.query(
      `SELECT ${ACTIVITY_COLUMNS} FROM activities${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ${Math.trunc(limit)}`,
      params,
    )) as ActivitySelectRow[];
    return rows.map(toActivity);
  }

  async exists(id: string): Promise<boolean> {
    const rows = (await this.dataSource.query('SELECT 1 AS one FROM activities WHERE id = ?', [id])) as unknown[];
    return rows.length > 0;
  }

  /** An activity's sign-ups, newest first, with each member's card number and name. */
  async signupsOf(
    activityId: string,
    status: 'active' | 'cancelled' | undefined,
    before: string | undefined,
    limit: number,
  ): Promise<SignupListRow[]> {
    const where = ['s.activity_id = ?'];
    const params: unknown[] = [activityId];
    if (status) {
      where.push('s.status = ?');
      params.push(status);
    }
    if (before) {
      where.push('s.id < ?');
      params.push(before.toUpperCase());
    }
    const rows = (await this.dataSource.query(
      `SELECT s.id, s.member_id, m.card_no, m.name, s.status, s.points_fee, s.created_at, s.cancelled_at
       FROM activity_signups s JOIN members m ON m.id = s.member_id
       WHERE ${where.join(' AND ')} ORDER BY s.id DESC LIMIT ${Math.trunc(limit)}`,
      params,
    )) as {
      id: string;
      member_id: string;
      card_no: string;
      name: string;
      status: 'active' | 'cancelled';
      points_fee: number | string;
      created_at: number | string;
      cancelled_at: number | string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      memberId: r.member_id,
      cardNo: r.card_no,
      memberName: r.name,
      status: r.status,
      pointsFee: Number(r.points_fee),
      createdAt: Number(r.created_at),
      cancelledAt: r.cancelled_at === null ? null : Number(r.cancelled_at),
    }));
  }

  /** A member's sign-ups, newest first, with each activity's name and start. */
  async signupsOfMember(memberId: string, before: string | undefined, limit: number) {
    const rows = (await this.dataSource.query(
      `SELECT s.id, s.activity_id, a.name, a.starts_at, s.status, s.points_fee, s.created_at, s.cancelled_at
       FROM activity_signups s JOIN activities a ON a.id = s.activity_id
       WHERE s.member_id = ?${before ? ' AND s.id < ?' : ''} ORDER BY s.id DESC LIMIT ${Math.trunc(limit)}`,
      before ? [memberId, before.toUpperCase()] : [memberId],
    )) as {
      id: string;
      activity_id: string;
      name: string;
      starts_at: number | string;
      status: 'active' | 'cancelled';
      points_fee: number | string;
      created_at: number | string;
      cancelled_at: number | string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      activityId: r.activity_id,
      activityName: r.name,
      startsAt: Number(r.starts_at),
      status: r.status,
      pointsFee: Number(r.points_fee),
      createdAt: Number(r.created_at),
      cancelledAt: r.cancelled_at === null ? null : Number(r.cancelled_at),
    }));
  }

  async insertActivity(tx: EntityManager, a: ActivityRow): Promise<void> {
    await execute(tx, `INSERT INTO activities (${ACTIVITY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      a.id,
      a.name,
      a.description,
      a.startsAt,
      a.signupDeadline,
      a.capacity,
      a.taken,
      a.pointsFee,
      a.active,
      a.createdAt,
      a.updatedAt,
    ]);
  }

  async updateActivity(tx: EntityManager, id: string, fields: ActivityFields, now: number): Promise<void> {
    const entries = Object.entries(fields) as [keyof ActivityFields, unknown][];
    const sets = [...entries.map(([field]) => `${COLUMN_OF[field]} = ?`), 'updated_at = ?'];
    await execute(tx, `UPDATE activities SET ${sets.join(', ')} WHERE id = ?`, [
      ...entries.map(([, value]) => value),
      now,
      id,
    ]);
  }

  async balanceOf(memberId: string): Promise<number> {
    const rows = (await this.dataSource.query('SELECT points_balance FROM members WHERE id = ?', [memberId])) as {
      points_balance: number | string;
    }[];
    return Number(rows[0]?.points_balance ?? 0);
  }

  /** Sets the capacity unless fewer seats than are taken; false if refused. */
  async setCapacity(tx: EntityManager, id: string, capacity: number): Promise<boolean> {
    return (
      (await execute(tx, 'UPDATE activities SET capacity = ? WHERE id = ? AND taken <= ?', [
        capacity,
        id,
        capacity,
      ])) === 1
    );
  }

  /** Takes a seat if one is free and sign-ups are still open: the statement that settles who gets the last seat. */
  async takeSeat(tx: EntityManager, id: string, now: number): Promise<boolean> {
    return (
      (await execute(
        tx,
        'UPDATE activities SET taken = taken + 1 WHERE id = ? AND active = 1 AND taken < capacity AND signup_deadline >= ?',
        [id, now],
      )) === 1
    );
  }

  async releaseSeat(tx: EntityManager, id: string): Promise<void> {
    await execute(tx, 'UPDATE activities SET taken = taken - 1 WHERE id = ? AND taken > 0', [id]);
  }

  /** Frees `count` seats at once (the sign-ups of a withdrawn activity). */
  async releaseSeats(tx: EntityManager, id: string, count: number): Promise<void> {
    await execute(tx, 'UPDATE activities SET taken = CASE WHEN taken > ? THEN taken - ? ELSE 0 END WHERE id = ?', [
      count,
      count,
      id,
    ]);
  }

  /** Inserts a standing sign-up; false when the member has one for this activity already (the unique seat key). */
  async insertSignup(tx: EntityManager, s: SignupRow & { now: number }): Promise<boolean> {
    try {
      await execute(
        tx,
        `INSERT INTO activity_signups (id, activity_id, member_id, seat_key, status, points_fee, spend_posting_id, created_at)
         VALUES (?, ?, ?, ?, 'active', ?, ?, ?)`,
        [s.id, s.activityId, s.memberId, s.memberId, s.pointsFee, s.spendPostingId, s.now],
      );
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async standingSignup(manager: EntityManager, activityId: string, memberId: string): Promise<SignupRow | null> {
    const rows = await select<{ id: string; points_fee: number | string; spend_posting_id: string | null }>(
      manager,
      'SELECT id, points_fee, spend_posting_id FROM activity_signups WHERE activity_id = ? AND seat_key = ?',
      [activityId, memberId],
    );
    const row = rows[0];
    return row
      ? { id: row.id, activityId, memberId, pointsFee: Number(row.points_fee), spendPostingId: row.spend_posting_id }
      : null;
  }

  /** Every standing sign-up of the activity, locked (MySQL: `FOR UPDATE`), oldest first. */
  async standingSignupsOf(tx: EntityManager, activityId: string): Promise<SignupRow[]> {
    const rows = await select<{
      id: string;
      member_id: string;
      points_fee: number | string;
      spend_posting_id: string | null;
    }>(
      tx,
      `SELECT id, member_id, points_fee, spend_posting_id FROM activity_signups
       WHERE activity_id = ? AND status = 'active' ORDER BY id${this.forUpdate}`,
      [activityId],
    );
    return rows.map((row) => ({
      id: row.id,
      activityId,
      memberId: row.member_id,
      pointsFee: Number(row.points_fee),
      spendPostingId: row.spend_posting_id,
    }));
  }

  /** Which of these activities the member holds a standing sign-up for. */
  async signedUpAmong(memberId: string, activityIds: string[]): Promise<Set<string>> {
    if (activityIds.length === 0) return new Set();
    const rows = (await this.dataSource.query(
      `SELECT activity_id FROM activity_signups WHERE seat_key = ? AND activity_id IN (${activityIds.map(() => '?').join(', ')})`,
      [memberId, ...activityIds],
    )) as { activity_id: string }[];
    return new Set(rows.map((r) => r.activity_id));
  }

  /** Standing to cancelled, once; the seat key becomes the sign-up's own id, which frees the member's key. */
  async cancelSignup(tx: EntityManager, id: string, now: number): Promise<boolean> {
    const changed = await execute(
      tx,
      "UPDATE activity_signups SET status = 'cancelled', seat_key = id, cancelled_at = ? WHERE id = ? AND status = 'active'",
      [now, id],
    );
    return changed === 1;
  }

  async setRestorePosting(tx: EntityManager, id: string, postingId: string): Promise<void> {
    await execute(tx, 'UPDATE activity_signups SET restore_posting_id = ? WHERE id = ?', [postingId, id]);
  }
}
