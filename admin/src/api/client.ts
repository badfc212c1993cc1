import {
  ApiError,
  buildPath,
  buildQueryString,
  ErrorBodySchema,
  isApiError,
  routes,
  type BodyOf,
  type ResponseOf,
  type RouteCallOptions,
  type RouteContract,
  type StaffSessionResponse,
} from '@huika/shared';

export { ApiError, buildPath, isApiError, type ApiErrorCode } from '@huika/shared';
import type { z } from 'zod';
import { interpolate, t } from '../i18n/zh-CN';

export type StaffSession = z.output<typeof StaffSessionResponse>;

export type CallOptions<C> = RouteCallOptions<C>;

type CallArgs<C> = BodyOf<C> extends undefined ? [options?: CallOptions<C>] : [options: CallOptions<C>];

/**
 * The access token lives only in memory: a reload renews it from the HttpOnly refresh cookie, which the page's
 * scripts never see.
 */
let accessToken: string | null = null;
let onSessionEnded: () => void = () => undefined;
let onSessionRenewed: (session: StaffSession) => void = () => undefined;

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

export function onSession(handlers: { ended: () => void; renewed: (session: StaffSession) => void }): void {
  onSessionEnded = handlers.ended;
  onSessionRenewed = handlers.renewed;
}

async function errorFromResponse(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  const parsed = ErrorBodySchema.safeParse(body);
  if (parsed.success) return new ApiError(parsed.data.code, parsed.data.message, response.status, parsed.data.details);
  return new ApiError('HTTP_ERROR', interpolate(t.apiErrors.http, { status: response.status }), response.status);
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, credentials: 'same-origin' });
  } catch {
    throw new ApiError('NETWORK_ERROR', t.apiErrors.network, null);
  }
}

/** One renewal at a time: concurrent 401s wait for the same refresh instead of spending the token twice. */
let renewing: Promise<StaffSession | null> | null = null;

/** Exchanges the refresh cookie for a new pair; null when there is no session left to renew. */
export function renewSession(): Promise<StaffSession | null> {
  renewing ??= (async () => {
    try {
      const session = await request(routes.staffRefresh, { body: {} }, false);
      accessToken = session.token;
      onSessionRenewed(session);
      return session;
    } catch (error) {
      if (isApiError(error) && error.status !== null && error.status < 500) return null;
      throw error;
    } finally {
      renewing = null;
    }
  })();
  return renewing;
}

async function request<C extends RouteContract>(
  route: C,
  options: CallOptions<C> | undefined,
  mayRenew: boolean,
): Promise<ResponseOf<C>> {
  const url = `${buildPath(route.path, options?.params)}${buildQueryString(options?.query)}`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (accessToken && route.auth === 'staff') headers.Authorization = `Bearer ${accessToken}`;
  if (options?.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  if (options?.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`;
  const body: unknown = options?.body;
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  const response = await send(url, {
    method: route.method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    const error = await errorFromResponse(response);
    if (error.code === 'TOKEN_EXPIRED' && route.auth === 'staff' && mayRenew) {
      const renewed = await renewSession();
      if (renewed) return request(route, options, false);
    }
    if (response.status === 401 && route.auth === 'staff') onSessionEnded();
    throw error;
  }
  if (!route.response || response.status === 204) return undefined as ResponseOf<C>;
  const parsed = route.response.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new ApiError('INVALID_RESPONSE', t.apiErrors.invalidResponse, response.status);
  return parsed.data as ResponseOf<C>;
}

/**
 * Calls one route as its shared contract describes it: the path, method, query and body are checked by the
 * compiler, and the answer is validated against the contract's response schema before it is returned. An expired
 * access token is renewed once from the refresh cookie and the call repeated.
 */
export function callApi<C extends RouteContract>(route: C, ...args: CallArgs<C>): Promise<ResponseOf<C>> {
  return request(route, args[0], true);
}

/** A staff route's binary answer (a QR PNG), fetched with the bearer token and handed out as a blob. */
export async function fetchBlob(route: RouteContract, params: Record<string, string>, query?: unknown) {
  const url = `${buildPath(route.path, params)}${buildQueryString(query)}`;
  const get = () => send(url, { headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {} });
  let response = await get();
  if (response.status === 401 && (await renewSession())) response = await get();
  if (!response.ok) throw await errorFromResponse(response);
  return response.blob();
}

/**
 * A key for a request that moves value: made once per dialog, so a repeated click or a retry after a lost answer
 * is the same request to the server. (crypto.randomUUID needs a secure context; getRandomValues does not.)
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
