import { AdminMemberOverview, PointEntry, PurchaseView, RedemptionView, paginated } from '@huika/shared';
import { scalar, scannedCheckoutToken, staffToken, storeIdOf } from './fixtures';
import { bearer, joinedMember, startMembershipApp, type JoinedMember, type MembershipHarness } from './members.helpers';
import { TEST_DB } from './test-app';

jest.setTimeout(300_000);

/** The member page of the console: the overview, its paginated lists, and headquarters' card reissue and closing. */
describe(`a member's page for headquarters on ${TEST_DB}`, () => {
  let harness: MembershipHarness;
  let admin: Record<string, string>;
  let manager: Record<string, string>;
  let cashier: string;
  let storeId: string;
  let atStore: JoinedMember;
  let elsewhere: JoinedMember;
  let receipt = 0;

  const get = (url: string, headers: Record<string, string>) => harness.app.request({ method: 'GET', url, headers });

  async function buy(member: JoinedMember, priceFen: number): Promise<void> {
    const checkoutToken = await scannedCheckoutToken(harness.app, cashier, member);
    receipt += 1;
    const response = await harness.app.request({
      method: 'POST',
      url: '/api/pos/purchases',
      headers: { ...bearer(cashier), 'idempotency-key': `overview-${receipt}` },
      payload: {
        checkoutToken,
        storeId,
        receiptNo: `OV${receipt}`,
        lines: [{ sku: 'A', name: '衬衫', unitPriceFen: priceFen, quantity: 1 }],
      },
    });
    expect(response.status).toBe(201);
  }

  beforeAll(async () => {
    harness = await startMembershipApp();
    admin = bearer(await staffToken(harness.app, 'admin'));
    manager = bearer(await staffToken(harness.app, 'manager'));
    cashier = await staffToken(harness.app, 'cashier');
    storeId = await storeIdOf(harness.app.huika.dataSource, 'S001');
    const scene = await harness.app.request({
      method: 'POST',
      url: '/api/admin/scenes',
      headers: admin,
      payload: { kind: 'store', targetId: storeId, code: 'overview-s001' },
    });
    expect(scene.status).toBe(201);
    atStore = await joinedMember(harness, { name: '林晓', scene: 'overview-s001' });
    elsewhere = await joinedMember(harness, { name: '周遥' });
    for (let i = 1; i <= 3; i += 1) await buy(atStore, i * 10_000);
  });

  afterAll(() => harness.close());

  it('shows the profile, the join, the tier, the points and the referral in one answer', async () => {
    const response = await get(`/api/admin/members/${atStore.id}/overview`, admin);
    expect(response.status).toBe(200);
    const overview = AdminMemberOverview.parse(response.body);
    expect(overview.member).toMatchObject({ id: atStore.id, name: '林晓', status: 'active' });
    expect(overview.member.phoneMasked).toBe(`${atStore.phone.slice(0, 3)}****${atStore.phone.slice(-4)}`);
    expect(overview.join).toMatchObject({ storeId, scene: 'overview-s001', sceneKind: 'store' });
    expect(overview.join?.storeName).toEqual(expect.any(String));
    const balance = await scalar(harness.app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [
      atStore.id,
    ]);
    expect(overview.account?.points.balance).toBe(balance);
    expect(overview.account?.cardNo).toBe(atStore.cardNo);
    expect(overview.referral).toEqual({
      invitedBy: null,
      invited: { pending: 0, granted: 0, reversed: 0, refused: 0 },
    });
  });

  it('pages through the ledger and the purchases, newest first, each page once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const response = await get(`/api/admin/members/${atStore.id}/purchases${query}`, admin);
      expect(response.status).toBe(200);
      const page = paginated(PurchaseView).parse(response.body);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p) => p.receiptNo));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['OV3', 'OV2', 'OV1']);

    const entries = await get(`/api/admin/members/${atStore.id}/points/entries?limit=100`, admin);
    expect(entries.status).toBe(200);
    const page = paginated(PointEntry).parse(entries.body);
    const total = await scalar(
      harness.app.huika.dataSource,
      "SELECT COUNT(*) FROM point_entries WHERE member_id = ? AND account IN ('member', 'member_pending')",
      [atStore.id],
    );
    expect(page.items.length).toBeGreaterThanOrEqual(3);
    expect(page.items.length).toBeLessThanOrEqual(total);
    expect(page.items.filter((e) => e.kind === 'earn').length).toBeGreaterThanOrEqual(3);

    const coupons = await get(`/api/admin/members/${atStore.id}/coupons`, admin);
    expect(coupons.status).toBe(200);
    // The join gift coupon of the demo program.
    expect(coupons.body).toMatchObject({ items: [{ name: '¥10 入会礼券', status: 'available' }], nextCursor: null });
  });

  it("lists the member's redemptions without the whole pickup code, which only the member holds", async () => {
    const gift = await harness.app.request({
      method: 'POST',
      url: '/api/admin/gifts',
      headers: admin,
      payload: { name: '帆布袋', pointsPrice: 100, stock: 10, perMemberLimit: null },
    });
    expect(gift.status).toBe(201);
    const redeemed = await harness.app.request({
      method: 'POST',
      url: `/api/gifts/${(gift.body as { id: string }).id}/redemptions`,
      headers: { ...bearer(atStore.token), 'idempotency-key': 'overview-gift' },
      payload: { quantity: 1 },
    });
    expect(redeemed.status).toBe(201);
    const pickupCode = (redeemed.body as { pickupCode: string }).pickupCode;
    const response = await get(`/api/admin/members/${atStore.id}/redemptions`, admin);
    expect(response.status).toBe(200);
    const page = paginated(RedemptionView).parse(response.body);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ giftName: '帆布袋', pointsSpent: 100, status: 'pending' });
    expect(page.items[0]?.pickupCode).toBe(`••••${pickupCode.slice(-2)}`);
    expect(JSON.stringify(response.body)).not.toContain(pickupCode);
  });

  it("lists the member's activity sign-ups, newest first", async () => {
    const created = await harness.app.request({
      method: 'POST',
      url: '/api/admin/activities',
      headers: admin,
      payload: {
        name: '会员茶话会',
        startsAt: '2030-01-10T14:00:00+08:00',
        signupDeadline: '2030-01-09T20:00:00+08:00',
        capacity: 5,
        pointsFee: 0,
      },
    });
    expect(created.status).toBe(201);
    const activityId = (created.body as { id: string }).id;
    const signed = await harness.app.request({
      method: 'POST',
      url: `/api/activities/${activityId}/signups`,
      headers: { ...bearer(atStore.token), 'idempotency-key': 'overview-signup' },
    });
    expect(signed.status).toBe(201);
    const response = await get(`/api/admin/members/${atStore.id}/activity-signups`, manager);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      items: [{ activityId, activityName: '会员茶话会', status: 'active', pointsFee: 0, cancelledAt: null }],
      nextCursor: null,
    });
    expect((await get(`/api/admin/members/${elsewhere.id}/activity-signups`, manager)).status).toBe(403);
  });

  it('sets a manual tier until a day and ends it early, back to what the member qualifies for, audited', async () => {
    const set = await harness.app.request({
      method: 'PUT',
      url: `/api/admin/members/${atStore.id}/tier`,
      headers: admin,
      payload: { tierCode: 'gold', until: '2030-01-01T00:00:00+08:00', reason: '大客户关怀' },
    });
    expect(set.status).toBe(200);
    const held = AdminMemberOverview.parse((await get(`/api/admin/members/${atStore.id}/overview`, admin)).body);
    expect(held.member.tierCode).toBe('gold');
    expect(held.tier.manualUntil).toBe(new Date('2030-01-01T00:00:00+08:00').toISOString());

    const end = (payload: unknown) =>
      harness.app.request({
        method: 'POST',
        url: `/api/admin/members/${atStore.id}/tier/end`,
        headers: admin,
        payload,
      });
    expect((await end({})).status).toBe(400);
    const ended = await end({ reason: '活动结束' });
    expect(ended.status).toBe(200);
    // ¥600 spent in all, under the silver single-purchase and window thresholds of the demo ladder.
    expect(ended.body).toMatchObject({ memberId: atStore.id, tier: { code: 'normal' } });
    const after = AdminMemberOverview.parse((await get(`/api/admin/members/${atStore.id}/overview`, admin)).body);
    expect(after.member.tierCode).toBe('normal');
    expect(after.tier.manualUntil).toBeNull();
    expect(after.tier.history.slice(0, 2)).toMatchObject([
      { from: 'gold', to: 'normal', reason: 'manual-ended' },
      { from: 'normal', to: 'gold', reason: 'manual' },
    ]);
    expect(await end({ reason: '重复' })).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    const audit = await get(
      `/api/admin/audit-log?targetKind=member&targetId=${atStore.id}&action=member.tier.end`,
      admin,
    );
    expect(audit.body).toMatchObject({ items: [{ after: { tier: 'normal', reason: '活动结束' } }] });
    expect(
      (
        await harness.app.request({
          method: 'POST',
          url: `/api/admin/members/${atStore.id}/tier/end`,
          headers: manager,
          payload: { reason: '店长' },
        })
      ).status,
    ).toBe(403);
  });

  it("lets a store manager read their store's members only, and refuses a cashier", async () => {
    expect((await get(`/api/admin/members/${atStore.id}/overview`, manager)).status).toBe(200);
    expect((await get(`/api/admin/members/${atStore.id}/purchases`, manager)).status).toBe(200);
    for (const path of ['overview', 'points/entries', 'purchases', 'coupons', 'redemptions', 'activity-signups']) {
      const refused = await get(`/api/admin/members/${elsewhere.id}/${path}`, manager);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN' });
      expect((await get(`/api/admin/members/${atStore.id}/${path}`, bearer(cashier))).status).toBe(403);
    }
    const missing = await get('/api/admin/members/no-such-member/overview', admin);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'MEMBER_NOT_FOUND' });
  });

  it('reissues a card at headquarters: a new number, the old sessions ended, audited with the reason', async () => {
    const before = await get('/api/me', bearer(elsewhere.token));
    expect(before.status).toBe(200);
    const refusedWithoutReason = await harness.app.request({
      method: 'POST',
      url: `/api/admin/members/${elsewhere.id}/card/reissue`,
      headers: admin,
      payload: {},
    });
    expect(refusedWithoutReason.status).toBe(400);
    expect(
      (
        await harness.app.request({
          method: 'POST',
          url: `/api/admin/members/${elsewhere.id}/card/reissue`,
          headers: manager,
          payload: { reason: '手机遗失' },
        })
      ).status,
    ).toBe(403);

    const reissued = await harness.app.request({
      method: 'POST',
      url: `/api/admin/members/${elsewhere.id}/card/reissue`,
      headers: admin,
      payload: { reason: '手机遗失' },
    });
    expect(reissued.status).toBe(200);
    const body = reissued.body as { cardNo: string; sessionsEnded: number };
    expect(body.cardNo).not.toBe(elsewhere.cardNo);
    expect(body.sessionsEnded).toBeGreaterThanOrEqual(1);
    expect((await get('/api/me', bearer(elsewhere.token))).status).toBe(401);
    const audit = await get(`/api/admin/audit-log?targetKind=member&targetId=${elsewhere.id}`, admin);
    expect(audit.body).toMatchObject({
      items: expect.arrayContaining([
        expect.objectContaining({
          action: 'member.card_reissue',
          before: { cardNo: elsewhere.cardNo },
          after: { cardNo: body.cardNo, reason: '手机遗失' },
        }),
      ]),
    });
  });

  it('closes an account at headquarters with a confirmation and a reason, keeping the ledger', async () => {
    const unconfirmed = await harness.app.request({
      method: 'POST',
      url: `/api/admin/members/${elsewhere.id}/close`,
      headers: admin,
      payload: { reason: '会员来电要求注销' },
    });
    expect(unconfirmed.status).toBe(400);
    const entriesBefore = await scalar(
      harness.app.huika.dataSource,
      'SELECT COUNT(*) FROM point_entries WHERE member_id = ?',
      [elsewhere.id],
    );
    const closed = await harness.app.request({
      method: 'POST',
      url: `/api/admin/members/${elsewhere.id}/close`,
      headers: admin,
      payload: { confirm: true, reason: '会员来电要求注销' },
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', phoneMasked: null, birthday: null });
    const overview = AdminMemberOverview.parse((await get(`/api/admin/members/${elsewhere.id}/overview`, admin)).body);
    expect(overview.member.status).toBe('closed');
    expect(overview.account).toBeNull();
    expect(
      await scalar(harness.app.huika.dataSource, 'SELECT COUNT(*) FROM point_entries WHERE member_id = ?', [
        elsewhere.id,
      ]),
    ).toBe(entriesBefore);
    const again = await harness.app.request({
      method: 'POST',
      url: `/api/admin/members/${elsewhere.id}/close`,
      headers: admin,
      payload: { confirm: true, reason: '重复提交' },
    });
    expect(again.status).toBe(404);
    expect((await get(`/api/admin/members/${elsewhere.id}/purchases`, admin)).status).toBe(404);
  });
});
