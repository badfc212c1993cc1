import { Entity, Index, PrimaryColumn } from 'typeorm';
import { EpochMsColumn, IntColumn } from '../columns';

/** One fixed-window counter of a rate limit, shared by every server instance on the database. */
@Entity('rate_limit_counters')
@Index('idx_rate_limit_counters_expires', ['expiresAt'])
export class RateLimitCounterEntity {
  /** `<rule>:<key>`, e.g. `staff-login-user:cashier`. */
  @PrimaryColumn({ name: 'bucket_key', type: 'varchar', length: 160 })
  bucketKey!: string;

  @PrimaryColumn({ name: 'window_start', type: 'bigint', transformer: { to: (v: number) => v, from: Number } })
  windowStart!: number;

  @IntColumn()
  hits!: number;

  /** When the window is over and the row can be swept. */
  @EpochMsColumn({ name: 'expires_at' })
  expiresAt!: number;
}
