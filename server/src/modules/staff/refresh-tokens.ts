import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager, IsNull } from 'typeorm';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { StaffRefreshTokenEntity } from '../../database/entities';
import type { RefreshTokenRevocation } from '../../database/entities/staff-refresh-token.entity';

/**
 * How long a staff session (a family of refresh tokens) lasts from its login, however often it is refreshed: a
 * till's shift. A stolen refresh token, or a till left signed in, is good for the rest of that shift at most; the
 * next day starts with the password. Every token of a family expires when the family does.
 */
export const STAFF_SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** A refresh token as issued: the token itself (shown once, kept only as a hash) and when its session ends. */
export interface IssuedRefreshToken {
  token: string;
  expiresAt: number;
}

/** The session a refresh continues: its family, and when it ends. */
export interface RefreshFamily {
  familyId: string;
  expiresAt: number;
}

/** Refresh tokens are 256 random bits, so a fast hash is enough to keep a database leak from being a login. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Staff refresh tokens: issued, looked up by hash, spent once, revoked by family or by staff member. */
@Injectable()
export class RefreshTokens {
  constructor(@Inject(Clock) private readonly clock: Clock) {}

  /** A new token; `family` null starts a family (a login), otherwise it continues one, to its end (a refresh). */
  async issue(manager: EntityManager, staffId: string, family: RefreshFamily | null): Promise<IssuedRefreshToken> {
    const token = randomBytes(32).toString('base64url');
    const id = newId();
    const now = this.clock.now();
    const expiresAt = family?.expiresAt ?? now + STAFF_SESSION_LIFETIME_MS;
    await manager.getRepository(StaffRefreshTokenEntity).insert({
      id,
      staffId,
      familyId: family?.familyId ?? id,
      tokenHash: hashToken(token),
      expiresAt,
      revokedAt: null,
      revokedReason: null,
      createdAt: now,
    });
    return { token, expiresAt };
  }

  async find(manager: EntityManager, token: string): Promise<StaffRefreshTokenEntity | null> {
    return manager.getRepository(StaffRefreshTokenEntity).findOneBy({ tokenHash: hashToken(token) });
  }

  /**
   * Spends a token, once: the conditional update lets exactly one of several concurrent refreshes with the
   * same token win; the others see `false`.
   */
  async spend(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager
      .getRepository(StaffRefreshTokenEntity)
      .update({ id, revokedAt: IsNull() }, { revokedAt: this.clock.now(), revokedReason: 'rotated' });
    return (result.affected ?? 0) === 1;
  }

  /** Ends one login session: every live token of the family. Returns how many were live. */
  async revokeFamily(manager: EntityManager, familyId: string, reason: RefreshTokenRevocation): Promise<number> {
    const result = await manager
      .getRepository(StaffRefreshTokenEntity)
      .update({ familyId, revokedAt: IsNull() }, { revokedAt: this.clock.now(), revokedReason: reason });
    return result.affected ?? 0;
  }

  /** Ends every session of a staff member. */
  async revokeAllOf(manager: EntityManager, staffId: string, reason: RefreshTokenRevocation): Promise<number> {
    const result = await manager
      .getRepository(StaffRefreshTokenEntity)
      .update({ staffId, revokedAt: IsNull() }, { revokedAt: this.clock.now(), revokedReason: reason });
    return result.affected ?? 0;
  }
}
