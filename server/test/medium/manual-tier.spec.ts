import { Clock } from '../../src/common/clock';
import { ReconcileService } from '../../src/modules/ledger/reconcile.service';
import { insertMember, memberToken, scalar, scannedCheckoutToken, startTillApp, stopTillApp } from './fixtures';
import { TEST_DB, type TestApp, type TestDatabase } from './test-app';

jest.setTimeout(120_000);

const DAY = 24 * 60 * 60 * 1000;
/** A Tuesday, no member day: a 普通 member pays the full price, a 金卡 member 8折. */
const SET_AT = Date.parse('2026-11-03T12:00:00+08:00');
const UNTIL = SET_AT + 10 * DAY;

/** A manual tier ends at its date (DOMAIN §7), at the till and on the member's page, not when the monthly batch runs. */
describe(`a manual tier past its end on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;
  let clock: Clock;
  let cashier: string;
  let admin: string;
  let storeId: string;

  beforeAll(async () => {
    ({ db, app, clock, cashier, admin, storeId } = await startTillApp());
  });

  afterAll(() => stopTillApp({ db, app, clock }));

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const lines = [{ sku: 'A', name: '衬衫', unitPriceFen: 10000, quantity: 1 }];

  it('no longer applies at quote, purchase and GET /api/me; the purchase ends it, recorded and audited', async () => {
    await clock.setNow(SET_AT);
    const member = await insertMember(app.huika.dataSource);
    const set = await app.request({
      method: 'PUT',
      url: `/api/admin/members/${member.id}/tier`,
      headers: auth(admin),
      payload: { tierCode: 'gold', until: new Date(UNTIL).toISOString(), reason: '大客户试用' },
    });
    expect(set.status).toBe(200);
    const token = await memberToken(app, member);
    const me = async () =>
      (await app.request({ method: 'GET', url: '/api/me', headers: auth(token) })).body as {
        tier: { code: string; discountPercent: number };
      };
    expect((await me()).tier).toMatchObject({ code: 'gold', discountPercent: 80 });

    // A day past its end; the monthly batch has not run.
    await clock.setNow(UNTIL + DAY);
    expect((await me()).tier).toMatchObject({ code: 'normal', discountPercent: 100 });
    const checkoutToken = await scannedCheckoutToken(app, cashier, member);
    const quote = await app.request({
      method: 'POST',
      url: '/api/pos/quotes',
      headers: auth(cashier),
      payload: { checkoutToken, lines },
    });
    expect(quote).toMatchObject({ status: 200, body: { totals: { discountFen: 0, payableFen: 10000 } } });
    const purchase = await app.request({
      method: 'POST',
      url: '/api/pos/purchases',
      headers: { ...auth(cashier), 'idempotency-key': 'manual-tier-1' },
      payload: { checkoutToken, storeId, receiptNo: 'MT1', lines },
    });
    expect(purchase).toMatchObject({
      status: 201,
      body: { totals: { discountFen: 0, payableFen: 10000 }, pointsEarned: 100, tier: { code: 'normal' } },
    });
    const purchaseId = (purchase.body as { id: string }).id;

    const row = (await app.huika.dataSource.query('SELECT tier_code, tier_manual_until FROM members WHERE id = ?', [
      member.id,
    ])) as { tier_code: string; tier_manual_until: unknown }[];
    expect(row[0]).toMatchObject({ tier_code: 'normal', tier_manual_until: null });
    const history = (await app.huika.dataSource.query(
      'SELECT from_tier, to_tier, reason, ref_id FROM tier_history WHERE member_id = ? ORDER BY created_at, id',
      [member.id],
    )) as { from_tier: string; to_tier: string; reason: string; ref_id: string | null }[];
    expect(history).toEqual([
      { from_tier: 'normal', to_tier: 'gold', reason: 'manual', ref_id: null },
      { from_tier: 'gold', to_tier: 'normal', reason: 'manual-ended', ref_id: purchaseId },
    ]);
    const recorded = (await app.huika.dataSource.query('SELECT tier_before, tier_after FROM purchases WHERE id = ?', [
      purchaseId,
    ])) as { tier_before: string; tier_after: string }[];
    expect(recorded).toEqual([{ tier_before: 'normal', tier_after: 'normal' }]);
    expect(
      await scalar(
        app.huika.dataSource,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'member.tier.manual_ended' AND target_id = ?",
        [member.id],
      ),
    ).toBe(1);

    // The batch finds nothing left to end.
    const batch = await app.request({
      method: 'POST',
      url: '/api/dev/evaluate-tiers',
      headers: auth(admin),
      payload: {},
    });
    expect(batch).toMatchObject({ status: 200, body: { manualEnded: 0 } });
    expect((await app.huika.app.get(ReconcileService).run()).differences).toEqual([]);
  });
});
