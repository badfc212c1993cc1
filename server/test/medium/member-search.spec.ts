import { newId } from '../../src/common/ids';
import { PhoneVault } from '../../src/modules/identity/phone-vault';
import { staffToken, storeIdOf } from './fixtures';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase } from './test-app';

jest.setTimeout(300_000);

interface Seeded {
  id: string;
  cardNo: string;
  name: string;
  phone: string;
  createdAt: number;
}

interface ListBody {
  items: { id: string; cardNo: string; name: string; phoneMasked: string | null; points: number }[];
  nextCursor: string | null;
}

const DAY = 86_400_000;
/** 2026-03-10 00:00 in Asia/Shanghai, the demo program's zone. */
const BASE = Date.parse('2026-03-10T00:00:00+08:00');

describe(`member search on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;
  let admin: string;
  let manager: string;
  let cashier: string;
  let homeStore: string;
  let otherStore: string;
  let serial = 0;
  const seeded: Seeded[] = [];

  async function insert(overrides: {
    name?: string;
    tier?: string;
    storeId?: string | null;
    scene?: string | null;
    createdAt?: number;
    lastPurchaseAt?: number | null;
    points?: number;
    birthday?: string | null;
  }): Promise<Seeded> {
    serial += 1;
    const vault = app.huika.app.get(PhoneVault);
    const phone = `137${String(serial).padStart(8, '0')}`;
    const protectedPhone = await vault.protect(phone);
    const id = newId();
    const cardNo = `8${String(serial).padStart(11, '0')}`;
    const name = overrides.name ?? `会员${serial}`;
    const createdAt = overrides.createdAt ?? BASE + serial * 1000;
    await app.huika.dataSource.query(
      `INSERT INTO members (id, card_no, openid, phone_hash, phone_enc, phone_last4, name, birthday, tier_code,
         points_balance, points_pending, balance_fen, status, join_scene, last_purchase_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 'active', ?, ?, ?, ?)`,
      [
        id,
        cardNo,
        `o-search-${id}`,
        protectedPhone.phoneHash,
        protectedPhone.phoneEnc,
        protectedPhone.phoneLast4,
        name,
        overrides.birthday ?? null,
        overrides.tier ?? 'normal',
        overrides.points ?? 0,
        overrides.scene ?? null,
        overrides.lastPurchaseAt ?? null,
        createdAt,
        createdAt,
      ],
    );
    if (overrides.storeId !== null) {
      await app.huika.dataSource.query(
        `INSERT INTO member_joins (member_id, channel, scene, store_id, consent_version, consented_at, created_at)
         VALUES (?, 'wechat', ?, ?, 'v1', ?, ?)`,
        [id, overrides.scene ?? null, overrides.storeId ?? otherStore, createdAt, createdAt],
      );
    }
    const member = { id, cardNo, name, phone, createdAt };
    seeded.push(member);
    return member;
  }

  async function list(token: string, query: Record<string, string | number>) {
    const search = new URLSearchParams(
      Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return app.request({
      method: 'GET',
      url: `/api/admin/members?${search}`,
      headers: { authorization: `Bearer ${token}` },
    });
  }

  async function ids(query: Record<string, string | number>, token = admin): Promise<string[]> {
    const response = await list(token, { limit: 100, ...query });
    expect(response.status).toBe(200);
    return (response.body as ListBody).items.map((item) => item.id);
  }

  let alice: Seeded;
  let bob: Seeded;
  let carol: Seeded;
  let dave: Seeded;

  beforeAll(async () => {
    db = await freshDatabase();
    app = await startTestApp(db.config);
    admin = await staffToken(app, 'admin');
    manager = await staffToken(app, 'manager');
    cashier = await staffToken(app, 'cashier');
    homeStore = await storeIdOf(app.huika.dataSource, 'S001');
    otherStore = newId();
    alice = await insert({
      name: '艾丽丝',
      tier: 'silver',
      storeId: homeStore,
      scene: 'POSTER1',
      createdAt: BASE + 2 * DAY,
      lastPurchaseAt: BASE + 20 * DAY,
      points: 1500,
      birthday: '1990-05-20',
    });
    bob = await insert({
      name: '鲍勃',
      storeId: otherStore,
      createdAt: BASE + 5 * DAY,
      lastPurchaseAt: BASE + 6 * DAY,
      points: 200,
      birthday: '1985-11-02',
    });
    carol = await insert({ name: '艾米', tier: 'silver', storeId: otherStore, createdAt: BASE + 40 * DAY, points: 80 });
    dave = await insert({ name: '100%_会员', storeId: null, createdAt: BASE - 10 * DAY, birthday: '2000-05-01' });
  });
  afterAll(async () => {
    await app?.close();
    await db.drop();
  });

  it('finds a member by exact phone, showing it masked, and only that member', async () => {
    const response = await list(admin, { q: bob.phone });
    expect(response.status).toBe(200);
    const body = response.body as ListBody;
    expect(body.items).toEqual([
      expect.objectContaining({
        id: bob.id,
        cardNo: bob.cardNo,
        phoneMasked: `${bob.phone.slice(0, 3)}****${bob.phone.slice(-4)}`,
      }),
    ]);
    expect(body.nextCursor).toBeNull();
  });

  it('finds by card number, by name prefix (wildcards literal) and by invite code', async () => {
    expect(await ids({ q: carol.cardNo })).toEqual([carol.id]);
    expect((await ids({ q: '艾' })).sort()).toEqual([alice.id, carol.id].sort());
    expect(await ids({ q: '100%_' })).toEqual([dave.id]);
    expect(await ids({ q: '100_' })).toEqual([]);
    await app.huika.dataSource.query(
      "INSERT INTO scenes (code, kind, target_id, created_by_kind, created_by, created_at) VALUES ('INVDAVE', 'referrer', ?, 'member', ?, ?)",
      [dave.id, dave.id, BASE],
    );
    expect(await ids({ inviteCode: 'INVDAVE' })).toEqual([dave.id]);
  });

  it('filters by tier, store, scene, join days, last purchase, points and birthday month, combined', async () => {
    expect((await ids({ tier: 'silver' })).sort()).toEqual([alice.id, carol.id].sort());
    expect(await ids({ storeId: homeStore })).toEqual([alice.id]);
    expect(await ids({ scene: 'POSTER1' })).toEqual([alice.id]);
    expect(await ids({ joinedFrom: '2026-03-12', joinedTo: '2026-03-15' })).toEqual([bob.id, alice.id]);
    expect(await ids({ joinedFrom: '2026-03-12', joinedTo: '2026-03-12' })).toEqual([alice.id]);
    expect(await ids({ lastPurchaseBefore: '2026-03-20' })).toEqual([bob.id]);
    expect(await ids({ lastPurchaseFrom: '2026-03-20' })).toEqual([alice.id]);
    expect(await ids({ pointsMin: 100, pointsMax: 1000 })).toEqual([bob.id]);
    expect((await ids({ birthdayMonth: 5 })).sort()).toEqual([alice.id, dave.id].sort());
    expect(await ids({ tier: 'silver', joinedTo: '2026-03-30' })).toEqual([alice.id]);
    expect(await ids({ tier: 'silver', pointsMax: 100 })).toEqual([carol.id]);
    expect(await ids({ birthdayMonth: 5, storeId: homeStore, q: '艾' })).toEqual([alice.id]);
  });

  it('lets a store manager see only the members who joined at their store', async () => {
    expect(await ids({}, manager)).toEqual([alice.id]);
    expect(await ids({ q: bob.phone }, manager)).toEqual([]);
    expect((await list(manager, { storeId: otherStore })).status).toBe(403);
  });

  it('refuses cashiers', async () => {
    const response = await list(cashier, {});
    expect(response.status).toBe(403);
  });

  it.each([
    [{ limit: 0 }],
    [{ limit: 101 }],
    [{ birthdayMonth: 13 }],
    [{ pointsMin: -1 }],
    [{ pointsMin: 10, pointsMax: 5 }],
    [{ joinedFrom: '2026-13-01' }],
    [{ joinedFrom: '2026-03-02', joinedTo: '2026-03-01' }],
    [{ cursor: 'not a cursor' }],
    [{ cursor: Buffer.from('garbage').toString('base64url') }],
  ])('answers a bad query %j with 400 VALIDATION_FAILED', async (query) => {
    const response = await list(admin, query);
    expect(response.status).toBe(400);
    expect((response.body as { code: string }).code).toBe('VALIDATION_FAILED');
  });

  it('walks every member exactly once, page by page, in join order', async () => {
    // Several members share a join time, so the cursor's tie-break on id is exercised.
    for (let i = 0; i < 230; i += 1) await insert({ createdAt: BASE + 100 * DAY + Math.floor(i / 3) * 1000 });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages += 1) {
      const response = await list(admin, cursor ? { limit: 17, cursor } : { limit: 17 });
      expect(response.status).toBe(200);
      const body = response.body as ListBody;
      seen.push(...body.items.map((item) => item.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seeded.map((member) => member.id).sort());
  });

  it("walks a store's members exactly once, page by page, in join order, for its manager", async () => {
    const joined: Seeded[] = [];
    for (let i = 0; i < 40; i += 1) {
      joined.push(await insert({ storeId: homeStore, createdAt: BASE + 200 * DAY + Math.floor(i / 4) * 1000 }));
    }
    const expected = [...joined, alice]
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .map((member) => member.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const response = await list(manager, cursor ? { limit: 7, cursor } : { limit: 7 });
      expect(response.status).toBe(200);
      const body = response.body as ListBody;
      seen.push(...body.items.map((item) => item.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(expected);
    expect(await ids({ storeId: homeStore, lastPurchaseBefore: '2026-04-01' })).toEqual([alice.id]);
  });

  it('lists a last-purchase search by last purchase, newest first, page by page', async () => {
    const buyers: { id: string; at: number }[] = [];
    for (let i = 0; i < 25; i += 1) {
      // Joined in one order, bought in another: the list must follow the purchases, ties broken by id.
      const createdAt = BASE + 300 * DAY + i * 1000;
      const at = BASE + 400 * DAY + ((i * 7) % 10) * 60_000;
      const member = await insert({ createdAt, lastPurchaseAt: at });
      buyers.push({ id: member.id, at });
    }
    const expected = buyers.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((buyer) => buyer.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    const from = '2027-04-14'; // BASE + 400 days, in the program's zone
    for (let pages = 0; pages < 20; pages += 1) {
      const response = await list(
        admin,
        cursor ? { lastPurchaseFrom: from, limit: 4, cursor } : { lastPurchaseFrom: from, limit: 4 },
      );
      expect(response.status).toBe(200);
      const body = response.body as ListBody;
      seen.push(...body.items.map((item) => item.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(expected);
  });
});
