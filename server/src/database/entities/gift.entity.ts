import { Column, Entity } from 'typeorm';
import { EpochMsColumn, IdColumn, IntColumn, JsonColumn } from '../columns';

/** When a gift can be exchanged; null means always (DOMAIN §5). */
export type ExchangeWindow = { kind: 'lastMonthOfQuarter' } | { kind: 'dateRange'; from: string; to: string };

@Entity('gifts')
export class GiftEntity {
  @IdColumn()
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  description!: string | null;

  @Column({ name: 'image_url', type: 'varchar', length: 512, nullable: true })
  imageUrl!: string | null;

  @IntColumn({ name: 'points_price' })
  pointsPrice!: number;

  @IntColumn()
  stock!: number;

  @IntColumn({ name: 'per_member_limit', nullable: true })
  perMemberLimit!: number | null;

  /** Tier codes allowed to redeem; null means every tier. */
  @JsonColumn({ nullable: true })
  tiers!: string[] | null;

  @JsonColumn({ name: 'exchange_window', nullable: true })
  exchangeWindow!: ExchangeWindow | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @EpochMsColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochMsColumn({ name: 'updated_at' })
  updatedAt!: number;
}
