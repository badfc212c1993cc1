import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Keys as KeySource } from '../../common/keys';

const ENVELOPE = 'v1';

interface Keys {
  encryption: Buffer;
  lookup: Buffer;
  master: Buffer;
}

/** The phone as members and staff see it: 138****5678 (DOMAIN §12). */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

export interface ProtectedPhone {
  phoneHash: string;
  phoneEnc: string;
  phoneLast4: string;
}

/**
 * Personal data at rest (DOMAIN §15): phone numbers are stored encrypted (AES-256-GCM) with an HMAC lookup
 * hash, so a member is found by phone without the phone being readable in the database. Both keys are
 * derived from one data key (HUIKA_DATA_KEY; see Keys). Changing the data key makes stored phones unreadable
 * and unfindable: set it once.
 */
@Injectable()
export class PhoneVault {
  private keys: Promise<Keys> | undefined;

  constructor(@Inject(KeySource) private readonly keySource: KeySource) {}

  /** The lookup hash of a phone number (64 hex characters); also the `phone:<hash>` identity. */
  async hash(phone: string): Promise<string> {
    return createHmac('sha256', (await this.loadKeys()).lookup)
      .update(phone)
      .digest('hex');
  }

  async encrypt(phone: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', (await this.loadKeys()).encryption, iv);
    const sealed = Buffer.concat([cipher.update(phone, 'utf8'), cipher.final()]);
    return `${ENVELOPE}.${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
  }

  async decrypt(envelope: string): Promise<string> {
    const [version, payload] = envelope.split('.');
    if (version !== ENVELOPE || !payload) throw new Error('unknown phone envelope');
    const raw = Buffer.from(payload, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', (await this.loadKeys()).encryption, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** Everything the members table keeps of a phone. */
  async protect(phone: string): Promise<ProtectedPhone> {
    return { phoneHash: await this.hash(phone), phoneEnc: await this.encrypt(phone), phoneLast4: phone.slice(-4) };
  }

  /** The masked phone of a stored envelope; with only the last four digits known, the rest stays hidden. */
  async masked(phoneEnc: string | null, phoneLast4: string | null): Promise<string | null> {
    if (phoneEnc) return maskPhone(await this.decrypt(phoneEnc));
    return phoneLast4 ? `*******${phoneLast4}` : null;
  }

  /** A keyed hash for other small secrets (one-time codes, device ids), separated by purpose. */
  async keyedHash(purpose: string, value: string): Promise<string> {
    const key = createHmac('sha256', (await this.loadKeys()).master)
      .update(`huika/${purpose}`)
      .digest();
    return createHmac('sha256', key).update(value).digest('hex');
  }

  private loadKeys(): Promise<Keys> {
    this.keys ??= (async () => {
      const master = await this.keySource.dataKey();
      const derive = (label: string) => createHmac('sha256', master).update(label).digest();
      return { encryption: derive('huika/phone-encryption/v1'), lookup: derive('huika/phone-lookup/v1'), master };
    })().catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }
}
