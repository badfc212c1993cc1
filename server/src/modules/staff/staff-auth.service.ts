import type { StaffLoginBody, StaffSessionResponse } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import { Clock } from '../../common/clock';
import { Transactions } from '../../common/transactions';
import { StaffEntity } from '../../database/entities';
import { AuditService } from '../audit/audit.service';
import { STAFF_TOKEN_TTL_SECONDS, TokenService } from '../auth/token.service';
import { type IssuedRefreshToken, RefreshTokens } from './refresh-tokens';
import { StaffCredentials } from './staff-credentials';

type StaffSession = z.output<typeof StaffSessionResponse>;

/** How a refresh ended, decided inside its transaction; only `ok` becomes a session. */
type RefreshOutcome =
  | { kind: 'ok'; staff: StaffEntity; refreshToken: IssuedRefreshToken }
  | { kind: 'invalid' | 'expired' | 'inactive' | 'reused' };

const INVALID_CREDENTIALS = 'wrong username or password';

/** Staff login, refresh and logout (API.md "Staff and till"), each one audited. */
@Injectable()
export class StaffAuthService {
  constructor(
    @Inject(Clock) private readonly clock: Clock,
    private readonly transactions: Transactions,
    private readonly tokens: TokenService,
    private readonly refreshTokens: RefreshTokens,
    private readonly credentials: StaffCredentials,
    private readonly audit: AuditService,
  ) {}

  async login(input: z.output<typeof StaffLoginBody>, ip: string): Promise<StaffSession> {
    const attempt = {
      username: input.username,
      password: input.password,
      ip,
      failedAction: 'staff.login_failed',
      actor: null,
    };
    const { staff, hits } = await this.credentials.check(attempt);
    if (!staff) throw new AppError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
    // Told only to whoever knows the password.
    if (!staff.active) {
      await this.credentials.refuse(attempt, 'inactive', hits);
      throw new AppError('STAFF_INACTIVE', 'this staff account is deactivated');
    }
    await this.credentials.release(hits);
    const refreshToken = await this.transactions.run(async (manager) => {
      const token = await this.refreshTokens.issue(manager, staff.id, null);
      await this.audit.record(manager, {
        actor: { kind: 'staff', id: staff.id },
        action: 'staff.login',
        target: { kind: 'staff', id: staff.id },
        after: { ip },
      });
      return token;
    });
    return this.session(staff, refreshToken);
  }

  /**
   * Spends the refresh token and issues the next one of its family. A token presented after it was spent
   * means two holders (a stolen copy, or a client gone wrong): the whole family ends, so both must log in.
   */
  async refresh(token: string | undefined, ip: string): Promise<StaffSession> {
    if (token === undefined) {
      throw new AppError('REFRESH_TOKEN_INVALID', 'no refresh token; log in again', { reason: 'invalid' });
    }
    const outcome = await this.transactions.run(async (manager): Promise<RefreshOutcome> => {
      const row = await this.refreshTokens.find(manager, token);
      if (!row) return { kind: 'invalid' };
      const reused = async (): Promise<RefreshOutcome> => {
        await this.refreshTokens.revokeFamily(manager, row.familyId, 'reuse');
        await this.audit.record(manager, {
          actor: null,
          action: 'staff.refresh_reused',
          target: { kind: 'staff', id: row.staffId },
          after: { ip, familyId: row.familyId },
        });
        return { kind: 'reused' };
      };
      if (row.revokedAt !== null) return row.revokedReason === 'rotated' ? reused() : { kind: 'invalid' };
      if (row.expiresAt <= this.clock.now()) return { kind: 'expired' };
      const staff = await manager.getRepository(StaffEntity).findOneBy({ id: row.staffId });
      if (!staff?.active) {
        await this.refreshTokens.revokeFamily(manager, row.familyId, 'deactivated');
        return { kind: 'inactive' };
      }
      if (!(await this.refreshTokens.spend(manager, row.id))) return reused();
      const refreshToken = await this.refreshTokens.issue(manager, staff.id, row);
      await this.audit.record(manager, {
        actor: { kind: 'staff', id: staff.id },
        action: 'staff.refresh',
        target: { kind: 'staff', id: staff.id },
        after: { ip },
      });
      return { kind: 'ok', staff, refreshToken };
    });
    if (outcome.kind !== 'ok') {
      throw new AppError('REFRESH_TOKEN_INVALID', 'the session has ended; log in again', { reason: outcome.kind });
    }
    return this.session(outcome.staff, outcome.refreshToken);
  }

  /** Ends the session of this refresh token. An unknown or spent token has no session left: nothing to do. */
  async logout(token: string | undefined, ip: string): Promise<void> {
    if (token === undefined) return;
    await this.transactions.run(async (manager) => {
      const row = await this.refreshTokens.find(manager, token);
      if (!row) return;
      if ((await this.refreshTokens.revokeFamily(manager, row.familyId, 'logout')) === 0) return;
      await this.audit.record(manager, {
        actor: { kind: 'staff', id: row.staffId },
        action: 'staff.logout',
        target: { kind: 'staff', id: row.staffId },
        after: { ip },
      });
    });
  }

  private async session(staff: StaffEntity, refreshToken: IssuedRefreshToken): Promise<StaffSession> {
    const token = await this.tokens.signStaff({
      staffId: staff.id,
      role: staff.role,
      storeId: staff.storeId,
      sessionVersion: staff.sessionVersion,
    });
    return {
      token,
      staff: {
        id: staff.id,
        role: staff.role,
        storeId: staff.storeId,
        username: staff.username,
        displayName: staff.displayName,
      },
      refreshToken: refreshToken.token,
      refreshExpiresIn: Math.max(0, Math.round((refreshToken.expiresAt - this.clock.now()) / 1000)),
      expiresIn: STAFF_TOKEN_TTL_SECONDS,
    };
  }
}
