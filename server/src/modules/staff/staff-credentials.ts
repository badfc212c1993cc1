import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Transactions } from '../../common/transactions';
import { hashPassword, verifyPassword } from '../../common/password';
import { type RateLimitHit, RateLimiter } from '../../common/rate-limit/rate-limiter';
import { StaffEntity } from '../../database/entities';
import { type AuditEntry, AuditService } from '../audit/audit.service';
import { STAFF_LOGIN_PER_IP, STAFF_LOGIN_PER_USERNAME } from './login-limits';

/** A staff username and password typed somewhere: at the login, or as a manager's approval at the till. */
export interface CredentialAttempt {
  username: string;
  password: string;
  ip: string;
  /** What a failure is audited as: `staff.login_failed`, `refund.approval_failed`. */
  failedAction: string;
  /** Who typed it, when that is known (the cashier at the till); null at the login. */
  actor: AuditEntry['actor'];
  /** More to audit with a failure (never the password). */
  context?: Record<string, unknown>;
}

/** A password checked: the staff row it is right for (null after an audited failure), and the hits counted. */
export interface CredentialCheck {
  staff: StaffEntity | null;
  hits: RateLimitHit[];
}

/**
 * Typed staff passwords, wherever they are typed, against one set of limits (per username and per IP
 * address, login-limits.ts): a guess at the till counts toward the same limits as a guess at the login.
 * Each check is its own transactions, outside the caller's, so a failure still counts, and is still
 * audited, when the caller's transaction rolls back.
 */
@Injectable()
export class StaffCredentials {
  /** Checked against when the username is unknown, so both failures take as long (no user enumeration). */
  private dummyHash: Promise<string> | undefined;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditService,
  ) {}

  /**
   * Counts the attempt (RATE_LIMITED past a limit), then checks the password with the same hashing work
   * whether or not the username exists. A wrong password or unknown username is audited here; the caller
   * decides about a right one, then `release`s the hits (not a guess) or `refuse`s it (still counted).
   */
  async check(attempt: CredentialAttempt): Promise<CredentialCheck> {
    // Every attempt counts until it proves to be a right password; so concurrent guesses cannot slip past.
    const hits = await this.limiter.consume([
      { rule: STAFF_LOGIN_PER_USERNAME, key: attempt.username },
      { rule: STAFF_LOGIN_PER_IP, key: attempt.ip },
    ]);
    const staff = await this.dataSource.getRepository(StaffEntity).findOneBy({ username: attempt.username });
    const passwordOk = await verifyPassword(attempt.password, staff?.passwordHash ?? (await this.unknownUserHash()));
    if (staff && passwordOk) return { staff, hits };
    await this.refuse(attempt, staff ? 'wrong_password' : 'unknown_username', hits);
    return { staff: null, hits };
  }

  /** The attempt turned out not to be a guess: its hits are taken back. */
  async release(hits: readonly RateLimitHit[]): Promise<void> {
    await this.limiter.release(hits);
  }

  /** Audited with the username tried (never the password); its hits stay counted. */
  async refuse(attempt: CredentialAttempt, reason: string, hits: readonly RateLimitHit[]): Promise<void> {
    const lockedOut = hits.some((hit) => hit.hits >= hit.rule.limit);
    await this.transactions.run((manager) =>
      this.audit.record(manager, {
        actor: attempt.actor,
        action: attempt.failedAction,
        target: { kind: 'staff_username', id: attempt.username },
        after: { reason, ip: attempt.ip, lockedOut, ...attempt.context },
      }),
    );
  }

  private unknownUserHash(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('base64url'));
    return this.dummyHash;
  }
}
