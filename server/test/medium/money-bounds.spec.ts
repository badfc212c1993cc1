import { MAX_BASKET_FEN } from '@huika/shared';
import fc from 'fast-check';
import mysql2 from 'mysql2';
import { insertMember, memberToken, scalar, scannedCheckoutToken, staffToken } from './fixtures';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase } from './test-app';

jest.setTimeout(300_000);

const MAX_UNIT_FEN = 1_000_000_000;
const MAX_QUANTITY = 10_000;

interface Line {
  sku: string;
  name: string;
  unitPriceFen: number;
  quantity: number;
}

/** Baskets within the contract's bounds, most of them at or next to a bound. */
const basketWithinBounds = fc
  .array(
    fc.record({
      unitPriceFen: fc.oneof(fc.constant(MAX_UNIT_FEN), fc.integer({ min: 0, max: MAX_UNIT_FEN })),
      quantity: fc.oneof(fc.constantFrom(1, 10, MAX_QUANTITY), fc.integer({ min: 1, max: MAX_QUANTITY })),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((lines) => {
    // Each line is cut to what is left of the basket's bound, so the basket ends at or below it.
    let left = MAX_BASKET_FEN;
    return lines.map((line, i): Line => {
      const quantity = Math.max(1, Math.min(line.quantity, Math.floor(left / Math.max(1, line.unitPriceFen))));
      const unitPriceFen = Math.min(line.unitPriceFen, Math.floor(left / quantity));
      left -= unitPriceFen * quantity;
      return { sku: `SKU-${i}`, name: `商品${i}`, unitPriceFen, quantity };
    });
  });

/**
 * A server whose MariaDB default is not strict: every connection of its pool starts with an empty sql_mode,
 * as on a server configured so. The server must make its own sessions strict.
 */
function laxServerDefault(): jest.SpyInstance {
  const createPool = mysql2.createPool.bind(mysql2);
  return jest.spyOn(mysql2, 'createPool').mockImplementation(((config: mysql2.PoolOptions) => {
    const pool = createPool(config);
    pool.prependListener('connection', (connection) => {
      connection.query("SET SESSION sql_mode = ''");
    });
    return pool;
  }) as typeof mysql2.createPool);
}

const variants: { name: string; lax: boolean }[] =
  TEST_DB === 'mysql'
    ? [
        { name: 'a strict server default', lax: false },
        { name: 'a non-strict server default', lax: true },
      ]
    : [{ name: 'SQLite', lax: false }];

describe.each(variants)(`money at the contract's bounds on ${TEST_DB}, with $name`, ({ lax }) => {
  let db: TestDatabase;
  let app: TestApp;
  let spy: jest.SpyInstance | undefined;
  let cashier: string;
  let storeId: string;
  let receipt = 0;

  beforeAll(async () => {
    if (lax) spy = laxServerDefault();
    db = await freshDatabase();
    app = await startTestApp(db.config);
    cashier = await staffToken(app, 'cashier');
    storeId = String(
      ((await app.huika.dataSource.query("SELECT id FROM stores WHERE code = 'S001'")) as { id: string }[])[0]?.id,
    );
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
    spy?.mockRestore();
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  const checkoutToken = (member: { id: string; openid: string }) => scannedCheckoutToken(app, cashier, member);

  function purchase(token: string, lines: Line[]) {
    receipt += 1;
    return app.request({
      method: 'POST',
      url: '/api/pos/purchases',
      headers: { ...auth(cashier), 'idempotency-key': `bounds-${receipt}` },
      payload: { checkoutToken: token, storeId, receiptNo: `B-${receipt}`, lines },
    });
  }

  it('stores and answers every basket the contract accepts exactly', async () => {
    if (lax) {
      const sessions = (await app.huika.dataSource.query('SELECT @@SESSION.sql_mode AS mode')) as { mode: string }[];
      expect(sessions[0]?.mode).toBe('');
    }
    const member = await insertMember(app.huika.dataSource);
    const headers = auth(await memberToken(app, member));
    let pointsEarned = 0;
    await fc.assert(
      fc.asyncProperty(basketWithinBounds, async (lines) => {
        const grossFen = lines.reduce((sum, l) => sum + l.unitPriceFen * l.quantity, 0);
        const bought = await purchase(await checkoutToken(member), lines);
        expect(bought.status).toBe(201);
        const body = bought.body as {
          id: string;
          totals: Record<string, number>;
          pointsEarned: number;
          pointsBalance: number;
        };
        expect(body.totals.grossFen).toBe(grossFen);
        pointsEarned += body.pointsEarned;
        expect(body.pointsBalance).toBe(pointsEarned);

        const stored = (await app.huika.dataSource.query(
          'SELECT gross_fen, discount_fen, payable_fen, paid_fen, points_earned FROM purchases WHERE id = ?',
          [body.id],
        )) as Record<string, number | string>[];
        expect(stored.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])))).toEqual([
          {
            gross_fen: body.totals.grossFen,
            discount_fen: body.totals.discountFen,
            payable_fen: body.totals.payableFen,
            paid_fen: body.totals.payableFen,
            points_earned: body.pointsEarned,
          },
        ]);
        expect(
          await scalar(app.huika.dataSource, 'SELECT SUM(gross_fen) FROM purchase_lines WHERE purchase_id = ?', [
            body.id,
          ]),
        ).toBe(grossFen);
        const history = await app.request({ method: 'GET', url: '/api/me/purchases?limit=1', headers });
        expect(history.body).toMatchObject({ items: [{ id: body.id, totals: body.totals }] });
        expect(await scalar(app.huika.dataSource, 'SELECT points_balance FROM members WHERE id = ?', [member.id])).toBe(
          pointsEarned,
        );
      }),
      { numRuns: 12 },
    );
  });

  it('answers 400 VALIDATION_FAILED for a line or a basket beyond the bounds, and stores nothing', async () => {
    const member = await insertMember(app.huika.dataSource);
    const token = await checkoutToken(member);
    const before = await scalar(app.huika.dataSource, 'SELECT COUNT(*) FROM purchases');
    const beyond: Line[][] = [
      [{ sku: 'A', name: '超大单', unitPriceFen: MAX_UNIT_FEN, quantity: MAX_QUANTITY }],
      [
        { sku: 'A', name: '整单', unitPriceFen: MAX_UNIT_FEN, quantity: 10 },
        { sku: 'B', name: '多一分', unitPriceFen: 1, quantity: 1 },
      ],
      [{ sku: 'A', name: '单价超限', unitPriceFen: MAX_UNIT_FEN + 1, quantity: 1 }],
    ];
    for (const lines of beyond) {
      const bought = await purchase(token, lines);
      expect(bought).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      const quoted = await app.request({
        method: 'POST',
        url: '/api/pos/quotes',
        headers: auth(cashier),
        payload: { checkoutToken: token, lines },
      });
      expect(quoted).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }
    expect(await scalar(app.huika.dataSource, 'SELECT COUNT(*) FROM purchases')).toBe(before);
  });
});
