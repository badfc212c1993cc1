import { createHash, randomBytes } from 'node:crypto';
import { type EntityManager, type EntityTarget, IsNull } from 'typeorm';
import type { RefreshTokenRevocation } from '../database/entities/staff-refresh-token.entity';
import { newId } from './ids';

/** The columns every refresh-token table has: one row per token; the rows of one login share a family. */
export interface RefreshTokenRow {
  id: string;
  familyId: string;
  tokenHash: string;
  expiresAt: number;
  revokedAt: number | null;
  revokedReason: RefreshTokenRevocation | null;
  createdAt: number;
}

/**
 * What presenting a refresh token came to. `reused`: the token was spent already (or is being spent by a
 * concurrent refresh), so it has two holders, a stolen copy or a client gone wrong, and its family must end.
 */
export type RefreshTokenSpend =
  | { kind: 'spent'; familyId: string }
  | { kind: 'reused'; familyId: string }
  | { kind: 'invalid' }
  | { kind: 'expired' };

/** Refresh tokens are 256 random bits, so a fast hash is enough to keep a database leak from being a login. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The rotating refresh tokens of one table: issued, and each spent once (the design of StaffAuthService). */
export class RefreshTokenFamilies {
  constructor(private readonly table: EntityTarget<RefreshTokenRow>) {}

  /** A new token of the family, kept as its hash. */
  async issue(manager: EntityManager, family: { familyId: string; expiresAt: number; now: number }): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await manager.getRepository(this.table).insert({
      id: newId(),
      familyId: family.familyId,
      tokenHash: hashRefreshToken(token),
      expiresAt: family.expiresAt,
      revokedAt: null,
      revokedReason: null,
      createdAt: family.now,
    });
    return token;
  }

  /**
   * Spends a presented token, once: the conditional update lets exactly one of several concurrent refreshes
   * with the same token win; the others see it reused.
   */
  async spend(manager: EntityManager, token: string, now: number): Promise<RefreshTokenSpend> {
    const repository = manager.getRepository(this.table);
    const row = await repository.findOneBy({ tokenHash: hashRefreshToken(token) });
    if (!row) return { kind: 'invalid' };
    const { familyId } = row;
    if (row.revokedAt !== null)
      return row.revokedReason === 'rotated' ? { kind: 'reused', familyId } : { kind: 'invalid' };
    if (row.expiresAt <= now) return { kind: 'expired' };
    const result = await repository.update(
      { id: row.id, revokedAt: IsNull() },
      { revokedAt: now, revokedReason: 'rotated' },
    );
    return (result.affected ?? 0) === 1 ? { kind: 'spent', familyId } : { kind: 'reused', familyId };
  }
}
