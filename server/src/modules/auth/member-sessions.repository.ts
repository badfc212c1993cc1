import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In, IsNull, Not } from 'typeorm';
import { RefreshTokenFamilies, type RefreshTokenSpend } from '../../common/refresh-token-family';
import { MemberRefreshTokenEntity, MemberSessionEntity } from '../../database/entities';
import type { MemberSessionEnd } from '../../database/entities/member-session.entity';

/** Which sessions are one member's: those joined to it, and those of its identities not yet joined to it. */
export interface SessionHolder {
  /** Null for an identity that has not joined. */
  memberId: string | null;
  identities: readonly string[];
}

/** The tables `member_sessions` and `member_refresh_tokens`. */
@Injectable()
export class MemberSessionsRepository {
  private readonly refreshTokens = new RefreshTokenFamilies(MemberRefreshTokenEntity);

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** A new session and its first refresh token, both ending at `expiresAt`. */
  async start(
    tx: EntityManager,
    session: Pick<MemberSessionEntity, 'id' | 'identity' | 'memberId' | 'expiresAt' | 'createdAt'>,
  ): Promise<string> {
    await tx.getRepository(MemberSessionEntity).insert({ ...session, endedAt: null, endedReason: null });
    return this.refreshTokens.issue(tx, { familyId: session.id, expiresAt: session.expiresAt, now: session.createdAt });
  }

  /** Whether a session may still be used: one read by primary key, on every member call, never cached. */
  async isLive(sessionId: string, now: number): Promise<boolean> {
    const session = await this.dataSource
      .getRepository(MemberSessionEntity)
      .findOne({ where: { id: sessionId }, select: { endedAt: true, expiresAt: true } });
    return session !== null && session.endedAt === null && session.expiresAt > now;
  }

  async find(tx: EntityManager, sessionId: string): Promise<MemberSessionEntity | null> {
    return tx.getRepository(MemberSessionEntity).findOneBy({ id: sessionId });
  }

  spendRefreshToken(tx: EntityManager, token: string, now: number): Promise<RefreshTokenSpend> {
    return this.refreshTokens.spend(tx, token, now);
  }

  issueRefreshToken(tx: EntityManager, session: MemberSessionEntity, now: number): Promise<string> {
    return this.refreshTokens.issue(tx, { familyId: session.id, expiresAt: session.expiresAt, now });
  }

  /** The member the sessions of these identities now belong to (they have just joined). */
  async assignMember(tx: EntityManager, identities: readonly string[], memberId: string): Promise<void> {
    await tx
      .getRepository(MemberSessionEntity)
      .update({ identity: In([...identities]), memberId: IsNull() }, { memberId });
  }

  /** Ends one session, if it is still live; true if it was. */
  async end(tx: EntityManager, sessionId: string, reason: MemberSessionEnd, now: number): Promise<boolean> {
    const result = await tx
      .getRepository(MemberSessionEntity)
      .update({ id: sessionId, endedAt: IsNull() }, { endedAt: now, endedReason: reason });
    return (result.affected ?? 0) === 1;
  }

  /** Ends every live session of a member, but `except` (the caller's own, when it is to stay); how many ended. */
  async endAllOf(
    tx: EntityManager,
    holder: SessionHolder,
    reason: MemberSessionEnd,
    now: number,
    except: string | null = null,
  ): Promise<number> {
    const live = { endedAt: IsNull(), ...(except === null ? {} : { id: Not(except) }) };
    const where = [
      ...(holder.memberId === null ? [] : [{ ...live, memberId: holder.memberId }]),
      ...(holder.identities.length > 0 ? [{ ...live, identity: In([...holder.identities]) }] : []),
    ];
    if (where.length === 0) return 0;
    const result = await tx.getRepository(MemberSessionEntity).update(where, { endedAt: now, endedReason: reason });
    return result.affected ?? 0;
  }
}
