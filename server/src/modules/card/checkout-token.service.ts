import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../../common/app-error';
import type { StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { Keys } from '../../common/keys';
import type { ScannedCardCode } from './card-code.service';

/** A checkout at the till lasts this long after the scan (API.md). */
export const CHECKOUT_TOKEN_TTL_SECONDS = 10 * 60;
const ISSUER = 'huika';
const AUDIENCE = 'huika-checkout';
/** Its own key: a checkout token can never pass for a bearer token, nor the other way round. */
const KEY_PURPOSE = 'checkout-token';

export interface CheckoutTokenClaims {
  memberId: string;
  /** The scanned dynamic code's hash, to mark used when the purchase posts; null after a manual lookup. */
  cardCodeHash: string | null;
}

/**
 * The checkout token a scan hands the till: who the member is, for this cashier at this store, for ten
 * minutes on the shared clock. Checkout verifies it with the caller's own staff identity.
 */
@Injectable()
export class CheckoutTokenService {
  private key: KeyObject | undefined;

  constructor(
    @Inject(Keys) private readonly keys: Keys,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async sign(input: {
    memberId: string;
    staff: StaffAuth;
    /** The scanned dynamic code; null after a manual lookup. */
    cardCode: { hash: string; ref: string; seq: number } | null;
  }): Promise<{ token: string; expiresAt: number }> {
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const expiresAtSeconds = nowSeconds + CHECKOUT_TOKEN_TTL_SECONDS;
    const token = await new SignJWT({
      typ: 'checkout',
      stf: input.staff.staffId,
      sto: input.staff.storeId,
      cch: input.cardCode?.hash ?? null,
      ccr: input.cardCode?.ref ?? null,
      ccs: input.cardCode?.seq ?? null,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(input.memberId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(expiresAtSeconds)
      .sign(await this.signingKey());
    return { token, expiresAt: expiresAtSeconds * 1000 };
  }

  /**
   * The member of a checkout token presented by `staff`. 401 TOKEN_EXPIRED after ten minutes, 401
   * CHECKOUT_TOKEN_INVALID for anything not issued here, 403 FORBIDDEN for another cashier's or store's.
   */
  async verify(
    token: string,
    staff: StaffAuth,
  ): Promise<{ memberId: string; cardCodeHash: string | null; scannedCode: ScannedCardCode | null }> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await this.signingKey(), {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: this.clock.nowDate(),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw new AppError('TOKEN_EXPIRED', 'the checkout has expired; scan the card again');
      throw new AppError('CHECKOUT_TOKEN_INVALID', 'not a checkout token from this server; scan the card again');
    }
    if (payload.typ !== 'checkout' || typeof payload.sub !== 'string') {
      throw new AppError('CHECKOUT_TOKEN_INVALID', 'not a checkout token; scan the card again');
    }
    if (payload.stf !== staff.staffId)
      throw new AppError('FORBIDDEN', 'this checkout was started by another staff member');
    if ((payload.sto ?? null) !== staff.storeId)
      throw new AppError('FORBIDDEN', 'this checkout belongs to another store');
    const cardCodeHash = typeof payload.cch === 'string' ? payload.cch : null;
    const scannedCode =
      cardCodeHash && typeof payload.ccr === 'string' && Number.isSafeInteger(payload.ccs)
        ? { memberId: payload.sub, ref: payload.ccr, seq: payload.ccs as number }
        : null;
    return { memberId: payload.sub, cardCodeHash, scannedCode };
  }

  /** A KeyObject made once (jose would otherwise make one from the raw bytes on every call). */
  private async signingKey(): Promise<KeyObject> {
    this.key ??= createSecretKey(await this.keys.derivedSigningKey(KEY_PURPOSE));
    return this.key;
  }
}
