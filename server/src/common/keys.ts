import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type AppConfig, ConfigError, KEY_VARIABLES, type KeyVariable } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { SettingsService } from './settings.service';

/** Where the embedded dev default keeps its keys (a dump of a dev database holds them: never in production). */
export const DEV_KEY_SETTINGS: Record<KeyVariable, string> = {
  HUIKA_TOKEN_SECRET: 'token_secret',
  HUIKA_DATA_KEY: 'data_key',
};
/** Signing keys that databases from before keys were required hold besides those two (now derived). */
const OLD_CHECKOUT_KEY_SETTING = 'checkout_token_secret';
const OLD_CARD_KEY_PREFIX = 'card_code_key_';
const CARD_KEY_CURRENT_SETTING = 'card_code_key_current';

/** A fresh token secret and data key, as lines of an env file. */
export function newKeysEnvFile(): string {
  const lines = KEY_VARIABLES.map((variable) => `${variable}=${randomBytes(32).toString('base64url')}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The two keys everything secret rests on: the token secret (bearer tokens; the card-code and checkout-token
 * keys are derived from it) and the data key (phone encryption and lookup hashes, keyed hashes). Outside dev
 * mode both come from the environment, never from the database they protect. In dev mode an unset key is
 * created once in the database, so that `npm start` needs no setup and every instance shares it.
 */
@Injectable()
export class Keys {
  private readonly loaded = new Map<KeyVariable, Promise<Buffer>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  tokenSecret(): Promise<Buffer> {
    return this.load('HUIKA_TOKEN_SECRET', this.config.tokenSecret);
  }

  dataKey(): Promise<Buffer> {
    return this.load('HUIKA_DATA_KEY', this.config.dataKey);
  }

  /**
   * A database from before keys were required holds its own data key, and its phones are encrypted with it:
   * outside dev mode HUIKA_DATA_KEY must be that key (`huika export-data-key` prints it), or no phone could be
   * read or found again.
   */
  async assertDataKeyMatchesDatabase(): Promise<void> {
    if (this.config.dev || this.config.dataKey === undefined) return;
    const stored = await this.settings.get(DEV_KEY_SETTINGS.HUIKA_DATA_KEY);
    if (stored !== null && stored !== this.config.dataKey) {
      throw new ConfigError(
        'HUIKA_DATA_KEY',
        'is not the data key this database holds, which its phones are encrypted with: set it to what `huika export-data-key` prints',
      );
    }
  }

  /**
   * Deletes every key the database holds of its own (from dev mode, or from before keys were required), once
   * HUIKA_DATA_KEY is the one the phones are encrypted with. Returns how many were deleted.
   */
  async forgetDatabaseKeys(): Promise<number> {
    if (this.config.dev)
      throw new ConfigError('HUIKA_DEV', 'dev mode keeps its keys in the database: run this outside it');
    await this.assertDataKeyMatchesDatabase();
    const cardKeys = (await this.settings.namesStartingWith(OLD_CARD_KEY_PREFIX)).filter(
      (name) => name !== CARD_KEY_CURRENT_SETTING,
    );
    return this.settings.remove([...Object.values(DEV_KEY_SETTINGS), OLD_CHECKOUT_KEY_SETTING, ...cardKeys]);
  }

  /** A signing key of its own for `purpose` ("checkout-token", "card-code/3"), derived from the token secret. */
  async derivedSigningKey(purpose: string): Promise<Buffer> {
    return createHmac('sha256', await this.tokenSecret())
      .update(`huika/${purpose}`)
      .digest();
  }

  private load(variable: KeyVariable, configured: string | undefined): Promise<Buffer> {
    let key = this.loaded.get(variable);
    if (!key) {
      key = this.read(variable, configured);
      key.catch(() => this.loaded.delete(variable));
      this.loaded.set(variable, key);
    }
    return key;
  }

  private async read(variable: KeyVariable, configured: string | undefined): Promise<Buffer> {
    if (configured !== undefined) return Buffer.from(configured, 'utf8');
    if (!this.config.dev) throw new ConfigError(variable, 'required outside dev mode');
    return Buffer.from(await this.settings.secret(DEV_KEY_SETTINGS[variable]), 'utf8');
  }
}
