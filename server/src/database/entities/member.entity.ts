import { Column, Entity } from 'typeorm';
import { EpochMsColumn, IdColumn, MoneyColumn } from '../columns';

export type MemberStatus = 'active' | 'closed';

@Entity('members')
export class MemberEntity {
  @IdColumn()
  id!: string;

  @Column({ name: 'card_no', type: 'varchar', length: 20, unique: true })
  cardNo!: string;

  @Column({ type: 'varchar', length: 128, nullable: true, unique: true })
  openid!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  unionid!: string | null;

  /** HMAC of the phone number: the lookup key (DOMAIN §15, phone numbers are stored encrypted). */
  @Column({ name: 'phone_hash', type: 'varchar', length: 64, nullable: true, unique: true })
  phoneHash!: string | null;

  @Column({ name: 'phone_enc', type: 'varchar', length: 255, nullable: true })
  phoneEnc!: string | null;

  @Column({ name: 'phone_last4', type: 'varchar', length: 4, nullable: true })
  phoneLast4!: string | null;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** YYYY-MM-DD. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  birthday!: string | null;

  @Column({ name: 'tier_code', type: 'varchar', length: 32 })
  tierCode!: string;

  @MoneyColumn({ name: 'points_balance', default: 0 })
  pointsBalance!: number;

  @MoneyColumn({ name: 'points_pending', default: 0 })
  pointsPending!: number;

  @MoneyColumn({ name: 'balance_fen', default: 0 })
  balanceFen!: number;

  @EpochMsColumn({ name: 'card_valid_until', nullable: true })
  cardValidUntil!: number | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: MemberStatus;

  @Column({ name: 'consent_version', type: 'varchar', length: 32, nullable: true })
  consentVersion!: string | null;

  @Column({ name: 'join_scene', type: 'varchar', length: 32, nullable: true })
  joinScene!: string | null;

  @EpochMsColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochMsColumn({ name: 'updated_at' })
  updatedAt!: number;
}
