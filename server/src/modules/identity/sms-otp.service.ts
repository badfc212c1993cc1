import { randomInt, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/app-error';
import { Clock } from '../../common/clock';
import { RateLimiter } from '../../common/rate-limit/rate-limiter';
import { execute, select, Transactions } from '../../common/transactions';
import { isUniqueViolation } from '../../database/unique-violation';
import { SMS_SEND_PER_IP, SMS_SEND_PER_PHONE, SMS_VERIFY_PER_IP, SMS_VERIFY_PER_PHONE } from './identity-limits';
import { PhoneVault } from './phone-vault';
import { SMS_PROVIDER, type SmsProvider } from './sms.provider';

export const SMS_CODE_TTL_MS = 5 * 60 * 1000;
export const SMS_RESEND_AFTER_MS = 60 * 1000;
/** A code is burnt after this many wrong tries. */
export const SMS_MAX_ATTEMPTS = 5;

type VerifyOutcome = { kind: 'ok' } | { kind: 'none' } | { kind: 'wrong'; attemptsLeft: number };

/**
 * SMS one-time codes (H5 login, card reissue): 6 digits, valid 5 minutes, at most one text a minute per
 * phone, stored only as a keyed hash, burnt after 5 wrong tries, and spent by the first right one.
 */
@Injectable()
export class SmsOtpService {
  private readonly logger = new Logger('SmsOtp');

  constructor(
    @Inject(SMS_PROVIDER) private readonly provider: SmsProvider,
    private readonly vault: PhoneVault,
    private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
    private readonly limiter: RateLimiter,
  ) {}

  async send(phone: string, ip: string): Promise<{ expiresInSeconds: number; resendInSeconds: number }> {
    this.requireProvider();
    const phoneHash = await this.vault.hash(phone);
    const hits = await this.limiter.consume([
      { rule: SMS_SEND_PER_PHONE, key: phoneHash },
      { rule: SMS_SEND_PER_IP, key: ip },
    ]);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const codeHash = await this.codeHash(phoneHash, code);
    const now = this.clock.now();
    const stored = await this.transactions.run(async (tx) => {
      // Replaces the previous code, but only once it is a minute old: the resend throttle, atomically.
      const replaced = await execute(
        tx,
        `UPDATE sms_codes SET code_hash = ?, attempts = 0, sent_at = ?, expires_at = ?, consumed_at = NULL
         WHERE phone_hash = ? AND sent_at <= ?`,
        [codeHash, now, now + SMS_CODE_TTL_MS, phoneHash, now - SMS_RESEND_AFTER_MS],
      );
      if (replaced > 0) return { ok: true as const };
      try {
        await execute(
          tx,
          'INSERT INTO sms_codes (phone_hash, code_hash, attempts, sent_at, expires_at) VALUES (?, ?, 0, ?, ?)',
          [phoneHash, codeHash, now, now + SMS_CODE_TTL_MS],
        );
        return { ok: true as const };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const rows = await select<{ sent_at: number | string }>(
          tx,
          'SELECT sent_at FROM sms_codes WHERE phone_hash = ?',
          [phoneHash],
        );
        return { ok: false as const, sentAt: Number(rows[0]?.sent_at ?? now) };
      }
    });
    if (!stored.ok) {
      await this.limiter.release(hits);
      const retryAfterSeconds = Math.max(1, Math.ceil((stored.sentAt + SMS_RESEND_AFTER_MS - now) / 1000));
      throw new AppError(
        'RATE_LIMITED',
        `a code was sent less than a minute ago; try again in ${retryAfterSeconds} s`,
        {
          retryAfterSeconds,
        },
      );
    }
    try {
      await this.provider.sendCode(phone, code, SMS_CODE_TTL_MS / 60_000);
    } catch (error) {
      this.logger.error(`sending an SMS code failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new AppError('SERVICE_UNAVAILABLE', 'the text message could not be sent; try again in a minute');
    }
    return { expiresInSeconds: SMS_CODE_TTL_MS / 1000, resendInSeconds: SMS_RESEND_AFTER_MS / 1000 };
  }

  /** Spends the phone's code if `code` is it; otherwise counts a wrong try. Throws SMS_CODE_INVALID. */
  async verify(phone: string, code: string, ip: string): Promise<void> {
    this.requireProvider();
    const phoneHash = await this.vault.hash(phone);
    await this.limiter.consume([
      { rule: SMS_VERIFY_PER_PHONE, key: phoneHash },
      { rule: SMS_VERIFY_PER_IP, key: ip },
    ]);
    const candidate = await this.codeHash(phoneHash, code);
    const now = this.clock.now();
    // The outcome is returned, not thrown, so that a wrong try's count commits.
    const outcome = await this.transactions.run(async (tx): Promise<VerifyOutcome> => {
      const counted = await execute(
        tx,
        `UPDATE sms_codes SET attempts = attempts + 1
         WHERE phone_hash = ? AND consumed_at IS NULL AND expires_at > ? AND attempts < ?`,
        [phoneHash, now, SMS_MAX_ATTEMPTS],
      );
      if (counted === 0) return { kind: 'none' };
      const rows = await select<{ code_hash: string; attempts: number | string }>(
        tx,
        'SELECT code_hash, attempts FROM sms_codes WHERE phone_hash = ?',
        [phoneHash],
      );
      const row = rows[0];
      if (!row) return { kind: 'none' };
      if (!timingSafeEqual(Buffer.from(row.code_hash), Buffer.from(candidate))) {
        return { kind: 'wrong', attemptsLeft: SMS_MAX_ATTEMPTS - Number(row.attempts) };
      }
      const spent = await execute(
        tx,
        'UPDATE sms_codes SET consumed_at = ? WHERE phone_hash = ? AND consumed_at IS NULL',
        [now, phoneHash],
      );
      return spent === 1 ? { kind: 'ok' } : { kind: 'none' };
    });
    if (outcome.kind === 'ok') return;
    if (outcome.kind === 'wrong' && outcome.attemptsLeft > 0) {
      throw new AppError('SMS_CODE_INVALID', `wrong code; ${outcome.attemptsLeft} tries left`, {
        attemptsLeft: outcome.attemptsLeft,
      });
    }
    throw new AppError(
      'SMS_CODE_INVALID',
      'no valid code for this phone (expired, used or too many wrong tries); request a new one',
      {
        attemptsLeft: 0,
      },
    );
  }

  private requireProvider(): void {
    if (!this.provider.configured) {
      throw new AppError(
        'SERVICE_UNAVAILABLE',
        'SMS login is not available on this server: no SMS provider is configured',
      );
    }
  }

  private codeHash(phoneHash: string, code: string): Promise<string> {
    return this.vault.keyedHash('sms-code', `${phoneHash}:${code}`);
  }
}
