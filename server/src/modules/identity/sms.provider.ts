import { Logger } from '@nestjs/common';
import { maskPhone } from './phone-vault';

/** Sends the text message with a one-time code. A real gateway (Aliyun, Tencent Cloud SMS) implements this. */
export interface SmsProvider {
  /** False: no way to send texts here, and the SMS routes answer 503. */
  readonly configured: boolean;
  sendCode(phone: string, code: string, validMinutes: number): Promise<void>;
}

export const SMS_PROVIDER = Symbol('SMS_PROVIDER');

/** Development mode only (HUIKA_DEV=true): the code goes to the log instead of a phone. */
export class DevSmsProvider implements SmsProvider {
  readonly configured = true;
  private readonly logger = new Logger('DevSms');
  private readonly sent = new Map<string, string>();

  async sendCode(phone: string, code: string, validMinutes: number): Promise<void> {
    this.sent.set(phone, code);
    this.logger.log(
      `SMS code for ${maskPhone(phone)}: ${code} (valid ${validMinutes} minutes; dev mode, no text sent)`,
    );
  }

  /** The last code "sent" to this phone by this instance (tests read it). */
  lastCodeFor(phone: string): string | undefined {
    return this.sent.get(phone);
  }
}

/** No gateway configured and not in dev mode. */
export class NoSmsProvider implements SmsProvider {
  readonly configured = false;

  sendCode(): Promise<void> {
    return Promise.reject(new Error('no SMS provider is configured'));
  }
}
