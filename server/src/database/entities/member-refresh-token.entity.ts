import { Column, Entity, Index } from 'typeorm';
import { EpochMsColumn, IdColumn, RefColumn } from '../columns';
import type { RefreshTokenRevocation } from './staff-refresh-token.entity';

/** A member refresh token, kept only as its SHA-256 hash; its family is its session. */
@Entity('member_refresh_tokens')
@Index('idx_member_refresh_tokens_session', ['familyId'])
export class MemberRefreshTokenEntity {
  @IdColumn()
  id!: string;

  /** The member session (`member_sessions.id`) the token renews. */
  @RefColumn({ name: 'session_id' })
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
