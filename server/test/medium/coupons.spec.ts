import { Clock } from '../../src/common/clock';
import { Transactions } from '../../src/common/transactions';
import { CouponsService } from '../../src/modules/coupons/coupons.service';
import { ReconcileService } from '../../src/modules/ledger/reconcile.service';
import { ReferralService } from '../../src/modules/referral/referral.service';
import { insertMember, memberToken, scalar, staffToken } from './fixtures';
import { bearer, joinedMember, type MembershipHarness, patchProgram, startMembershipApp } from './members.helpers';
import { TEST_DB, type TestResponse } from './test-app';

jest.setTimeout(240_000);

const DAY = 24 * 60 * 60 * 1000;
/** A Tuesday, not a member day (9th, 19th, 29th): no member discount for 普通 members. */
const NOV_3 = Date.parse('2026-11-03T12:00:00+08:00');

interface Member {
  id: string;
  openid: string;
  token: string;
}

interface Line {
  sku: string;
  name: string;
  unitPriceFen: number;
  quantity: number;
  category?: string;
  pointsEligible?: boolean;
}

interface WalletItem {
  id: string;
  name: string;
  kind: string;
  valueFen: number | null;
  status: string;
  validFrom: string;
  validTo: string;
  usedAt?: string;
  purchaseId?: string;
}

describe(`coupons on ${TEST_DB}`, () => {
  let harness: MembershipHarness;
  let clock: Clock;
  let admin: Record<string, string>;
  let cashier: Record<string, string>;
  let storeId: string;
  let serial = 0;

  beforeAll(async () => {
    harness = await startMembershipApp();
    clock = harness.app.huika.app.get(Clock);
    admin = bearer(await staffToken(harness.app, 'admin'));
    cashier = bearer(await staffToken(harness.app, 'cashier'));
    storeId = String(
      ((await dataSource().query("SELECT id FROM stores WHERE code = 'S001'")) as { id: string }[])[0]?.id,
    );
    await clock.setNow(NOV_3);
  });

  afterAll(async () => {
    await clock.reset();
    await harness.close();
  });

  const dataSource = () => harness.app.huika.dataSource;
  const request = (options: Parameters<typeof harness.app.request>[0]) => harness.app.request(options);
  const key = () => `k-${(serial += 1)}-${Math.random()}`;
  const codes = (responses: TestResponse[]) =>
    responses.map((r) => (r.status === 201 ? 201 : (r.body as { code: string }).code));
  const tally = (values: (string | number)[]) =>
    values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

  async function member(overrides: { tierCode?: string; birthday?: string } = {}): Promise<Member> {
    const inserted = await insertMember(dataSource(), overrides);
    return { ...inserted, token: await memberToken(harness.app, inserted) };
  }

  async function template(body: Record<string, unknown>): Promise<string> {
    const response = await request({
      method: 'POST',
      url: '/api/admin/coupon-templates',
      headers: admin,
      payload: { name: `券${(serial += 1)}`, validDays: 30, ...body },
    });
    expect(response.status).toBe(201);
    return (response.body as { id: string }).id;
  }

  const issue = (memberId: string, templateId: string, idempotencyKey = key()) =>
    request({
      method: 'POST',
      url: `/api/admin/members/${memberId}/coupons`,
      headers: { ...admin, 'idempotency-key': idempotencyKey },
      payload: { templateId, reason: '客服补偿' },
    });

  async function issued(memberId: string, templateId: string): Promise<string> {
    const response = await issue(memberId, templateId);
    expect(response.status).toBe(201);
    return (response.body as { id: string }).id;
  }

  async function wallet(who: { token: string }, status?: string): Promise<WalletItem[]> {
    const response = await request({
      method: 'GET',
      url: `/api/me/coupons${status ? `?status=${status}` : ''}`,
      headers: bearer(who.token),
    });
    expect(response.status).toBe(200);
    return (response.body as { items: WalletItem[] }).items;
  }

  async function scan(who: { token: string }): Promise<{ checkoutToken: string; coupons: WalletItem[] }> {
    const card = await request({ method: 'GET', url: '/api/me/card-code', headers: bearer(who.token) });
    const scanned = await request({
      method: 'POST',
      url: '/api/pos/scan',
      headers: cashier,
      payload: { code: (card.body as { code: string }).code },
    });
    expect(scanned.status).toBe(200);
    const body = scanned.body as { checkoutToken: string; member: { coupons: WalletItem[] } };
    return { checkoutToken: body.checkoutToken, coupons: body.member.coupons };
  }

  const quote = (checkoutToken: string, lines: Line[], couponIds: string[]) =>
    request({ method: 'POST', url: '/api/pos/quotes', headers: cashier, payload: { checkoutToken, lines, couponIds } });

  const purchase = (
    checkoutToken: string,
    lines: Line[],
    couponIds: string[],
    idempotencyKey = key(),
    receiptNo = `CP${(serial += 1)}`,
  ) =>
    request({
      method: 'POST',
      url: '/api/pos/purchases',
      headers: { ...cashier, 'idempotency-key': idempotencyKey },
      payload: { checkoutToken, storeId, receiptNo, lines, couponIds },
    });

  async function buy(who: { token: string }, lines: Line[], couponIds: string[] = []): Promise<TestResponse> {
    return purchase((await scan(who)).checkoutToken, lines, couponIds);
  }

  const refund = (purchaseId: string, body: unknown) =>
    request({
      method: 'POST',
      url: `/api/pos/purchases/${purchaseId}/refunds`,
      headers: { ...cashier, 'idempotency-key': key() },
      payload: body,
    });

  const shirt = (unitPriceFen: number, quantity = 1): Line => ({
    sku: 'SHIRT',
    name: '衬衫',
    category: '服装',
    unitPriceFen,
    quantity,
  });

  describe('templates', () => {
    it('creates the three kinds, validates their terms, lists and patches them, audited', async () => {
      const cash = await template({ kind: 'cashOff', valueFen: 2000, minSpendFen: 10000 });
      await template({ kind: 'percentOff', percent: 15, maxDiscountFen: 5000, categories: ['服装'] });
      await template({ kind: 'itemVoucher', sku: 'LATTE', valueFen: 3000, stackable: true });
      const invalid = async (body: Record<string, unknown>) =>
        (
          await request({
            method: 'POST',
            url: '/api/admin/coupon-templates',
            headers: admin,
            payload: { name: 'x', ...body },
          })
        ).body as { code: string };
      expect(await invalid({ kind: 'cashOff', validDays: 7 })).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await invalid({ kind: 'percentOff', valueFen: 100, validDays: 7 })).toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      expect(await invalid({ kind: 'itemVoucher', valueFen: 100, validDays: 7 })).toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      expect(
        await invalid({
          kind: 'cashOff',
          valueFen: 100,
          validDays: 7,
          validFrom: '2026-11-01T00:00:00+08:00',
          validTo: '2026-11-30T23:59:59+08:00',
        }),
      ).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(
        await invalid({
          kind: 'cashOff',
          valueFen: 100,
          validFrom: '2026-11-30T00:00:00+08:00',
          validTo: '2026-11-01T00:00:00+08:00',
        }),
      ).toMatchObject({ code: 'VALIDATION_FAILED' });

      const list = await request({ method: 'GET', url: '/api/admin/coupon-templates?limit=100', headers: admin });
      const items = (list.body as { items: { id: string; name: string; perMemberLimit: number; stackable: boolean }[] })
        .items;
      // The demo seed's join gift is there too.
      expect(items.map((t) => t.name)).toContain('¥10 入会礼券');
      expect(items.find((t) => t.id === cash)).toMatchObject({ perMemberLimit: 1, stackable: false });

      const patched = await request({
        method: 'PATCH',
        url: `/api/admin/coupon-templates/${cash}`,
        headers: admin,
        payload: { totalQuota: 1, name: '满100减20' },
      });
      expect(patched).toMatchObject({ status: 200, body: { name: '满100减20', totalQuota: 1, kind: 'cashOff' } });
      await issued((await member()).id, cash);
      const tooLow = await request({
        method: 'PATCH',
        url: `/api/admin/coupon-templates/${cash}`,
        headers: admin,
        payload: { totalQuota: 1, validDays: null },
      });
      expect(tooLow).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      const missing = await request({
        method: 'PATCH',
        url: '/api/admin/coupon-templates/01JZZZZZZZZZZZZZZZZZZZZZZZ',
        headers: admin,
        payload: { active: false },
      });
      expect(missing).toMatchObject({ status: 404, body: { code: 'COUPON_TEMPLATE_NOT_FOUND' } });
      expect(
        await scalar(
          dataSource(),
          "SELECT COUNT(*) FROM audit_log WHERE action IN ('coupon-template.create', 'coupon-template.update') AND target_id = ?",
          [cash],
        ),
      ).toBe(2);
    });
  });

  describe('the join gift', () => {
    it('is in a new member’s wallet, takes ¥10 off the first purchase, earns points only on what was paid, and comes back on a full refund', async () => {
      const joined = await joinedMember(harness);
      const gifts = await wallet(joined);
      expect(gifts).toHaveLength(1);
      const gift = gifts[0] as WalletItem;
      expect(gift).toMatchObject({
        name: '¥10 入会礼券',
        kind: 'cashOff',
        valueFen: 1000,
        minSpendFen: 5000,
        status: 'available',
      });
      // 30 days after issue, to the end of that day (Asia/Shanghai).
      expect(gift.validTo).toBe('2026-12-03T15:59:59.999Z');
      expect(await wallet(joined, 'used')).toEqual([]);

      const { checkoutToken, coupons } = await scan(joined);
      expect(coupons.map((c) => c.id)).toEqual([gift.id]);
      const lines = [shirt(8000)];
      const quoted = await quote(checkoutToken, lines, [gift.id]);
      expect(quoted.body).toMatchObject({
        totals: { grossFen: 8000, couponFen: 1000, payableFen: 7000 },
        pointsEarned: 70,
        coupons: [{ id: gift.id, name: '¥10 入会礼券', amountFen: 1000 }],
      });
      const bought = await purchase(checkoutToken, lines, [gift.id]);
      expect(bought).toMatchObject({
        status: 201,
        body: {
          totals: { grossFen: 8000, discountFen: 0, couponFen: 1000, payableFen: 7000 },
          pointsEarned: 70,
          pointsBalance: 70,
          couponsIssued: [],
          couponsUsed: [{ id: gift.id, amountFen: 1000 }],
        },
      });
      const purchaseId = (bought.body as { id: string }).id;
      expect(await wallet(joined, 'available')).toEqual([]);
      expect(await wallet(joined, 'used')).toMatchObject([{ id: gift.id, status: 'used', purchaseId }]);

      const again = await buy(joined, lines, [gift.id]);
      expect(again).toMatchObject({ status: 409, body: { code: 'COUPON_USED' } });

      const refunded = await refund(purchaseId, { all: true });
      expect(refunded).toMatchObject({
        status: 201,
        body: { refundFen: 7000, pointsReversed: 70, couponsRestored: [{ id: gift.id, name: '¥10 入会礼券' }] },
      });
      const back = await wallet(joined, 'available');
      expect(back).toMatchObject([{ id: gift.id, status: 'available' }]);
      expect(back[0]?.purchaseId).toBeUndefined();
      expect((await buy(joined, lines, [gift.id])).status).toBe(201);
      expect((await harness.app.huika.app.get(ReconcileService).run()).differences).toEqual([]);
    });

    it('is not restored by a partial refund, only once the whole purchase is refunded', async () => {
      const someone = await member();
      const couponId = await issued(someone.id, await template({ kind: 'cashOff', valueFen: 500, minSpendFen: 0 }));
      const bought = await buy(someone, [shirt(3000, 2)], [couponId]);
      expect(bought.body).toMatchObject({ totals: { couponFen: 500, payableFen: 5500 } });
      const purchaseId = (bought.body as { id: string }).id;
      const partial = await refund(purchaseId, { lines: [{ sku: 'SHIRT', quantity: 1 }] });
      expect(partial).toMatchObject({ status: 201, body: { refundFen: 2750, couponsRestored: [] } });
      expect(await wallet(someone, 'used')).toMatchObject([{ id: couponId }]);
      const rest = await refund(purchaseId, { lines: [{ sku: 'SHIRT', quantity: 1 }] });
      expect(rest).toMatchObject({ status: 201, body: { refundFen: 2750, couponsRestored: [{ id: couponId }] } });
      expect(await wallet(someone, 'available')).toMatchObject([{ id: couponId }]);
    });

    it('is restored exactly once when two concurrent partial refunds together refund everything', async () => {
      for (let round = 0; round < 3; round += 1) {
        const someone = await member();
        const couponId = await issued(someone.id, await template({ kind: 'cashOff', valueFen: 500, minSpendFen: 0 }));
        const bought = await buy(someone, [shirt(3000, 2)], [couponId]);
        const purchaseId = (bought.body as { id: string }).id;
        const both = await Promise.all([
          refund(purchaseId, { lines: [{ sku: 'SHIRT', quantity: 1 }] }),
          refund(purchaseId, { lines: [{ sku: 'SHIRT', quantity: 1 }] }),
        ]);
        expect(both.map((r) => r.status)).toEqual([201, 201]);
        const restored = both.flatMap((r) => (r.body as { couponsRestored: { id: string }[] }).couponsRestored);
        expect(restored.map((c) => c.id)).toEqual([couponId]);
        const status = (await dataSource().query('SELECT status FROM purchases WHERE id = ?', [purchaseId])) as {
          status: string;
        }[];
        expect(status[0]?.status).toBe('refunded');
        expect(await wallet(someone, 'available')).toMatchObject([{ id: couponId }]);
      }
      expect((await harness.app.huika.app.get(ReconcileService).run()).differences).toEqual([]);
    });

    it('comes once per member, and a member who joins without a configured gift gets none', async () => {
      const joined = await joinedMember(harness);
      expect((await wallet(joined)).map((c) => c.name)).toEqual(['¥10 入会礼券']);
      expect(
        await scalar(dataSource(), "SELECT COUNT(*) FROM coupons WHERE member_id = ? AND trigger_kind = 'join'", [
          joined.id,
        ]),
      ).toBe(1);
      let saved: string[] = [];
      await patchProgram(dataSource(), (program) => {
        saved = program.coupons.joinGiftTemplateIds;
        program.coupons.joinGiftTemplateIds = [];
      });
      try {
        expect(await wallet(await joinedMember(harness))).toEqual([]);
      } finally {
        await patchProgram(dataSource(), (program) => {
          program.coupons.joinGiftTemplateIds = saved;
        });
      }
    });
  });

  describe('at the till', () => {
    it('refuses below the minimum spend (after the member discount), a second non-stackable coupon, another member’s coupon', async () => {
      const silver = await member({ tierCode: 'silver' });
      const cash = await template({ kind: 'cashOff', valueFen: 1000, minSpendFen: 10000 });
      const other = await template({ kind: 'cashOff', valueFen: 500, minSpendFen: 0 });
      const a = await issued(silver.id, cash);
      const b = await issued(silver.id, other);
      const { checkoutToken } = await scan(silver);
      // ¥105 at 9折 is ¥94.50: below ¥100.
      const below = await quote(checkoutToken, [shirt(10500)], [a]);
      expect(below).toMatchObject({
        status: 409,
        body: {
          code: 'COUPON_NOT_APPLICABLE',
          details: { couponId: a, reason: 'MIN_SPEND_NOT_MET', minSpendFen: 10000, eligibleFen: 9450 },
        },
      });
      // Special-price lines do not count toward it.
      const special = { sku: 'SALE', name: '特价', unitPriceFen: 50000, quantity: 1, pointsEligible: false };
      expect(await quote(checkoutToken, [shirt(5000), special], [a])).toMatchObject({
        status: 409,
        body: { details: { reason: 'MIN_SPEND_NOT_MET' } },
      });
      expect(await quote(checkoutToken, [shirt(12000)], [a])).toMatchObject({
        status: 200,
        body: { totals: { discountFen: 1200, couponFen: 1000, payableFen: 9800 } },
      });
      expect(await quote(checkoutToken, [shirt(12000)], [a, b])).toMatchObject({
        status: 409,
        body: { code: 'COUPON_NOT_STACKABLE' },
      });
      const stranger = await member();
      const theirs = await issued(stranger.id, other);
      expect(await quote(checkoutToken, [shirt(12000)], [theirs])).toMatchObject({
        status: 404,
        body: { code: 'COUPON_NOT_FOUND' },
      });
      expect(await quote(checkoutToken, [shirt(12000)], [a, a])).toMatchObject({
        status: 400,
        body: { code: 'VALIDATION_FAILED' },
      });
    });

    it('combines stackable coupons, checks categories and stores, and pays one unit with an item voucher', async () => {
      const someone = await member();
      const percent = await template({
        kind: 'percentOff',
        percent: 20,
        maxDiscountFen: 3000,
        categories: ['服装'],
        stackable: true,
      });
      const cash = await template({ kind: 'cashOff', valueFen: 1000, stackable: true });
      const latte = await template({ kind: 'itemVoucher', sku: 'LATTE', valueFen: 2500, stackable: true });
      const ids = [await issued(someone.id, percent), await issued(someone.id, cash), await issued(someone.id, latte)];
      const { checkoutToken } = await scan(someone);
      const lines: Line[] = [
        shirt(10000),
        { sku: 'LATTE', name: '拿铁', category: '饮品', unitPriceFen: 3200, quantity: 2 },
      ];
      const quoted = await quote(checkoutToken, lines, ids);
      // Voucher: one latte up to ¥25; cash ¥10 over what is left; then 20% of the shirt's remainder.
      expect(quoted).toMatchObject({ status: 200 });
      const body = quoted.body as { totals: { couponFen: number }; coupons: { id: string; amountFen: number }[] };
      // Voucher ¥25 on one latte; ¥10 split by what is due (the shirt carries 1000 × 10000 / 13900 → 719);
      // then 20% of what is left of the shirt.
      const percentOff = Math.floor(((10000 - 719) * 20) / 100);
      expect(body.coupons).toEqual([
        { id: ids[2], name: expect.any(String), amountFen: 2500 },
        { id: ids[1], name: expect.any(String), amountFen: 1000 },
        { id: ids[0], name: expect.any(String), amountFen: percentOff },
      ]);
      expect(body.totals.couponFen).toBe(2500 + 1000 + percentOff);
      const latteOnly = lines.filter((l) => l.sku === 'LATTE');
      expect(await quote(checkoutToken, latteOnly, [ids[0] as string])).toMatchObject({
        status: 409,
        body: { details: { reason: 'NO_ELIGIBLE_ITEMS' } },
      });

      // A coupon for another store is refused at this one.
      const otherStore = '01STORE8880000000000000000';
      await dataSource().query(
        "INSERT INTO stores (id, code, name, active, created_at) VALUES (?, 'S888', '别的店', 1, ?)",
        [otherStore, Date.now()],
      );
      const here = await template({ kind: 'cashOff', valueFen: 100, storeIds: [storeId], minSpendFen: 0 });
      const there = await template({ kind: 'cashOff', valueFen: 100, storeIds: [otherStore], minSpendFen: 0 });
      expect((await quote(checkoutToken, lines, [await issued(someone.id, here)])).status).toBe(200);
      expect(await quote(checkoutToken, lines, [await issued(someone.id, there)])).toMatchObject({
        status: 409,
        body: { code: 'COUPON_NOT_APPLICABLE', details: { reason: 'STORE_NOT_ELIGIBLE' } },
      });
      const unknownStore = await request({
        method: 'PATCH',
        url: `/api/admin/coupon-templates/${here}`,
        headers: admin,
        payload: { storeIds: ['01STORE00000000000000000XX'] },
      });
      expect(unknownStore).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });

    it('lets one of two concurrent purchases with the same coupon have it; the other is 409 and replays so', async () => {
      const someone = await member();
      const couponId = await issued(someone.id, await template({ kind: 'cashOff', valueFen: 1000, minSpendFen: 0 }));
      const { checkoutToken } = await scan(someone);
      const attempts = [
        { key: key(), receiptNo: `RACE-${serial}-A` },
        { key: key(), receiptNo: `RACE-${serial}-B` },
      ];
      const responses = await Promise.all(
        attempts.map((a) => purchase(checkoutToken, [shirt(5000)], [couponId], a.key, a.receiptNo)),
      );
      expect(tally(codes(responses))).toEqual({ 201: 1, COUPON_USED: 1 });
      // The idempotency layer kept the refusal as the answer for the loser's key.
      const loser = attempts[responses[0]?.status === 201 ? 1 : 0] as { key: string; receiptNo: string };
      const replay = await purchase(checkoutToken, [shirt(5000)], [couponId], loser.key, loser.receiptNo);
      expect(replay).toMatchObject({
        status: 409,
        body: { code: 'COUPON_USED' },
        headers: { 'idempotent-replayed': 'true' },
      });
      expect(await scalar(dataSource(), 'SELECT COUNT(*) FROM purchases WHERE member_id = ?', [someone.id])).toBe(1);
      expect(
        await scalar(dataSource(), "SELECT COUNT(*) FROM coupons WHERE id = ? AND status = 'used'", [couponId]),
      ).toBe(1);
    });
  });

  describe('expiry', () => {
    it('shows coupons past their validity as expired, refuses them, and the job marks them in the database', async () => {
      const someone = await member();
      const short = await template({ kind: 'cashOff', valueFen: 300, minSpendFen: 0, validDays: 1 });
      const couponId = await issued(someone.id, short);
      const usedId = await issued(
        someone.id,
        await template({ kind: 'cashOff', valueFen: 300, minSpendFen: 0, validDays: 1 }),
      );
      const bought = await buy(someone, [shirt(2000)], [usedId]);
      expect(bought.status).toBe(201);
      try {
        await clock.setNow(NOV_3 + 3 * DAY);
        expect((await wallet(someone, 'expired')).map((c) => c.id)).toEqual([couponId]);
        expect(await wallet(someone, 'available')).toEqual([]);
        expect(await buy(someone, [shirt(2000)], [couponId])).toMatchObject({
          status: 409,
          body: { code: 'COUPON_EXPIRED' },
        });
        // A full refund after the validity does not bring the used coupon back.
        const refunded = await refund((bought.body as { id: string }).id, { all: true });
        expect(refunded.body).toMatchObject({ couponsRestored: [] });
        expect((await wallet(someone, 'expired')).map((c) => c.id).sort()).toEqual([couponId, usedId].sort());

        const job = await request({ method: 'POST', url: '/api/dev/expire-coupons', payload: {} });
        expect(job).toMatchObject({ status: 200, body: { expired: expect.any(Number) } });
        expect((job.body as { expired: number }).expired).toBeGreaterThanOrEqual(1);
        expect(
          await scalar(dataSource(), "SELECT COUNT(*) FROM coupons WHERE member_id = ? AND status = 'expired'", [
            someone.id,
          ]),
        ).toBe(2);
        expect(await harness.app.huika.app.get(CouponsService).expireDue(clock.now())).toBe(0);
      } finally {
        await clock.setNow(NOV_3);
      }
    });
  });

  describe('issuing', () => {
    it('holds the quota under concurrency: 300 concurrent issuances of a template with quota 100 issue exactly 100', async () => {
      const templateId = await template({ kind: 'cashOff', valueFen: 500, totalQuota: 100 });
      const members = await Promise.all(Array.from({ length: 300 }, () => member()));
      const responses = await Promise.all(members.map((m) => issue(m.id, templateId)));
      expect(tally(codes(responses))).toEqual({ 201: 100, COUPON_QUOTA_EXHAUSTED: 200 });
      expect(await scalar(dataSource(), 'SELECT COUNT(*) FROM coupons WHERE template_id = ?', [templateId])).toBe(100);
      expect(await scalar(dataSource(), 'SELECT issued_count FROM coupon_templates WHERE id = ?', [templateId])).toBe(
        100,
      );
    });

    it('holds the per-member limit under concurrency, replays by Idempotency-Key, and audits', async () => {
      const someone = await member();
      const templateId = await template({ kind: 'cashOff', valueFen: 500, perMemberLimit: 2 });
      const responses = await Promise.all(Array.from({ length: 10 }, () => issue(someone.id, templateId)));
      expect(tally(codes(responses))).toEqual({ 201: 2, COUPON_LIMIT_REACHED: 8 });
      const once = key();
      const other = await member();
      const first = await issue(other.id, templateId, once);
      const replay = await issue(other.id, templateId, once);
      expect(replay).toMatchObject({ status: 201, headers: { 'idempotent-replayed': 'true' } });
      expect((replay.body as { id: string }).id).toBe((first.body as { id: string }).id);
      expect(
        await scalar(dataSource(), "SELECT COUNT(*) FROM audit_log WHERE action = 'coupon.issue' AND target_id = ?", [
          other.id,
        ]),
      ).toBe(1);
      expect(await issue('01JZZZZZZZZZZZZZZZZZZZZZZZ', templateId)).toMatchObject({
        status: 404,
        body: { code: 'MEMBER_NOT_FOUND' },
      });
      await request({
        method: 'PATCH',
        url: `/api/admin/coupon-templates/${templateId}`,
        headers: admin,
        payload: { active: false },
      });
      expect(await issue(other.id, templateId)).toMatchObject({
        status: 409,
        body: { code: 'COUPON_TEMPLATE_INACTIVE' },
      });
      expect(await issue(other.id, '01JZZZZZZZZZZZZZZZZZZZZZZZ')).toMatchObject({
        status: 404,
        body: { code: 'COUPON_TEMPLATE_NOT_FOUND' },
      });
    });

    it('issues the tier-upgrade coupon with the upgrading purchase, once per member and tier', async () => {
      const templateId = await template({ kind: 'cashOff', valueFen: 5000, minSpendFen: 0, perMemberLimit: 5 });
      await patchProgram(dataSource(), (program) => {
        program.coupons.tierUpgradeTemplateIds = { silver: [templateId] };
      });
      try {
        const someone = await member();
        const upgrade = await buy(someone, [shirt(100000)]);
        expect(upgrade.body).toMatchObject({
          tierChanged: true,
          tier: { code: 'silver' },
          couponsIssued: [{ id: expect.any(String), name: expect.any(String) }],
        });
        const couponId = (upgrade.body as { couponsIssued: { id: string }[] }).couponsIssued[0]?.id;
        expect((await wallet(someone)).map((c) => c.id)).toEqual([couponId]);
        // Refunded (back to 普通) and bought again: silver again, but no second coupon.
        await refund((upgrade.body as { id: string }).id, { all: true });
        const again = await buy(someone, [shirt(100000)]);
        expect(again.body).toMatchObject({ tierChanged: true, couponsIssued: [] });
      } finally {
        await patchProgram(dataSource(), (program) => {
          program.coupons.tierUpgradeTemplateIds = {};
        });
      }
    });

    it('withdraws the unused tier-upgrade coupons when a refund undoes the upgrade; used ones stay', async () => {
      const templateId = await template({ kind: 'cashOff', valueFen: 5000, minSpendFen: 0, perMemberLimit: 5 });
      await patchProgram(dataSource(), (program) => {
        program.coupons.tierUpgradeTemplateIds = { silver: [templateId] };
      });
      try {
        const unused = await member();
        const upgrade = await buy(unused, [shirt(100000)]);
        const couponId = (upgrade.body as { couponsIssued: { id: string }[] }).couponsIssued[0]?.id ?? '';
        expect((await wallet(unused, 'available')).map((c) => c.id)).toEqual([couponId]);
        expect(await refund((upgrade.body as { id: string }).id, { all: true })).toMatchObject({ status: 201 });
        expect(await wallet(unused)).toEqual([]);
        expect(await buy(unused, [shirt(10000)], [couponId])).toMatchObject({
          status: 404,
          body: { code: 'COUPON_NOT_FOUND' },
        });

        const spender = await member();
        const first = await buy(spender, [shirt(100000)]);
        const spentId = (first.body as { couponsIssued: { id: string }[] }).couponsIssued[0]?.id ?? '';
        expect(await buy(spender, [shirt(10000)], [spentId])).toMatchObject({ status: 201 });
        expect(await refund((first.body as { id: string }).id, { all: true })).toMatchObject({ status: 201 });
        expect(await wallet(spender, 'used')).toMatchObject([{ id: spentId, status: 'used' }]);
      } finally {
        await patchProgram(dataSource(), (program) => {
          program.coupons.tierUpgradeTemplateIds = {};
        });
      }
    });

    it('issues birthday coupons in the birthday month, once a year per member', async () => {
      const templateId = await template({ kind: 'cashOff', valueFen: 2000, minSpendFen: 0, perMemberLimit: 10 });
      await patchProgram(dataSource(), (program) => {
        program.coupons.birthdayTemplateIds = [templateId];
      });
      try {
        const november = await member({ birthday: '1990-11-20' });
        const december = await member({ birthday: '1990-12-01' });
        const coupons = harness.app.huika.app.get(CouponsService);
        const first = await coupons.issueBirthday(NOV_3);
        expect(first.issued).toBeGreaterThanOrEqual(1);
        expect(await coupons.issueBirthday(NOV_3 + 10 * DAY)).toEqual({ issued: 0, skipped: 0 });
        expect((await wallet(november)).length).toBe(1);
        expect(await wallet(december)).toEqual([]);
        const nextYear = await request({
          method: 'POST',
          url: '/api/dev/issue-birthday-coupons',
          payload: { asOf: '2027-11-05T09:00:00+08:00' },
        });
        expect(nextYear).toMatchObject({ status: 200 });
        expect((await wallet(november)).length).toBe(2);
      } finally {
        await patchProgram(dataSource(), (program) => {
          program.coupons.birthdayTemplateIds = [];
        });
      }
    });

    it('gives the referrer the referral coupon when the reward is granted, once', async () => {
      const templateId = await template({ kind: 'cashOff', valueFen: 1500, minSpendFen: 0, perMemberLimit: 50 });
      await patchProgram(dataSource(), (program) => {
        program.coupons.referralTemplateIds = [templateId];
      });
      try {
        const referrer = await joinedMember(harness);
        const summary = await request({ method: 'GET', url: '/api/me/referral', headers: bearer(referrer.token) });
        const invitee = await joinedMember(harness, { scene: (summary.body as { scene: string }).scene });
        const transactions = harness.app.huika.app.get(Transactions);
        const referrals = harness.app.huika.app.get(ReferralService);
        await transactions.run((tx) =>
          referrals.onQualifyingPurchase(tx, { inviteeId: invitee.id, purchaseId: 'p-ref', paidFen: 5000 }),
        );
        await clock.setNow(NOV_3 + 8 * DAY);
        expect(await referrals.grantDue()).toEqual({ granted: 1, refused: 0 });
        expect(await referrals.grantDue()).toEqual({ granted: 0, refused: 0 });
        const mine = await wallet(referrer);
        expect(mine.filter((c) => c.valueFen === 1500)).toHaveLength(1);
      } finally {
        await clock.setNow(NOV_3);
        await patchProgram(dataSource(), (program) => {
          program.coupons.referralTemplateIds = [];
        });
      }
    });
  });

  it('pages the wallet, newest first', async () => {
    const someone = await member();
    const templateId = await template({ kind: 'cashOff', valueFen: 100, minSpendFen: 0, perMemberLimit: 10 });
    const ids = [];
    for (let i = 0; i < 5; i += 1) ids.push(await issued(someone.id, templateId));
    const first = await request({ method: 'GET', url: '/api/me/coupons?limit=3', headers: bearer(someone.token) });
    const page = first.body as { items: { id: string }[]; nextCursor: string };
    expect(page.items.map((c) => c.id)).toEqual(ids.slice(2).reverse());
    const second = await request({
      method: 'GET',
      url: `/api/me/coupons?limit=3&cursor=${page.nextCursor}`,
      headers: bearer(someone.token),
    });
    expect(second.body).toEqual({
      items: ids
        .slice(0, 2)
        .reverse()
        .map((id) => expect.objectContaining({ id })),
      nextCursor: null,
    });
    expect(
      (await request({ method: 'GET', url: '/api/me/coupons?status=lost', headers: bearer(someone.token) })).status,
    ).toBe(400);
  });
});
