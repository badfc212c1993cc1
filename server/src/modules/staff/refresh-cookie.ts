import type {} from '@fastify/cookie';
import { routes } from '@huika/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The H5 staff app's refresh token lives in this cookie, out of reach of the page's scripts (HttpOnly), sent only
 * to the staff login, refresh and logout routes (its path) and never with a request another site starts
 * (SameSite=Strict), and only over TLS when the request came over TLS (as the trusted proxy says). Native tills
 * ignore it and keep the body's copy.
 */
export const REFRESH_COOKIE = 'huika_staff_refresh';
const COOKIE_PATH = routes.staffLogin.path;

function cookieOptions(request: FastifyRequest) {
  return { path: COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' } as const;
}

/** Sets the cookie to a login's or refresh's token, expiring with its session; returns the session unchanged. */
export function withRefreshCookie<S extends { refreshToken: string; refreshExpiresIn: number }>(
  request: FastifyRequest,
  reply: FastifyReply,
  session: S,
): S {
  void reply.setCookie(REFRESH_COOKIE, session.refreshToken, {
    ...cookieOptions(request),
    maxAge: session.refreshExpiresIn,
  });
  return session;
}

export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(REFRESH_COOKIE, cookieOptions(request));
}

/** The body's refresh token (native tills), else the cookie's (the H5 app). */
export function refreshTokenOf(
  request: FastifyRequest,
  body: { refreshToken?: string | undefined },
): string | undefined {
  return body.refreshToken ?? request.cookies[REFRESH_COOKIE];
}
