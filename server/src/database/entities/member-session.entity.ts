import { Column, Entity, Index } from 'typeorm';
import { EpochMsColumn, IdColumn, RefColumn } from '../columns';

/** Why a member session ended. */
export type MemberSessionEnd = 'reuse' | 'logout_all' | 'reissue' | 'headquarters' | 'closed';

/**
 * One member login on one device, and the family of its refresh tokens. A row per login rather than a version
 * per identity or per member: a token exists before its holder has joined (member null), one person may log in
 * under two identities (WeChat and phone), and a reused refresh token must end its own login and no other.
 */
@Entity('member_sessions')
@Index('idx_member_sessions_identity', ['identity'])
@Index('idx_member_sessions_member', ['memberId'])
export class MemberSessionEntity {
  @IdColumn()
  id!: string;

  /** `wx:<openid>` or `phone:<lookup hash>`, as in the token. */
  @Column({ name: 'identity', type: 'varchar', length: 160 })
  identity!: string;

  /** Null until the identity joins. */
  @RefColumn({ name: 'member_id', nullable: true })
  memberId!: string | null;

  /** The absolute end: no refresh renews a session past it. */
  @EpochMsColumn({ name: 'expires_at' })
  expiresAt!: number;

  @EpochMsColumn({ name: 'ended_at', nullable: true })
  endedAt!: number | null;

  @Column({ name: 'ended_reason', type: 'varchar', length: 16, nullable: true })
  endedReason!: MemberSessionEnd | null;

  @EpochMsColumn({ name: 'created_at' })
  createdAt!: number;
}
