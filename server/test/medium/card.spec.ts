import type { StaffAuth } from '../../src/common/auth.types';
import { Clock } from '../../src/common/clock';
import { Transactions } from '../../src/common/transactions';
import { CardCodeService } from '../../src/modules/card/card-code.service';
import { CheckoutTokenService } from '../../src/modules/card/checkout-token.service';
import { DevSmsProvider, SMS_PROVIDER } from '../../src/modules/identity/sms.provider';
import { insertMember, memberToken, scalar } from './fixtures';
import {
  bearer,
  joinedMember,
  type JoinedMember,
  type MembershipHarness,
  patchProgram,
  staffHeaders,
  startMembershipApp,
} from './members.helpers';
import { TEST_DB } from './test-app';

jest.setTimeout(180_000);

interface ScanBody {
  checkoutToken: string;
  member: { id: string; cardNo: string; phoneMasked: string; points: number; tier: { code: string } };
}

describe(`the member card and the till on ${TEST_DB}`, () => {
  let harness: MembershipHarness;
  let clock: Clock;
  let cardCodes: CardCodeService;
  let checkoutTokens: CheckoutTokenService;
  let transactions: Transactions;
  let cashier: Record<string, string>;
  let cashierAuth: StaffAuth;

  beforeAll(async () => {
    harness = await startMembershipApp();
    clock = harness.app.huika.app.get(Clock);
    cardCodes = harness.app.huika.app.get(CardCodeService);
    checkoutTokens = harness.app.huika.app.get(CheckoutTokenService);
    transactions = harness.app.huika.app.get(Transactions);
    cashier = await staffHeaders(harness.app, 'cashier');
    const rows = (await harness.app.huika.dataSource.query(
      "SELECT id, store_id FROM staff WHERE username = 'cashier'",
    )) as {
      id: string;
      store_id: string;
    }[];
    cashierAuth = {
      kind: 'staff',
      staffId: rows[0]!.id,
      role: 'cashier',
      storeId: rows[0]!.store_id,
      sessionVersion: 0,
    };
  });

  afterAll(async () => {
    await clock.reset();
    await harness.close();
  });

  const request = (...args: Parameters<MembershipHarness['app']['request']>) => harness.app.request(...args);
  const dataSource = () => harness.app.huika.dataSource;

  async function cardCode(member: {
    token: string;
  }): Promise<{ code: string; expiresAt: string; refreshInSeconds: number }> {
    const response = await request({ method: 'GET', url: '/api/me/card-code', headers: bearer(member.token) });
    if (response.status !== 200) throw new Error(`card code: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { code: string; expiresAt: string; refreshInSeconds: number };
  }

  const scan = (payload: Record<string, string>, headers = cashier) =>
    request({ method: 'POST', url: '/api/pos/scan', headers, payload });

  describe('the dynamic code', () => {
    let member: JoinedMember;
    beforeAll(async () => {
      member = await joinedMember(harness);
    });

    it('is signed, short-lived and does not contain the card number', async () => {
      const issued = await cardCode(member);
      expect(issued.code).toMatch(/^HK1\.\d+\.[A-Za-z0-9_-]+\.\d+\.\d+\.[A-Za-z0-9_-]{22}$/);
      expect(issued.code).not.toContain(member.cardNo);
      expect(issued.code).not.toContain(member.id);
      expect(issued.refreshInSeconds).toBeGreaterThanOrEqual(1);
      expect(issued.refreshInSeconds).toBeLessThanOrEqual(30);
      const lifetime = Date.parse(issued.expiresAt) - clock.now();
      expect(lifetime).toBeGreaterThan(30_000);
      expect(lifetime).toBeLessThanOrEqual(60_000);
    });

    it('lets a cashier find the member, masked, with a checkout token for that cashier and store only', async () => {
      const { code } = await cardCode(member);
      const found = await scan({ code });
      expect(found).toMatchObject({
        status: 200,
        body: {
          member: {
            id: member.id,
            cardNo: member.cardNo,
            name: '王小明',
            phoneMasked: `${member.phone.slice(0, 3)}****${member.phone.slice(-4)}`,
            tier: { code: 'normal' },
            points: 0,
            balanceFen: 0,
            // The demo program's join gift (DOMAIN §1), usable at this till.
            coupons: [
              { name: '¥10 入会礼券', kind: 'cashOff', valueFen: 1000, minSpendFen: 5000, status: 'available' },
            ],
          },
        },
      });
      const { checkoutToken } = found.body as ScanBody;
      const claims = await checkoutTokens.verify(checkoutToken, cashierAuth);
      expect(claims).toEqual({
        memberId: member.id,
        cardCodeHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        scannedCode: { memberId: member.id, ref: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/), seq: 0 },
      });
      await expect(
        checkoutTokens.verify(checkoutToken, { ...cashierAuth, staffId: 'another-cashier' }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(
        checkoutTokens.verify(checkoutToken, { ...cashierAuth, storeId: 'another-store' }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(checkoutTokens.verify('not-a-token', cashierAuth)).rejects.toMatchObject({
        code: 'CHECKOUT_TOKEN_INVALID',
      });
      // The checkout token is no bearer token, nor the other way round.
      expect((await request({ method: 'GET', url: '/api/me', headers: bearer(checkoutToken) })).status).toBe(401);
      await expect(checkoutTokens.verify(member.token, cashierAuth)).rejects.toMatchObject({
        code: 'CHECKOUT_TOKEN_INVALID',
      });
      await clock.setNow(clock.now() + 10 * 60_000 + 5_000);
      await expect(checkoutTokens.verify(checkoutToken, cashierAuth)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
      await clock.reset();
    });

    it('is accepted one step back, refused two steps back or with a bad signature', async () => {
      const { code } = await cardCode(member);
      await clock.setNow(clock.now() + 30_000);
      expect((await scan({ code })).status).toBe(200);
      await clock.setNow(clock.now() + 30_000);
      expect(await scan({ code })).toMatchObject({ status: 401, body: { code: 'CARD_CODE_EXPIRED' } });
      await clock.reset();
      const fresh = (await cardCode(member)).code;
      const tampered = `${fresh.slice(0, -1)}${fresh.endsWith('A') ? 'B' : 'A'}`;
      expect(await scan({ code: tampered })).toMatchObject({ status: 401, body: { code: 'CARD_CODE_EXPIRED' } });
      expect(await scan({ code: 'garbage' })).toMatchObject({ status: 401, body: { code: 'CARD_CODE_EXPIRED' } });
      // Someone else's sequence number with a valid-looking layout but the wrong signature.
      const parts = fresh.split('.');
      parts[3] = String(Number(parts[3]) + 1);
      expect(await scan({ code: parts.join('.') })).toMatchObject({ status: 401, body: { code: 'CARD_CODE_EXPIRED' } });
    });

    it('is single-use once a purchase is posted with it, and the next code is fresh at once', async () => {
      const { code } = await cardCode(member);
      const scanned = (await scan({ code })).body as ScanBody;
      const { cardCodeHash } = await checkoutTokens.verify(scanned.checkoutToken, cashierAuth);
      expect(cardCodeHash).not.toBeNull();
      await transactions.run((tx) => cardCodes.markUsed(tx, cardCodeHash!));
      expect(await scan({ code })).toMatchObject({ status: 401, body: { code: 'CARD_CODE_USED' } });
      await expect(transactions.run((tx) => cardCodes.markUsed(tx, cardCodeHash!))).rejects.toMatchObject({
        code: 'CARD_CODE_USED',
      });
      const next = await cardCode(member);
      expect(next.code).not.toBe(code);
      const again = (await scan({ code: next.code })).body as ScanBody;
      expect(again.member.id).toBe(member.id);
      // Purchases racing with one code, as checkout marks it (with the token's reference and sequence,
      // no look-up): exactly one marks it used.
      const claims = await checkoutTokens.verify(again.checkoutToken, cashierAuth);
      const hash = claims.cardCodeHash!;
      expect(claims.scannedCode).toMatchObject({ memberId: member.id, seq: 1 });
      const results = await Promise.allSettled(
        [1, 2, 3].map(() => transactions.run((tx) => cardCodes.markUsed(tx, hash, claims.scannedCode))),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(r.reason).toMatchObject({ code: 'CARD_CODE_USED' });
      }
      // A rolled-back purchase leaves the code usable.
      const third = await cardCode(member);
      const thirdHash = (
        await checkoutTokens.verify(((await scan({ code: third.code })).body as ScanBody).checkoutToken, cashierAuth)
      ).cardCodeHash!;
      await expect(
        transactions.run(async (tx) => {
          await cardCodes.markUsed(tx, thirdHash);
          throw new Error('the purchase failed');
        }),
      ).rejects.toThrow('the purchase failed');
      expect((await scan({ code: third.code })).status).toBe(200);
    });

    it('survives a key rotation: codes of the previous key stay valid, older keys are retired', async () => {
      const { code } = await cardCode(member);
      await cardCodes.rotateKey();
      expect((await scan({ code })).status).toBe(200);
      const afterRotation = await cardCode(member);
      expect(afterRotation.code.split('.')[1]).not.toBe(code.split('.')[1]);
      expect((await scan({ code: afterRotation.code })).status).toBe(200);
      await cardCodes.rotateKey();
      expect(await scan({ code })).toMatchObject({ status: 401, body: { code: 'CARD_CODE_EXPIRED' } });
      expect((await scan({ code: afterRotation.code })).status).toBe(200);
    });

    it('works for members who joined before card codes existed', async () => {
      const legacy = await insertMember(dataSource());
      const token = await memberToken(harness.app, legacy);
      const { code } = await cardCode({ token });
      expect(await scan({ code })).toMatchObject({
        status: 200,
        body: { member: { id: legacy.id, phoneMasked: null } },
      });
    });
  });

  describe('the manual fallback and the guards', () => {
    it('finds the member by card number and the last 4 digits of the phone', async () => {
      const member = await joinedMember(harness);
      const found = await scan({ cardNo: member.cardNo, phoneLast4: member.phone.slice(-4) });
      expect(found).toMatchObject({ status: 200, body: { member: { id: member.id } } });
      const claims = await checkoutTokens.verify((found.body as ScanBody).checkoutToken, cashierAuth);
      expect(claims).toEqual({ memberId: member.id, cardCodeHash: null, scannedCode: null });
    });

    it('locks a card after 5 wrong phone digits in a row', async () => {
      const member = await joinedMember(harness);
      const right = member.phone.slice(-4);
      const wrong = String((Number(right) + 1) % 10000).padStart(4, '0');
      for (let attempt = 1; attempt <= 4; attempt += 1) {
        expect(await scan({ cardNo: member.cardNo, phoneLast4: wrong })).toMatchObject({
          status: 404,
          body: { code: 'CARD_NOT_FOUND' },
        });
      }
      // A right one in between starts the count again.
      expect((await scan({ cardNo: member.cardNo, phoneLast4: right })).status).toBe(200);
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        expect((await scan({ cardNo: member.cardNo, phoneLast4: wrong })).status).toBe(404);
      }
      const locked = await scan({ cardNo: member.cardNo, phoneLast4: right });
      expect(locked).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      // The dynamic code still works: it proves the member is at the till.
      expect((await scan({ code: (await cardCode(member)).code })).status).toBe(200);
    });

    it('refuses unknown cards, lapsed cards and the wrong callers', async () => {
      expect(await scan({ cardNo: '800000000000', phoneLast4: '1234' })).toMatchObject({
        status: 404,
        body: { code: 'CARD_NOT_FOUND' },
      });
      expect(await scan({ cardNo: '12', phoneLast4: '1234' })).toMatchObject({
        status: 400,
        body: { code: 'VALIDATION_FAILED' },
      });
      expect(await scan({ code: 'x', cardNo: '800000000000' })).toMatchObject({ status: 400 });
      const member = await joinedMember(harness);
      await dataSource().query('UPDATE members SET card_valid_until = ? WHERE id = ?', [clock.now() - 1000, member.id]);
      expect(await scan({ code: (await cardCode(member)).code })).toMatchObject({
        status: 403,
        body: { code: 'CARD_LAPSED' },
      });
      const memberAtTill = await scan({ code: (await cardCode(member)).code }, bearer(member.token));
      expect(memberAtTill.status).toBe(403);
      const staffAsMember = await request({ method: 'GET', url: '/api/me/card-code', headers: cashier });
      expect(staffAsMember.status).toBe(403);
      for (const role of ['manager', 'admin'] as const) {
        const other = await joinedMember(harness);
        expect((await scan({ code: (await cardCode(other)).code }, await staffHeaders(harness.app, role))).status).toBe(
          200,
        );
      }
      expect(await scalar(dataSource(), "SELECT COUNT(*) FROM audit_log WHERE action = 'member.scan'")).toBeGreaterThan(
        0,
      );
    });
    it('lapses a card at its end date, and none while the program says cards never lapse', async () => {
      const member = await joinedMember(harness);
      const until = clock.now() + 60_000;
      await dataSource().query('UPDATE members SET card_valid_until = ? WHERE id = ?', [until, member.id]);
      // The clock keeps running after setNow: seconds of margin on the valid side, none on the lapsed side.
      await clock.setNow(until - 5_000);
      expect((await scan({ code: (await cardCode(member)).code })).body).toMatchObject({ lookup: 'code' });
      await clock.setNow(until);
      expect(await scan({ code: (await cardCode(member)).code })).toMatchObject({
        status: 403,
        body: { code: 'CARD_LAPSED' },
      });
      const validityMonths = (
        JSON.parse(
          ((await dataSource().query('SELECT config FROM program_config WHERE id = 1')) as { config: string }[])[0]
            ?.config ?? '{}',
        ) as { card: { validityMonths: number | null } }
      ).card.validityMonths;
      await patchProgram(dataSource(), (config) => {
        config.card.validityMonths = null;
      });
      try {
        expect((await scan({ code: (await cardCode(member)).code })).status).toBe(200);
      } finally {
        await patchProgram(dataSource(), (config) => {
          config.card.validityMonths = validityMonths;
        });
      }
    });
  });

  describe('a manual lookup earns only', () => {
    const basket = [{ sku: 'SKU-M', name: '围巾', unitPriceFen: 10_000, quantity: 1 }];
    let receipts = 0;
    const quote = (checkoutToken: string, extra: Record<string, unknown> = {}) =>
      request({
        method: 'POST',
        url: '/api/pos/quotes',
        headers: cashier,
        payload: { checkoutToken, lines: basket, ...extra },
      });
    const purchase = (checkoutToken: string, extra: Record<string, unknown> = {}) =>
      request({
        method: 'POST',
        url: '/api/pos/purchases',
        headers: { ...cashier, 'idempotency-key': `manual-${Math.random()}` },
        payload: {
          checkoutToken,
          storeId: cashierAuth.storeId,
          receiptNo: `M-${Date.now()}-${(receipts += 1)}`,
          lines: basket,
          ...extra,
        },
      });

    it('refuses points, coupons and stored value after a card-number lookup, and posts the earning', async () => {
      const member = await joinedMember(harness);
      // Points to spend, earned at an earlier visit with the dynamic code.
      await dataSource().query('UPDATE members SET points_balance = 500 WHERE id = ?', [member.id]);
      const manual = await scan({ cardNo: member.cardNo, phoneLast4: member.phone.slice(-4) });
      expect(manual).toMatchObject({ status: 200, body: { lookup: 'manual' } });
      const { checkoutToken, member: atTill } = manual.body as ScanBody & { member: { coupons: { id: string }[] } };
      const couponId = atTill.coupons[0]?.id;
      expect(couponId).toBeDefined();

      for (const spend of [{ pointsToUse: 100 }, { couponIds: [couponId] }]) {
        expect(await quote(checkoutToken, spend)).toMatchObject({
          status: 403,
          body: { code: 'SPEND_NEEDS_CARD_CODE' },
        });
        expect(await purchase(checkoutToken, spend)).toMatchObject({
          status: 403,
          body: { code: 'SPEND_NEEDS_CARD_CODE' },
        });
      }
      for (const call of [quote, purchase]) {
        expect(await call(checkoutToken, { payWithBalanceFen: 100 })).toMatchObject({
          status: 403,
          body: { code: 'BALANCE_NEEDS_CARD_CODE' },
        });
      }
      // Nothing was written: no purchase, the points and the coupon are where they were.
      expect(await scalar(dataSource(), 'SELECT COUNT(*) FROM purchases WHERE member_id = ?', [member.id])).toBe(0);
      expect(await scalar(dataSource(), 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(500);
      expect(
        await scalar(dataSource(), "SELECT COUNT(*) FROM coupons WHERE id = ? AND status = 'available'", [couponId]),
      ).toBe(1);

      // The same checkout earns.
      expect(await quote(checkoutToken)).toMatchObject({ status: 200, body: { totals: { payableFen: 10_000 } } });
      const earned = await purchase(checkoutToken);
      expect(earned).toMatchObject({ status: 201, body: { pointsSpent: 0, totals: { couponFen: 0 } } });
      expect((earned.body as { pointsEarned: number }).pointsEarned).toBeGreaterThan(0);

      // The dynamic code from the member's phone spends them.
      const scanned = await scan({ code: (await cardCode(member)).code });
      expect(scanned).toMatchObject({ status: 200, body: { lookup: 'code' } });
      const spent = await quote((scanned.body as ScanBody).checkoutToken, { couponIds: [couponId], pointsToUse: 100 });
      expect(spent).toMatchObject({ status: 200, body: { pointsSpent: 100 } });
      expect((spent.body as { totals: { couponFen: number } }).totals.couponFen).toBeGreaterThan(0);
    });
  });

  describe('reissue', () => {
    const sms = () => harness.app.huika.app.get<DevSmsProvider>(SMS_PROVIDER);

    it('gives a new card number after a fresh SMS code; the old number and codes are dead, the rest carries over', async () => {
      const member = await joinedMember(harness);
      await dataSource().query('UPDATE members SET points_balance = 0 WHERE id = ?', [member.id]);
      const oldCode = (await cardCode(member)).code;
      // A checkout started with the old card, still open when the card is reissued.
      const open = await checkoutTokens.verify(
        ((await scan({ code: oldCode })).body as ScanBody).checkoutToken,
        cashierAuth,
      );
      const headers = bearer(member.token);
      expect(
        (await request({ method: 'POST', url: '/api/auth/sms/send', payload: { phone: member.phone } })).status,
      ).toBe(200);
      const code = sms().lastCodeFor(member.phone) ?? '';

      const wrongPhone = await request({
        method: 'POST',
        url: '/api/me/card/reissue',
        headers,
        payload: { phone: '13000000000', code },
      });
      expect(wrongPhone).toMatchObject({ status: 403, body: { code: 'PHONE_MISMATCH' } });
      const wrongCode = await request({
        method: 'POST',
        url: '/api/me/card/reissue',
        headers,
        payload: { phone: member.phone, code: code === '000000' ? '000001' : '000000' },
      });
      expect(wrongCode).toMatchObject({ status: 401, body: { code: 'SMS_CODE_INVALID' } });

      const reissued = await request({
        method: 'POST',
        url: '/api/me/card/reissue',
        headers,
        payload: { phone: member.phone, code },
      });
      expect(reissued).toMatchObject({ status: 200, body: { id: member.id, tier: { code: 'normal' } } });
      const newCardNo = (reissued.body as { cardNo: string }).cardNo;
      expect(newCardNo).not.toBe(member.cardNo);
      const last4 = member.phone.slice(-4);
      expect(await scan({ cardNo: member.cardNo, phoneLast4: last4 })).toMatchObject({
        status: 404,
        body: { code: 'CARD_NOT_FOUND' },
      });
      expect(await scan({ code: oldCode })).toMatchObject({ status: 404, body: { code: 'CARD_NOT_FOUND' } });
      // Its purchase cannot use the old code, whether checkout marks it by reference or looks it up.
      for (const scanned of [open.scannedCode, null]) {
        await expect(
          transactions.run((tx) => cardCodes.markUsed(tx, open.cardCodeHash!, scanned)),
        ).rejects.toMatchObject({ code: 'CARD_CODE_EXPIRED' });
      }
      expect(await scan({ cardNo: newCardNo, phoneLast4: last4 })).toMatchObject({
        status: 200,
        body: { member: { id: member.id } },
      });
      expect((await scan({ code: (await cardCode(member)).code })).status).toBe(200);
      const audit = (await dataSource().query(
        "SELECT `before`, `after` FROM audit_log WHERE action = 'member.card_reissue' AND target_id = ?",
        [member.id],
      )) as { before: string; after: string }[];
      expect(audit.map((a) => [JSON.parse(a.before), JSON.parse(a.after)])).toEqual([
        [{ cardNo: member.cardNo }, { cardNo: newCardNo }],
      ]);
      // The code is spent.
      const replay = await request({
        method: 'POST',
        url: '/api/me/card/reissue',
        headers,
        payload: { phone: member.phone, code },
      });
      expect(replay).toMatchObject({ status: 401, body: { code: 'SMS_CODE_INVALID' } });
    });
  });
});
