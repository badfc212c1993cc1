import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { errors as joseErrors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import type { StaffRole } from '@huika/shared';
import { AppError } from '../../common/app-error';
import type { MemberAuth, RequestAuth, StaffAuth } from '../../common/auth.types';
import { Keys } from '../../common/keys';

const ISSUER = 'huika';
/**
 * Member access tokens last an hour: a revoked session is refused at once anyway (the guard reads it on every
 * call), so the lifetime only bounds what a token copied out of a log or a proxy is worth on its own, while a
 * member app renews it (one refresh an hour) without the member noticing.
 */
export const MEMBER_TOKEN_TTL_SECONDS = 60 * 60;
/** Staff access tokens are short-lived; a refresh token (StaffAuthService) renews them. */
export const STAFF_TOKEN_TTL_SECONDS = 15 * 60;
/**
 * How many verified tokens are remembered (the least recently used go first): a till sends the same staff token
 * with every call for 15 minutes, and a member app its token with every page.
 */
export const VERIFIED_TOKENS_KEPT = 10_000;

interface VerifiedToken {
  auth: Readonly<RequestAuth>;
  /** The token's `exp`, in ms: from then on it is TOKEN_EXPIRED, as jose would have it. */
  expiresAt: number;
}

/**
 * Signs and verifies bearer tokens. Member and staff tokens are different kinds (`typ` claim) and
 * never stand in for each other. The key is the token secret (HUIKA_TOKEN_SECRET; see Keys).
 */
@Injectable()
export class TokenService {
  /** A KeyObject made once: given raw bytes, jose would make one for every signature and verification. */
  private key: KeyObject | undefined;
  /**
   * Tokens whose signature and claims were checked, by the whole token string. This checks only what the token
   * says; whether a staff token's account still is what it says (StaffSessions), and whether a member token's
   * session is still live (AuthGuard), is asked of the database on every call, never remembered here. So
   * remembering a token changes no answer; it saves the HMAC and the claim parsing on every later call with it.
   */
  private readonly verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_TOKENS_KEPT });

  constructor(@Inject(Keys) private readonly keys: Keys) {}

  private async signingKey(): Promise<KeyObject> {
    this.key ??= createSecretKey(await this.keys.tokenSecret());
    return this.key;
  }

  async signMember(auth: Omit<MemberAuth, 'kind'>): Promise<string> {
    return new SignJWT({ typ: 'member', mid: auth.memberId, sid: auth.sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(auth.identity)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${MEMBER_TOKEN_TTL_SECONDS}s`)
      .sign(await this.signingKey());
  }

  async signStaff(auth: Omit<StaffAuth, 'kind'>): Promise<string> {
    return new SignJWT({ typ: 'staff', role: auth.role, store: auth.storeId, ver: auth.sessionVersion })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(auth.staffId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${STAFF_TOKEN_TTL_SECONDS}s`)
      .sign(await this.signingKey());
  }

  async verify(token: string): Promise<RequestAuth> {
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAt) return known.auth;
      this.verified.delete(token);
      throw new AppError('TOKEN_EXPIRED', 'token expired');
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await this.signingKey(), { issuer: ISSUER, algorithms: ['HS256'] }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'token expired');
      throw new AppError('UNAUTHORIZED', 'invalid token');
    }
    const auth = authOf(payload);
    // Every token signed here has an expiry; one without is not remembered.
    if (typeof payload.exp === 'number') {
      this.verified.set(token, { auth: Object.freeze(auth), expiresAt: payload.exp * 1000 });
    }
    return auth;
  }
}

function authOf(payload: JWTPayload): RequestAuth {
  // A member token without a session (signed before sessions existed) is not a member token any more.
  if (payload.typ === 'member' && typeof payload.sub === 'string' && typeof payload.sid === 'string') {
    return {
      kind: 'member',
      identity: payload.sub,
      memberId: typeof payload.mid === 'string' ? payload.mid : null,
      sessionId: payload.sid,
    };
  }
  if (payload.typ === 'staff' && typeof payload.sub === 'string') {
    return {
      kind: 'staff',
      staffId: payload.sub,
      role: payload.role as StaffRole,
      storeId: typeof payload.store === 'string' ? payload.store : null,
      // Tokens signed before accounts had versions were issued under the first one.
      sessionVersion: typeof payload.ver === 'number' ? payload.ver : 0,
    };
  }
  throw new AppError('UNAUTHORIZED', 'invalid token');
}
