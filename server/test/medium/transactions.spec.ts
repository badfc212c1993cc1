import { Connection } from 'mysql2';
import { DataSource } from 'typeorm';
import { AppError } from '../../src/common/app-error';
import { defer, select, Transactions } from '../../src/common/transactions';
import { dataSourceOptions, openDatabase } from '../../src/database/data-source';
import { isUniqueViolation } from '../../src/database/unique-violation';
import { freshDatabase, TEST_DB, type TestDatabase } from './test-app';

const count = async (dataSource: DataSource) =>
  Number(((await dataSource.query('SELECT COUNT(*) AS n FROM scratch')) as { n: number | string }[])[0]?.n);

describe(`deferred writes on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let transactions: Transactions;

  beforeAll(async () => {
    db = await freshDatabase();
    await (await openDatabase(db.config)).destroy();
    // One pooled connection: every transaction below reuses it, so anything left pending on it would show.
    dataSource = new DataSource(
      dataSourceOptions(db.config.kind === 'mysql' ? { ...db.config, poolSize: 1 } : db.config),
    );
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE scratch (id INT PRIMARY KEY, v INT NOT NULL)');
    transactions = new Transactions(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });
  beforeEach(async () => {
    await dataSource.query('DELETE FROM scratch');
  });

  const insert = (tx: Parameters<typeof defer>[0], id: number, onError?: (error: unknown) => unknown) =>
    defer(tx, 'INSERT INTO scratch (id, v) VALUES (?, ?)', [id, id * 10], onError ? { onError } : {});

  it('sends them with the next statement, which sees them', async () => {
    await transactions.run(async () => undefined); // the connection's once-only session setting, out of the count
    const sent = jest.spyOn(Connection.prototype, 'query');
    try {
      const rows = await transactions.run(async (tx) => {
        await insert(tx, 1);
        await insert(tx, 2);
        return select<{ id: number }>(tx, 'SELECT id FROM scratch ORDER BY id');
      });
      expect(rows.map((r) => Number(r.id))).toEqual([1, 2]);
      // On MariaDB: START TRANSACTION, both inserts and the SELECT in one round trip, then COMMIT.
      if (TEST_DB === 'mysql') expect(sent).toHaveBeenCalledTimes(2);
    } finally {
      sent.mockRestore();
    }
    expect(await count(dataSource)).toBe(2);
  });

  it('sends queries issued together in one round trip, in the order they and the writes were issued', async () => {
    await transactions.run(async () => undefined);
    const sent = jest.spyOn(Connection.prototype, 'query');
    try {
      const [before, after, ids] = await transactions.run(async (tx) =>
        Promise.all([
          select<{ n: number | string }>(tx, 'SELECT COUNT(*) AS n FROM scratch'),
          (async () => {
            await insert(tx, 1);
            return select<{ n: number | string }>(tx, 'SELECT COUNT(*) AS n FROM scratch');
          })(),
          select<{ id: number }>(tx, 'SELECT id FROM scratch'),
        ]),
      );
      // The insert was issued after the first count and before the id list; the second count waited for it.
      expect([Number(before[0]?.n), Number(after[0]?.n), ids.map((r) => Number(r.id))]).toEqual([0, 1, [1]]);
      // On MariaDB: START TRANSACTION, the first count, the insert and the id list in one round trip; then the
      // second count; then COMMIT.
      if (TEST_DB === 'mysql') expect(sent).toHaveBeenCalledTimes(3);
    } finally {
      sent.mockRestore();
    }
  });

  it('fails every query of a round trip whose statement failed; the transaction then commits nothing', async () => {
    let outcomes: PromiseSettledResult<unknown>[] = [];
    await expect(
      transactions.run(async (tx) => {
        await insert(tx, 1);
        outcomes = await Promise.allSettled([
          select(tx, 'SELECT id FROM scratch'),
          select(tx, 'SELECT no_such_column FROM scratch'),
          select(tx, 'SELECT v FROM scratch'),
        ]);
        throw outcomes.map((o) => (o.status === 'rejected' ? (o.reason as unknown) : undefined)).find(Boolean);
      }),
    ).rejects.toThrow('no_such_column');
    // On MariaDB the three went in one round trip: the failed statement stopped the one after it, and its
    // error is every query's. SQLite runs them one by one.
    expect(outcomes.map((o) => o.status)).toEqual(
      TEST_DB === 'mysql' ? ['rejected', 'rejected', 'rejected'] : ['fulfilled', 'rejected', 'fulfilled'],
    );
    expect(await count(dataSource)).toBe(0);
  });

  it('sends what is still pending at the end with the COMMIT, in one round trip', async () => {
    await transactions.run(async () => undefined);
    const sent = jest.spyOn(Connection.prototype, 'query');
    try {
      await transactions.run(async (tx) => {
        await insert(tx, 1);
        await defer(tx, 'UPDATE scratch SET v = v + 1 WHERE id = ?', [1], { rows: 1 });
      });
      // On MariaDB: START TRANSACTION, the insert, the update with its row check and COMMIT together.
      if (TEST_DB === 'mysql') expect(sent).toHaveBeenCalledTimes(1);
    } finally {
      sent.mockRestore();
    }
    expect(await dataSource.query('SELECT v FROM scratch WHERE id = 1')).toEqual([{ v: 11 }]);
  });

  it('writes what is still pending just before the commit, and TypeORM queries see it too', async () => {
    const seen = await transactions.run(async (tx) => {
      await insert(tx, 1);
      const viaTypeorm = (await tx.query('SELECT COUNT(*) AS n FROM scratch')) as { n: number | string }[];
      await insert(tx, 2);
      return Number(viaTypeorm[0]?.n);
    });
    expect(seen).toBe(1);
    expect(await count(dataSource)).toBe(2);
  });

  it('gives a failing write its own error, and nothing commits', async () => {
    const duplicate = (name: string) => (error: unknown) =>
      isUniqueViolation(error) ? new AppError('CONFLICT', `${name} is there already`) : error;
    await expect(
      transactions.run(async (tx) => {
        await insert(tx, 1, duplicate('first'));
        await insert(tx, 2, duplicate('second'));
        await insert(tx, 2, duplicate('third'));
        await insert(tx, 3);
        return select(tx, 'SELECT id FROM scratch');
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: 'third is there already' });
    expect(await count(dataSource)).toBe(0);
  });

  it('checks row counts before the commit and rolls everything back when one is off', async () => {
    // The failing check sits between two writes that would go with the COMMIT: neither it nor they commit.
    await expect(
      transactions.run(async (tx) => {
        await insert(tx, 1);
        await defer(tx, 'UPDATE scratch SET v = v + 1 WHERE id = ?', [99], {
          rows: 1,
          orElse: () => new AppError('NOT_FOUND', 'no row 99'),
        });
        await insert(tx, 2);
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await count(dataSource)).toBe(0);
    // A check with no error of its own says how many rows it wanted.
    await expect(
      transactions.run(async (tx) => {
        await defer(tx, 'UPDATE scratch SET v = 0 WHERE id = ?', [98], { rows: 1 });
      }),
    ).rejects.toThrow('a write had to change 1 rows');
  });

  it('leaves nothing pending on the connection after a transaction fails', async () => {
    await expect(
      transactions.run(async (tx) => {
        await insert(tx, 5);
        throw new AppError('VALIDATION_FAILED', 'changed its mind');
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await transactions.run(async (tx) => {
      await insert(tx, 6);
    });
    const ids = ((await dataSource.query('SELECT id FROM scratch')) as { id: number }[]).map((r) => Number(r.id));
    expect(ids).toEqual([6]);
  });

  it('runs at once outside a transaction, with the same checks', async () => {
    await transactions.statements(async (db2) => {
      await insert(db2, 7);
      expect(await select(db2, 'SELECT id FROM scratch')).toHaveLength(1);
      await expect(
        defer(db2, 'UPDATE scratch SET v = 0 WHERE id = ?', [8], {
          rows: 1,
          orElse: () => new AppError('NOT_FOUND', 'no row 8'),
        }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
