import Taro from '@tarojs/taro';
import { type BodyOf, type ResponseOf, type RouteContract, routes } from '@huika/shared';
import { ApiError, callApi, type CallOptions } from '../api/client';
import { tStaff } from '../i18n';
import { STAFF_PAGES } from './paths';
import {
  clearStaffSession,
  readStaffSession,
  saveStaffSession,
  type StaffLoginResponse,
  type StaffSession,
} from './session';

/** Refresh this long before the access token runs out, so a request never leaves with a token about to lapse. */
const REFRESH_MARGIN_MS = 60_000;

/** Codes after which the staff session cannot go on: the stored session is dropped and the login page opens. */
const SIGNED_OUT_CODES = new Set(['UNAUTHORIZED', 'REFRESH_TOKEN_INVALID', 'STAFF_INACTIVE']);

/** One refresh at a time: the refresh token is single use, so two parallel refreshes would sign the user out. */
let refreshing: Promise<StaffSession> | null = null;

type StaffCallOptions<C> = Omit<CallOptions<C>, 'token'>;

type StaffCallArgs<C> = BodyOf<C> extends undefined ? [options?: StaffCallOptions<C>] : [options: StaffCallOptions<C>];

function signedOut(): ApiError {
  clearStaffSession();
  void Taro.reLaunch({ url: `${STAFF_PAGES.login}?expired=1` });
  return new ApiError('UNAUTHORIZED', tStaff.login.signedOut, 401);
}

/** The refresh token where the app keeps it; in the browser an empty body, and the HttpOnly cookie goes along. */
function refreshBody(session: StaffSession): { refreshToken?: string } {
  return session.refreshToken ? { refreshToken: session.refreshToken } : {};
}

function refresh(session: StaffSession): Promise<StaffSession> {
  refreshing ??= callApi(routes.staffRefresh, { body: refreshBody(session), token: null })
    .then((answer) => saveStaffSession(answer))
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'REFRESH_TOKEN_INVALID') throw signedOut();
      throw error;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

async function freshSession(): Promise<StaffSession> {
  const session = readStaffSession();
  if (!session) throw signedOut();
  return session.expiresAt - Date.now() < REFRESH_MARGIN_MS ? refresh(session) : session;
}

/**
 * Calls a staff route with the staff access token, refreshing it shortly before it expires and once more when
 * the server answers TOKEN_EXPIRED (its clock is the one that counts). The same options, Idempotency-Key included,
 * are sent again on that retry. A TOKEN_EXPIRED that survives a fresh token is the checkout's own and is thrown.
 */
export async function staffCall<C extends RouteContract>(route: C, ...args: StaffCallArgs<C>): Promise<ResponseOf<C>> {
  const options = (args[0] ?? {}) as CallOptions<C>;
  // callApi's rest parameter only decides whether the options may be left out; here they are always given.
  const call = callApi as (target: C, given: CallOptions<C>) => Promise<ResponseOf<C>>;
  const send = (session: StaffSession) => call(route, { ...options, token: session.token });
  const session = await freshSession();
  try {
    return await send(session);
  } catch (error: unknown) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === 'TOKEN_EXPIRED') return send(await refresh(session));
    if (SIGNED_OUT_CODES.has(error.code)) throw signedOut();
    throw error;
  }
}

/** Signs in and keeps the session. */
export async function staffLogin(username: string, password: string): Promise<StaffSession> {
  const answer: StaffLoginResponse = await callApi(routes.staffLogin, { body: { username, password }, token: null });
  return saveStaffSession(answer);
}

/** Ends the session on the server (best effort: the stored session goes either way) and opens the login page. */
export async function staffLogout(): Promise<void> {
  const session = readStaffSession();
  clearStaffSession();
  if (session) {
    await callApi(routes.staffLogout, { body: refreshBody(session), token: null }).catch(() => undefined);
  }
  await Taro.reLaunch({ url: STAFF_PAGES.login });
}
