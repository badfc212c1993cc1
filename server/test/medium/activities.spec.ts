import { Clock } from '../../src/common/clock';
import { newId } from '../../src/common/ids';
import { ReconcileService } from '../../src/modules/ledger/reconcile.service';
import { insertMember, memberToken, scalar, staffToken } from './fixtures';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase, type TestResponse } from './test-app';

jest.setTimeout(180_000);

const NOW = Date.parse('2026-06-10T12:00:00+08:00');
const HOUR = 60 * 60 * 1000;

interface Member {
  id: string;
  openid: string;
  token: string;
}

interface ActivityView {
  id: string;
  seatsLeft: number;
  signedUp: boolean;
  canSignUp: boolean;
  canCancel: boolean;
  reason?: string;
}

describe(`member activities on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;
  let clock: Clock;
  let admin: string;
  let serial = 0;

  beforeAll(async () => {
    db = await freshDatabase();
    app = await startTestApp(db.config);
    clock = app.huika.app.get(Clock);
    admin = await staffToken(app, 'admin');
    await clock.setNow(NOW);
  });

  afterAll(async () => {
    await clock.reset();
    await app.close();
    await db.drop();
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const key = () => `k-${(serial += 1)}-${Math.random()}`;

  /** A member with points from a headquarters adjustment over HTTP. */
  async function member(points: number): Promise<Member> {
    const inserted = await insertMember(app.huika.dataSource);
    if (points > 0) {
      const adjusted = await app.request({
        method: 'POST',
        url: `/api/admin/members/${inserted.id}/points-adjustments`,
        headers: { ...auth(admin), 'idempotency-key': key() },
        payload: { points, reason: '活动积分' },
      });
      expect(adjusted.status).toBe(201);
    }
    return { ...inserted, token: await memberToken(app, inserted) };
  }

  async function createActivity(body: {
    capacity: number;
    pointsFee: number;
    deadlineInHours?: number;
  }): Promise<string> {
    const response = await app.request({
      method: 'POST',
      url: '/api/admin/activities',
      headers: auth(admin),
      payload: {
        name: `插花课${(serial += 1)}`,
        description: '周末会员沙龙',
        startsAt: new Date(NOW + 72 * HOUR).toISOString(),
        signupDeadline: new Date(NOW + (body.deadlineInHours ?? 24) * HOUR).toISOString(),
        capacity: body.capacity,
        pointsFee: body.pointsFee,
      },
    });
    expect(response.status).toBe(201);
    return (response.body as { id: string }).id;
  }

  const signUp = (who: Member, activityId: string, idempotencyKey = key()) =>
    app.request({
      method: 'POST',
      url: `/api/activities/${activityId}/signups`,
      headers: { ...auth(who.token), 'idempotency-key': idempotencyKey },
    });
  const cancel = (who: Member, activityId: string, idempotencyKey = key()) =>
    app.request({
      method: 'DELETE',
      url: `/api/activities/${activityId}/signups/mine`,
      headers: { ...auth(who.token), 'idempotency-key': idempotencyKey },
    });
  const balanceOf = (memberId: string) =>
    scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [memberId]);
  const takenOf = (activityId: string) =>
    scalar(app.huika.dataSource, 'SELECT taken FROM activities WHERE id = ?', [activityId]);
  const codes = (responses: TestResponse[]) =>
    responses.map((r) => (r.status === 201 ? 201 : (r.body as { code: string }).code));
  const tally = (values: (string | number)[]) =>
    values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

  async function listed(who: Member, activityId: string): Promise<ActivityView | undefined> {
    const body = (await app.request({ method: 'GET', url: '/api/activities?limit=100', headers: auth(who.token) }))
      .body as { items: ActivityView[] };
    return body.items.find((a) => a.id === activityId);
  }

  async function expectBooksBalanced() {
    expect((await app.huika.app.get(ReconcileService).run()).differences).toEqual([]);
  }

  it('headquarters creates, lists and changes activities, audited; capacity never below the seats taken', async () => {
    const id = await createActivity({ capacity: 2, pointsFee: 50 });
    const listedAdmin = await app.request({
      method: 'GET',
      url: '/api/admin/activities?limit=100',
      headers: auth(admin),
    });
    expect((listedAdmin.body as { items: { id: string }[] }).items).toContainEqual(
      expect.objectContaining({ id, capacity: 2, taken: 0, pointsFee: 50 }),
    );
    const ann = await member(100);
    expect((await signUp(ann, id)).status).toBe(201);
    const patch = (payload: unknown) =>
      app.request({ method: 'PATCH', url: `/api/admin/activities/${id}`, headers: auth(admin), payload });
    expect(await patch({ capacity: 5, name: '周末插花课' })).toMatchObject({
      status: 200,
      body: { capacity: 5, taken: 1, name: '周末插花课' },
    });
    expect(await patch({ capacity: 1 })).toMatchObject({ status: 200, body: { capacity: 1 } });
    expect(await patch({ capacity: 0 })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    await app.request({
      method: 'PATCH',
      url: `/api/admin/activities/${id}`,
      headers: auth(admin),
      payload: { capacity: 3 },
    });
    const second = await member(100);
    const third = await member(100);
    expect((await signUp(second, id)).status).toBe(201);
    expect(await patch({ capacity: 1 })).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    expect(await patch({ signupDeadline: new Date(NOW + 100 * HOUR).toISOString() })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    expect(
      (
        await app.request({
          method: 'PATCH',
          url: `/api/admin/activities/${newId()}`,
          headers: auth(admin),
          payload: { capacity: 3 },
        })
      ).body,
    ).toMatchObject({
      code: 'ACTIVITY_NOT_FOUND',
    });
    expect(
      (await app.request({ method: 'POST', url: '/api/admin/activities', headers: auth(third.token), payload: {} }))
        .status,
    ).toBe(403);
    const actions = (await app.huika.dataSource.query('SELECT action FROM audit_log WHERE target_id = ? ORDER BY id', [
      id,
    ])) as { action: string }[];
    expect(actions.map((a) => a.action)).toEqual([
      'activity.create',
      'activity.update',
      'activity.update',
      'activity.update',
    ]);
  });

  it('signs up once for the fee in points, and lists what the member can do', async () => {
    const id = await createActivity({ capacity: 10, pointsFee: 80 });
    const bea = await member(100);
    expect(await listed(bea, id)).toMatchObject({ seatsLeft: 10, signedUp: false, canSignUp: true, canCancel: false });
    const first = await signUp(bea, id, 'join-once');
    expect(first).toMatchObject({
      status: 201,
      body: { activityId: id, status: 'active', pointsSpent: 80, pointsBalance: 20 },
    });
    const replay = await signUp(bea, id, 'join-once');
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await signUp(bea, id)).toMatchObject({ status: 409, body: { code: 'ALREADY_SIGNED_UP' } });
    expect(await listed(bea, id)).toMatchObject({
      seatsLeft: 9,
      signedUp: true,
      canSignUp: false,
      reason: 'ALREADY_SIGNED_UP',
      canCancel: true,
    });
    expect(await balanceOf(bea.id)).toBe(20);

    const poor = await member(10);
    expect(await listed(poor, id)).toMatchObject({ canSignUp: false, reason: 'POINTS_INSUFFICIENT' });
    expect(await signUp(poor, id)).toMatchObject({ status: 409, body: { code: 'POINTS_INSUFFICIENT' } });
    expect(await takenOf(id)).toBe(1);
    expect(await signUp(bea, newId())).toMatchObject({ status: 404, body: { code: 'ACTIVITY_NOT_FOUND' } });
    expect((await app.request({ method: 'GET', url: '/api/activities', headers: auth(admin) })).status).toBe(403);
  });

  it('fills exactly the capacity under concurrency: 20 members for 5 seats', async () => {
    const id = await createActivity({ capacity: 5, pointsFee: 30 });
    const members = await Promise.all(Array.from({ length: 20 }, () => member(30)));
    const responses = await Promise.all(members.map((m) => signUp(m, id)));
    expect(tally(codes(responses))).toEqual({ 201: 5, ACTIVITY_FULL: 15 });
    expect(await takenOf(id)).toBe(5);
    const ids = members.map((m) => m.id);
    const placeholders = ids.map(() => '?').join(', ');
    expect(
      await scalar(app.huika.dataSource, `SELECT SUM(points_balance) FROM members WHERE id IN (${placeholders})`, ids),
    ).toBe(20 * 30 - 5 * 30);
    expect(
      await scalar(
        app.huika.dataSource,
        "SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? AND status = 'active'",
        [id],
      ),
    ).toBe(5);
    const loser = members[responses.findIndex((r) => r.status !== 201)] as Member;
    expect(await listed(loser, id)).toMatchObject({ seatsLeft: 0, canSignUp: false, reason: 'ACTIVITY_FULL' });
    await expectBooksBalanced();
  });

  it('lets one member hold one seat even with 10 concurrent sign-ups under different keys', async () => {
    const id = await createActivity({ capacity: 50, pointsFee: 10 });
    const cy = await member(1000);
    const responses = await Promise.all(Array.from({ length: 10 }, () => signUp(cy, id)));
    expect(tally(codes(responses))).toEqual({ 201: 1, ALREADY_SIGNED_UP: 9 });
    expect(await takenOf(id)).toBe(1);
    expect(await balanceOf(cy.id)).toBe(990);
  });

  it('cancels before the deadline: the fee comes back and the seat is free again', async () => {
    const id = await createActivity({ capacity: 1, pointsFee: 60 });
    const dee = await member(100);
    const eve = await member(100);
    expect((await signUp(dee, id)).status).toBe(201);
    expect(await signUp(eve, id)).toMatchObject({ status: 409, body: { code: 'ACTIVITY_FULL' } });
    const cancelled = await cancel(dee, id, 'cancel-once');
    expect(cancelled).toMatchObject({
      status: 200,
      body: { status: 'cancelled', activityId: id, pointsRefunded: 60, pointsBalance: 100 },
    });
    expect((await cancel(dee, id, 'cancel-once')).body).toEqual(cancelled.body);
    expect(await cancel(dee, id)).toMatchObject({ status: 404, body: { code: 'SIGNUP_NOT_FOUND' } });
    expect(await balanceOf(dee.id)).toBe(100);
    expect(await takenOf(id)).toBe(0);
    const restore = (await app.huika.dataSource.query(
      'SELECT p.kind, p.ref_type FROM point_postings p JOIN activity_signups s ON s.id = p.ref_id WHERE s.member_id = ? ORDER BY p.id',
      [dee.id],
    )) as { kind: string; ref_type: string }[];
    expect(restore).toEqual([
      { kind: 'spend', ref_type: 'activity' },
      { kind: 'restore', ref_type: 'activity' },
    ]);
    expect((await signUp(eve, id)).status).toBe(201);
    // A member who cancelled may sign up again while seats and time are left.
    await cancel(eve, id);
    expect((await signUp(dee, id)).status).toBe(201);
    expect(await balanceOf(dee.id)).toBe(40);
    await expectBooksBalanced();
  });

  it("lists an activity's sign-ups for headquarters, newest first, by status, page by page", async () => {
    const id = await createActivity({ capacity: 5, pointsFee: 10 });
    const people = [await member(50), await member(50), await member(50)];
    for (const who of people) expect((await signUp(who, id)).status).toBe(201);
    await cancel(people[1] as Member, id);
    const list = (query: string, token = admin) =>
      app.request({ method: 'GET', url: `/api/admin/activities/${id}/signups${query}`, headers: auth(token) });

    const first = await list('?limit=2');
    expect(first.status).toBe(200);
    const firstPage = first.body as { items: { memberId: string; status: string }[]; nextCursor: string | null };
    expect(firstPage.items.map((s) => s.memberId)).toEqual([people[2]?.id, people[1]?.id]);
    expect(firstPage.nextCursor).not.toBeNull();
    const second = (await list(`?limit=2&cursor=${firstPage.nextCursor}`)).body as typeof firstPage;
    expect(second.items.map((s) => s.memberId)).toEqual([people[0]?.id]);
    expect(second.nextCursor).toBeNull();

    const cancelled = (await list('?status=cancelled')).body as {
      items: { memberId: string; pointsFee: number; cancelledAt: string | null; cardNo: string }[];
    };
    expect(cancelled.items).toHaveLength(1);
    expect(cancelled.items[0]).toMatchObject({ memberId: people[1]?.id, pointsFee: 10 });
    expect(cancelled.items[0]?.cancelledAt).toEqual(expect.any(String));
    expect((await list('?status=active')).body).toMatchObject({ items: [{}, {}] });

    expect(await list('?status=gone')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const missing = await app.request({
      method: 'GET',
      url: '/api/admin/activities/01NOSUCHACTIVITY0000000000/signups',
      headers: auth(admin),
    });
    expect(missing).toMatchObject({ status: 404, body: { code: 'ACTIVITY_NOT_FOUND' } });
    expect((await list('', await staffToken(app, 'manager'))).status).toBe(403);
  });

  it('refuses sign-ups and cancellations after the deadline with 409 SIGNUP_CLOSED / CANCELLATION_CLOSED', async () => {
    const id = await createActivity({ capacity: 10, pointsFee: 20, deadlineInHours: 2 });
    const fay = await member(100);
    const gus = await member(100);
    expect((await signUp(fay, id)).status).toBe(201);
    try {
      await clock.setNow(NOW + 2 * HOUR + 60_000);
      expect(await signUp(gus, id)).toMatchObject({ status: 409, body: { code: 'SIGNUP_CLOSED' } });
      expect(await cancel(fay, id)).toMatchObject({ status: 409, body: { code: 'CANCELLATION_CLOSED' } });
      expect(await listed(fay, id)).toMatchObject({ signedUp: true, canCancel: false });
      expect(await listed(gus, id)).toMatchObject({ canSignUp: false, reason: 'SIGNUP_CLOSED' });
      expect(await balanceOf(fay.id)).toBe(80);
      expect(await takenOf(id)).toBe(1);
    } finally {
      await clock.setNow(NOW);
    }
  });

  it('deactivated after its deadline, an activity gives every sign-up its points back, once', async () => {
    const id = await createActivity({ capacity: 10, pointsFee: 30, deadlineInHours: 2 });
    const hal = await member(100);
    const ivy = await member(100);
    const jon = await member(100);
    for (const who of [hal, ivy, jon]) expect((await signUp(who, id)).status).toBe(201);
    expect((await cancel(jon, id)).status).toBe(200);
    const deactivate = () =>
      app.request({
        method: 'PATCH',
        url: `/api/admin/activities/${id}`,
        headers: auth(admin),
        payload: { active: false },
      });
    try {
      await clock.setNow(NOW + 2 * HOUR + 60_000);
      expect((await deactivate()).status).toBe(200);
      expect([await balanceOf(hal.id), await balanceOf(ivy.id), await balanceOf(jon.id)]).toEqual([100, 100, 100]);
      expect(await takenOf(id)).toBe(0);
      const statuses = (await app.huika.dataSource.query(
        'SELECT status, restore_posting_id FROM activity_signups WHERE activity_id = ? ORDER BY id',
        [id],
      )) as { status: string; restore_posting_id: string | null }[];
      expect(statuses).toHaveLength(3);
      expect(statuses.every((s) => s.status === 'cancelled' && s.restore_posting_id !== null)).toBe(true);
      // One restore posting per sign-up: jon's own cancellation and the two the deactivation made.
      const restores = () =>
        scalar(
          app.huika.dataSource,
          `SELECT COUNT(*) FROM point_postings WHERE kind = 'restore' AND ref_type = 'activity'
           AND ref_id IN (SELECT id FROM activity_signups WHERE activity_id = ?)`,
          [id],
        );
      expect(await restores()).toBe(3);

      // Repeated, it finds nothing left to refund.
      expect((await deactivate()).status).toBe(200);
      expect(await restores()).toBe(3);
      expect([await balanceOf(hal.id), await balanceOf(ivy.id)]).toEqual([100, 100]);
      expect(await takenOf(id)).toBe(0);
      await expectBooksBalanced();
    } finally {
      await clock.setNow(NOW);
    }
  });
});
