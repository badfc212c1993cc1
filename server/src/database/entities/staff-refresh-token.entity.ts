import { Column, Entity, Index } from 'typeorm';
import { EpochMsColumn, IdColumn, RefColumn } from '../columns';

/** Why a refresh token stopped working. */
export type RefreshTokenRevocation = 'rotated' | 'logout' | 'reuse' | 'deactivated' | 'password';

/**
 * A staff refresh token, kept only as its SHA-256 hash. Each refresh spends the token and issues the next
 * one of the same family (one login on one device); presenting a spent token again ends the whole family.
 */
@Entity('staff_refresh_tokens')
@Index('idx_staff_refresh_tokens_staff', ['staffId'])
@Index('idx_staff_refresh_tokens_family', ['familyId'])
export class StaffRefreshTokenEntity {
  @IdColumn()
  id!: string;

  @RefColumn({ name: 'staff_id' })
  staffId!: string;

  /** The id of the family's first token. */
  @RefColumn({ name: 'family_id' })
  familyId!: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash!: string;

  @EpochMsColumn({ name: 'expires_at' })
  expiresAt!: number;

  @EpochMsColumn({ name: 'revoked_at', nullable: true })
  revokedAt!: number | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 16, nullable: true })
  revokedReason!: RefreshTokenRevocation | null;

  @EpochMsColumn({ name: 'created_at' })
  createdAt!: number;
}
