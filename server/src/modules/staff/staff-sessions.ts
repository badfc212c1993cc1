import { type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import type { StaffAuth } from '../../common/auth.types';
import { select } from '../../common/transactions';

const CHECKED_BY_USE_CASE = 'huika:staff-session-checked-by-use-case';

/**
 * Marks a staff route whose use case calls `StaffSessions.requireCurrent` itself, with its own first reads (one
 * round trip fewer than the guard's check). The guard checks every other staff route.
 */
export const StaffSessionCheckedByUseCase = (): MethodDecorator => SetMetadata(CHECKED_BY_USE_CASE, true);

export function staffSessionCheckedByUseCase(context: ExecutionContext): boolean {
  return Reflect.getMetadata(CHECKED_BY_USE_CASE, context.getHandler()) === true;
}

/**
 * Whether a staff access token still stands for its account. Every change that must end an account's sessions
 * (deactivation, another role or store, a new password) bumps the account's session version in the same
 * statement, and a token carries the version it was issued under: one primary-key read and one comparison,
 * against the database on every call, so every server instance sees a change the moment it commits.
 */
@Injectable()
export class StaffSessions {
  /** Issued at once, so that in a transaction it goes with the reads issued together with it. */
  async requireCurrent(db: EntityManager, auth: StaffAuth): Promise<void> {
    const [row] = await select<{ session_version: number | string; active: number | string | boolean }>(
      db,
      'SELECT session_version, active FROM staff WHERE id = ?',
      [auth.staffId],
    );
    if (!row || !Number(row.active) || Number(row.session_version) !== auth.sessionVersion) {
      // The client's answer to an expired token, a refresh, gives a token for the account as it is now, or
      // (deactivated: its refresh tokens were revoked with it) ends the session.
      throw new AppError('TOKEN_EXPIRED', 'the account has changed since this token was issued; refresh it');
    }
  }
}
