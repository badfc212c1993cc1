import type { StaffRole } from '@huika/shared';
import { Column, Entity } from 'typeorm';
import { EpochMsColumn, IdColumn, IntColumn, RefColumn } from '../columns';

@Entity('staff')
export class StaffEntity {
  @IdColumn()
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 64 })
  displayName!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: StaffRole;

  /** Null for headquarters staff. */
  @RefColumn({ name: 'store_id', nullable: true })
  storeId!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** A demo account (the seed's cashier and manager, with the published demo password). */
  @Column({ type: 'boolean', default: false })
  demo!: boolean;
  /** Bumped whenever the account's sessions must end; staff access tokens carry the version they were issued under. */
  @IntColumn({ name: 'session_version', default: 0 })
  sessionVersion!: number;

  @EpochMsColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochMsColumn({ name: 'updated_at' })
  updatedAt!: number;
}
