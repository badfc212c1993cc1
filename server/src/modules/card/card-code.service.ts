import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import { Clock } from '../../common/clock';
import { Keys } from '../../common/keys';
import { SettingsService } from '../../common/settings.service';
import { defer, execute, select, Transactions } from '../../common/transactions';
import { insertIfAbsent } from '../members/insert-if-absent';
import { onUniqueViolation } from '../../database/unique-violation';
import { ProgramService } from '../program/program.service';

const FORMAT = 'HK1';
const CURRENT_KEY_SETTING = 'card_code_key_current';
/** 16 bytes of HMAC-SHA256, base64url: forging one is out of reach within a code's minute of life. */
const SIGNATURE_CHARS = 22;

export interface IssuedCardCode {
  code: string;
  /** Epoch ms: the end of the step after the code's own. */
  expiresAt: number;
  refreshInSeconds: number;
}

export interface VerifiedCardCode {
  memberId: string;
  /** Identifies the code's (member, sequence): the same for every time step of it, so any copy of a used code is refused. */
  codeHash: string;
  /** The member reference and sequence the code was made for (the hash's inputs). */
  ref: string;
  seq: number;
}

/** What checkout knows of a scanned code: enough to mark it used without looking the code up first. */
export interface ScannedCardCode {
  memberId: string;
  ref: string;
  seq: number;
}

interface CodeState {
  member_id: string;
  ref: string;
  seq: number | string;
}

/** The hash under which a code is marked used: its member reference and sequence. */
export function cardCodeHash(ref: string, seq: number): string {
  return createHash('sha256').update(`${ref}.${seq}`).digest('hex');
}

const expired = (why: string) =>
  new AppError('CARD_CODE_EXPIRED', `this card code is not valid (${why}); show a fresh one`);

/**
 * The card's dynamic QR code (DOMAIN §2): `HK1.<key id>.<member ref>.<seq>.<time step>.<signature>`.
 *
 * - Signed with HMAC-SHA256 under a key derived from the token secret for its key id; the key id in the code
 *   lets the key be rotated while codes signed with the previous key stay good (only the current and the
 *   previous key).
 * - Valid for its time step (program.card.codeStepSeconds) and one step back, on the shared clock.
 * - Carries an opaque per-member reference, never the card number; a reissue replaces the reference.
 * - Single-use once a purchase is posted with it: `markUsed` records it and bumps the member's sequence,
 *   which kills every code of the old sequence (any screenshot), and the next code the member asks for is
 *   a new one at once.
 */
@Injectable()
export class CardCodeService {
  /** A key id's secret never changes; only which id is current does (read from the database). */
  private readonly secrets = new Map<number, Buffer>();

  constructor(
    private readonly transactions: Transactions,
    private readonly settings: SettingsService,
    @Inject(Keys) private readonly keys: Keys,
    private readonly program: ProgramService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** The member's code for now. */
  async issue(memberId: string): Promise<IssuedCardCode> {
    const state = await this.stateOf(memberId);
    const kid = await this.currentKid();
    const secret = await this.secretOf(kid);
    const stepMs = await this.stepMs();
    const now = this.clock.now();
    const step = Math.floor(now / stepMs);
    const payload = `${kid}.${state.ref}.${Number(state.seq)}.${step}`;
    return {
      code: `${FORMAT}.${payload}.${this.sign(secret, payload)}`,
      expiresAt: (step + 2) * stepMs,
      refreshInSeconds: Math.max(1, Math.ceil(((step + 1) * stepMs - now) / 1000)),
    };
  }

  /**
   * The member a scanned code belongs to. 401 CARD_CODE_EXPIRED (not a code, a bad signature, a retired key,
   * older than one step back), 401 CARD_CODE_USED (a purchase was posted with it), 404 CARD_NOT_FOUND.
   */
  async verify(code: string): Promise<VerifiedCardCode> {
    const parts = code.split('.');
    if (parts.length !== 6 || parts[0] !== FORMAT) throw expired('not a Huika card code');
    const [, kidText = '', ref = '', seqText = '', stepText = '', signature = ''] = parts;
    const kid = Number(kidText);
    const seq = Number(seqText);
    const step = Number(stepText);
    if (![kid, seq, step].every(Number.isSafeInteger)) throw expired('malformed');
    const current = await this.currentKid();
    if (kid !== current && kid !== current - 1) throw expired('signed with a retired key');
    // Key ids start at 1: there is no key before the first.
    const secret = kid >= 1 ? await this.secretOf(kid) : null;
    const expected = Buffer.from(this.sign(secret ?? Buffer.alloc(32), `${kid}.${ref}.${seq}.${step}`));
    const given = Buffer.from(signature);
    if (!secret || given.length !== expected.length || !timingSafeEqual(given, expected))
      throw expired('bad signature');
    const age = Math.floor(this.clock.now() / (await this.stepMs())) - step;
    if (age < 0 || age > 1) throw expired('too old');
    const rows = await select<CodeState>(
      this.dataSource.manager,
      'SELECT member_id, ref, seq FROM member_card_codes WHERE ref = ?',
      [ref],
    );
    const state = rows[0];
    if (!state) throw new AppError('CARD_NOT_FOUND', 'no card for this code (it may have been reissued)');
    if (seq < Number(state.seq))
      throw new AppError('CARD_CODE_USED', 'this card code was used already; show a fresh one');
    if (seq > Number(state.seq)) throw expired('unknown sequence');
    return { memberId: state.member_id, codeHash: cardCodeHash(ref, seq), ref, seq };
  }

  /**
   * For checkout, inside the purchase's transaction: marks the scanned code used (CARD_CODE_USED if it
   * was already) and bumps the member's sequence, so the next code the member shows is a fresh one. The
   * unique code_hash settles two purchases racing with one code: the second waits for the first and fails.
   * With the code's reference and sequence (from the checkout token) that is two statements; a token
   * without them has the code looked up by its hash first.
   */
  async markUsed(tx: EntityManager, codeHash: string, scanned: ScannedCardCode | null = null): Promise<void> {
    let state: CodeState | null = scanned && { member_id: scanned.memberId, ref: scanned.ref, seq: scanned.seq };
    if (!state) {
      const rows = await select<CodeState>(
        tx,
        'SELECT member_id, ref, seq FROM member_card_codes WHERE current_hash = ?',
        [codeHash],
      );
      state = rows[0] ?? null;
      if (!state) throw await this.whyNotCurrent(tx, codeHash);
    }
    const seq = Number(state.seq);
    // Both go with the transaction's next statement (or its commit); their errors stop it all the same.
    await defer(
      tx,
      'INSERT INTO card_code_uses (code_hash, member_id, seq, used_at) VALUES (?, ?, ?, ?)',
      [codeHash, state.member_id, seq, this.clock.now()],
      {
        onError: onUniqueViolation(
          () => new AppError('CARD_CODE_USED', 'this card code was used already; scan a fresh one'),
        ),
      },
    );
    await defer(
      tx,
      'UPDATE member_card_codes SET seq = seq + 1, current_hash = ?, updated_at = ? WHERE member_id = ? AND ref = ? AND seq = ?',
      [cardCodeHash(state.ref, seq + 1), this.clock.now(), state.member_id, state.ref, seq],
      // Not current although never used here: the card was reissued since the scan.
      { rows: 1, orElse: () => expired('the card was reissued') },
    );
  }

  /** Why a code is not its member's current one: used already, or its card was reissued. */
  private async whyNotCurrent(tx: EntityManager, codeHash: string): Promise<AppError> {
    const used = await select(tx, 'SELECT 1 AS one FROM card_code_uses WHERE code_hash = ?', [codeHash]);
    if (used.length > 0) return new AppError('CARD_CODE_USED', 'this card code was used already; scan a fresh one');
    return expired('the card was reissued');
  }

  /** Card reissue: a new reference, so every code of the old card stops working. */
  async replaceReference(tx: EntityManager, memberId: string): Promise<void> {
    const ref = newReference();
    const replaced = await execute(
      tx,
      'UPDATE member_card_codes SET ref = ?, seq = 0, current_hash = ?, updated_at = ? WHERE member_id = ?',
      [ref, cardCodeHash(ref, 0), this.clock.now(), memberId],
    );
    if (replaced === 0) await this.insertState(tx, memberId);
  }

  /** Makes the member's code state (at joining; members from before get theirs on first use). */
  async createState(tx: EntityManager, memberId: string): Promise<void> {
    await this.insertState(tx, memberId);
  }

  /**
   * Starts signing with a new key. Codes signed with the previous key stay valid (they live a minute at
   * most); the one before that is retired. Returns the new key id.
   */
  async rotateKey(): Promise<number> {
    const next = (await this.currentKid()) + 1;
    await this.settings.set(CURRENT_KEY_SETTING, String(next));
    return next;
  }

  private async stateOf(memberId: string): Promise<CodeState> {
    const read = () =>
      select<CodeState>(
        this.dataSource.manager,
        'SELECT member_id, ref, seq FROM member_card_codes WHERE member_id = ?',
        [memberId],
      );
    const existing = (await read())[0];
    if (existing) return existing;
    await this.transactions.run((tx) => this.insertState(tx, memberId));
    const created = (await read())[0];
    if (!created) throw new Error(`no card code state for member ${memberId}`);
    return created;
  }

  /** Insert-if-absent: two first requests racing both end with the one row. */
  private async insertState(tx: EntityManager, memberId: string): Promise<void> {
    const ref = newReference();
    await insertIfAbsent(tx, 'member_card_codes', {
      member_id: memberId,
      ref,
      seq: 0,
      current_hash: cardCodeHash(ref, 0),
      updated_at: this.clock.now(),
    });
  }

  private async currentKid(): Promise<number> {
    const value = Number(await this.settings.get(CURRENT_KEY_SETTING));
    return Number.isSafeInteger(value) && value > 0 ? value : 1;
  }

  /** The key id's secret: its own key, derived from the token secret. */
  private async secretOf(kid: number): Promise<Buffer> {
    const known = this.secrets.get(kid);
    if (known) return known;
    const secret = await this.keys.derivedSigningKey(`card-code/${kid}`);
    this.secrets.set(kid, secret);
    return secret;
  }

  private async stepMs(): Promise<number> {
    return (await this.program.get()).card.codeStepSeconds * 1000;
  }

  private sign(secret: Buffer, payload: string): string {
    return createHmac('sha256', secret)
      .update(`huika-card-code.${payload}`)
      .digest('base64url')
      .slice(0, SIGNATURE_CHARS);
  }
}

/** 12 characters of base64url (72 bits): opaque, unguessable, and free of the code's "." separator. */
function newReference(): string {
  return randomBytes(9).toString('base64url');
}
