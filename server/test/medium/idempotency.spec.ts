import { DataSource, type EntityManager } from 'typeorm';
import { AppError } from '../../src/common/app-error';
import { IdempotencyService } from '../../src/common/idempotency/idempotency.service';
import { execute, select, Transactions } from '../../src/common/transactions';
import { openDatabase } from '../../src/database/data-source';
import { freshDatabase, TEST_DB, type TestDatabase } from './test-app';

describe(`idempotency keys on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let service: IdempotencyService;

  beforeAll(async () => {
    db = await freshDatabase();
    dataSource = await openDatabase(db.config);
    await dataSource.query('CREATE TABLE scratch (id INT PRIMARY KEY, v INT NOT NULL)');
    service = new IdempotencyService(new Transactions(dataSource));
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const scratch = async () =>
    ((await dataSource.query('SELECT id, v FROM scratch ORDER BY id')) as { id: number; v: number }[]).map((r) => [
      Number(r.id),
      Number(r.v),
    ]);
  const keyRow = async (key: string) =>
    (
      (await dataSource.query('SELECT state, response_status FROM idempotency_keys WHERE idem_key = ?', [key])) as {
        state: string;
        response_status: number | string | null;
      }[]
    ).map((r) => ({ state: r.state, status: r.response_status === null ? null : Number(r.response_status) }));

  /** Inserts one scratch row, refused when it is there already. */
  const post = (key: string, id: number, during?: (tx: EntityManager) => Promise<void>) =>
    service.execute({ scope: 'test', key, route: 'post', request: { id }, successStatus: 201 }, async (tx) => {
      const taken = await select(tx, 'SELECT id FROM scratch WHERE id = ?', [id]);
      if (taken.length > 0) throw new AppError('CONFLICT', `row ${id} is there already`);
      await execute(tx, 'INSERT INTO scratch (id, v) VALUES (?, ?)', [id, id * 10]);
      await during?.(tx);
      return { id };
    });

  it('does the work once; a retry replays the answer; another request with the key is 422', async () => {
    await expect(post('k1', 1)).resolves.toEqual({ status: 201, body: { id: 1 }, replayed: false });
    await expect(post('k1', 1)).resolves.toEqual({ status: 201, body: { id: 1 }, replayed: true });
    await expect(post('k1', 2)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await scratch()).toEqual([[1, 10]]);
    expect(await keyRow('k1')).toEqual([{ state: 'done', status: 201 }]);
  });

  it('stores a refusal as the answer for its key, and replays it', async () => {
    await expect(post('k2', 1)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await keyRow('k2')).toEqual([{ state: 'done', status: 409 }]);
    await dataSource.query('DELETE FROM scratch WHERE id = 1');
    // The replay is the stored refusal, even though the work would now succeed.
    await expect(post('k2', 1)).resolves.toMatchObject({ status: 409, body: { code: 'CONFLICT' }, replayed: true });
    expect(await scratch()).toEqual([]);
  });

  it('keeps nothing of a request that failed unexpectedly: a retry does the work', async () => {
    await expect(
      post('k3', 3, async () => {
        throw new Error('the disk is on fire');
      }),
    ).rejects.toThrow('the disk is on fire');
    expect(await keyRow('k3')).toEqual([]);
    expect(await scratch()).toEqual([]);
    await expect(post('k3', 3)).resolves.toMatchObject({ status: 201, replayed: false });
    expect(await scratch()).toEqual([[3, 30]]);
  });

  it('answers 409 for a key whose first request is still running (at once on MariaDB), and stores nothing for it', async () => {
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = post('k4', 4, async () => {
      started();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await running;
    const second = post('k4', 4).catch((error: unknown) => error);
    if (TEST_DB === 'mysql') {
      // No lock wait: the answer comes while the first request still runs.
      await expect(second).resolves.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_PROGRESS' });
    }
    release();
    await expect(first).resolves.toMatchObject({ status: 201, replayed: false });
    // SQLite's transactions take turns: the second one waited for the first and replays its answer.
    if (TEST_DB === 'sqlite') await expect(second).resolves.toMatchObject({ status: 201, replayed: true });
    await expect(post('k4', 4)).resolves.toMatchObject({ status: 201, replayed: true });
    expect(await keyRow('k4')).toEqual([{ state: 'done', status: 201 }]);
  });

  it('commits the claim with the work on MariaDB, and at once, ahead of it, on SQLite', async () => {
    let seenDuringWork: { state: string; status: number | null }[] = [];
    await post('k5', 5, async () => {
      seenDuringWork = await keyRow('k5');
    });
    // Seen from another connection while the work runs. SQLite has a single connection, which sees its own claim.
    expect(seenDuringWork).toEqual(TEST_DB === 'mysql' ? [] : [{ state: 'in_progress', status: null }]);
    expect(await keyRow('k5')).toEqual([{ state: 'done', status: 201 }]);
  });

  it('fifty concurrent requests with one key: one does the work, every other is replayed or told 409', async () => {
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => post('k6', 6)));
    const done = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason as AppError);
    expect(done.filter((r) => !r.replayed)).toHaveLength(1);
    for (const r of done) expect(r).toMatchObject({ status: 201, body: { id: 6 } });
    for (const e of refused) expect(e).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_PROGRESS' });
    expect(await scratch()).toContainEqual([6, 60]);
    expect(await keyRow('k6')).toEqual([{ state: 'done', status: 201 }]);
  });
});
