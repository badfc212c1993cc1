import { Inject, Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { RateLimitCounterEntity } from '../../database/entities';
import { Transactions } from '../transactions';

/**
 * The counters of every rate limit, in the database so that all server instances share them. The one
 * dialect-specific statement is the atomic insert-or-increment. Writes go through Transactions, which
 * also keeps them from interleaving with another transaction on SQLite's single connection.
 */
@Injectable()
export class RateLimitRepository {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Adds `by` to the counter of (bucket, window) and returns its new value. The upsert and the read run in
   * one transaction: the upsert holds the row's lock until commit, so the value read is exactly this call's.
   */
  async increment(bucketKey: string, windowStart: number, expiresAt: number, by = 1): Promise<number> {
    const upsert =
      this.transactions.dialect === 'mysql'
        ? 'INSERT INTO rate_limit_counters (bucket_key, window_start, hits, expires_at) VALUES (?, ?, ?, ?) ' +
          'ON DUPLICATE KEY UPDATE hits = hits + ?'
        : 'INSERT INTO rate_limit_counters (bucket_key, window_start, hits, expires_at) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (bucket_key, window_start) DO UPDATE SET hits = hits + ?';
    return this.transactions.run(async (tx) => {
      await tx.query(upsert, [bucketKey, windowStart, by, expiresAt, by]);
      const rows = (await tx.query('SELECT hits FROM rate_limit_counters WHERE bucket_key = ? AND window_start = ?', [
        bucketKey,
        windowStart,
      ])) as { hits: number | string }[];
      return Number(rows[0]?.hits ?? by);
    });
  }

  /** Takes one back (never below zero), e.g. for an attempt that turned out fine. */
  async decrement(bucketKey: string, windowStart: number): Promise<void> {
    await this.transactions.run((tx) =>
      tx
        .createQueryBuilder()
        .update(RateLimitCounterEntity)
        .set({ hits: () => 'hits - 1' })
        .where('bucket_key = :bucketKey AND window_start = :windowStart AND hits > 0', { bucketKey, windowStart })
        .execute(),
    );
  }

  async read(bucketKey: string, windowStart: number): Promise<number> {
    const row = await this.dataSource
      .getRepository(RateLimitCounterEntity)
      .findOne({ where: { bucketKey, windowStart }, select: { hits: true } });
    return row?.hits ?? 0;
  }

  async clear(bucketKey: string): Promise<void> {
    await this.transactions.run((tx) => tx.getRepository(RateLimitCounterEntity).delete({ bucketKey }));
  }

  async sweep(now: number): Promise<void> {
    await this.transactions.run((tx) => tx.getRepository(RateLimitCounterEntity).delete({ expiresAt: LessThan(now) }));
  }
}
