import Taro from '@tarojs/taro';
import {
  ErrorBodySchema,
  type BodyOf,
  type ErrorCode,
  type QueryOf,
  type ResponseOf,
  type RouteContract,
  routes,
} from '@huika/shared';
import { interpolate, t } from '../i18n';
import { goToJoin } from '../member/sign-in';
import { clearToken, getRefreshToken, getToken, setSession } from './token';

/** Failures that never reached the server's error handler, so carry no server code. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'INVALID_RESPONSE' | 'HTTP_ERROR';

export type ApiErrorCode = ErrorCode | ClientErrorCode;

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly status: number | null,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** H5 is served by the API server itself, so it calls its own origin; the mini-program needs a full URL. */
export const apiBaseUrl: string = process.env.TARO_ENV === 'h5' ? '' : API_BASE_URL;

type PathParams = Record<string, string>;

type QueryValue = string | number | boolean | null | undefined;

type BodyOption<C> = BodyOf<C> extends undefined ? { body?: undefined } : { body: BodyOf<C> };

type QueryOption<C> = QueryOf<C> extends undefined ? { query?: undefined } : { query?: QueryOf<C> };

export type CallOptions<C> = BodyOption<C> &
  QueryOption<C> & {
    /** Values for the `:name` placeholders of the route's path. */
    params?: PathParams;
    /** Required by routes that move value (`idempotent: true`). */
    idempotencyKey?: string;
    /** The bearer token to send instead of the stored member token (staff calls); null sends none. */
    token?: string | null;
  };

type CallArgs<C> = BodyOf<C> extends undefined ? [options?: CallOptions<C>] : [options: CallOptions<C>];

function buildPath(template: string, params: PathParams = {}): string {
  return template.replace(/:([A-Za-z0-9_]+)/g, (_placeholder, name: string) => {
    const value = params[name];
    if (value === undefined) {
      throw new Error(`Missing path parameter "${name}" for ${template}`);
    }
    return encodeURIComponent(value);
  });
}

function buildQueryString(query: unknown): string {
  if (query === null || typeof query !== 'object') {
    return '';
  }
  const pairs = Object.entries(query as Record<string, QueryValue>)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

function errorFromResponse(status: number, body: unknown): ApiError {
  const parsed = ErrorBodySchema.safeParse(body);
  if (parsed.success) {
    return new ApiError(parsed.data.code, parsed.data.message, status, parsed.data.details);
  }
  return new ApiError('HTTP_ERROR', interpolate(t.apiErrors.httpStatus, { status }), status);
}

interface RawResponse {
  statusCode: number;
  data: unknown;
}

/** Taro.request resolves for every HTTP status and rejects only when no answer came back at all. */
async function send(option: Taro.request.Option<unknown, Record<string, unknown>>): Promise<RawResponse> {
  try {
    const { statusCode, data } = await Taro.request<unknown, Record<string, unknown>>(option);
    return { statusCode, data };
  } catch {
    throw new ApiError('NETWORK_ERROR', t.apiErrors.network, null);
  }
}

/**
 * Calls one route of the API as its shared contract describes it: the path, method and body are checked by the
 * compiler, and the answer is validated against the contract's response schema before it is returned.
 *
 * A member route called with the stored member token renews it once when the server answers TOKEN_EXPIRED (the
 * access token lasts an hour, the session 30 days) and repeats the call, Idempotency-Key included. A session the
 * server ended (SESSION_ENDED: logged out everywhere, the card reissued on another phone) or one that cannot be
 * renewed is dropped, and the member signs in again from the join page (in the mini-program, silently with
 * wx.login).
 */
export async function callApi<C extends RouteContract>(route: C, ...args: CallArgs<C>): Promise<ResponseOf<C>> {
  const options: CallOptions<C> | undefined = args[0];
  const storedMemberToken = route.auth === 'member' && options?.token === undefined;
  try {
    return await request(route, options);
  } catch (error: unknown) {
    if (!storedMemberToken || !(error instanceof ApiError) || error.status !== 401) throw error;
    if (error.code === 'TOKEN_EXPIRED' && (await renewMemberSession())) {
      try {
        return await request(route, options);
      } catch (retried: unknown) {
        if (retried instanceof ApiError && retried.status === 401) signOutMember();
        throw retried;
      }
    }
    signOutMember();
    throw error;
  }
}

/** One renewal at a time: the refresh token is single use, and spending it twice ends the whole session. */
let renewing: Promise<boolean> | null = null;

/** Renews the member's access token with the stored refresh token; false when the session cannot go on. */
function renewMemberSession(): Promise<boolean> {
  renewing ??= (async () => {
    const refreshToken = getRefreshToken();
    if (!refreshToken) return false;
    try {
      setSession(await request(routes.memberRefresh, { body: { refreshToken }, token: null }));
      return true;
    } catch {
      return false;
    }
  })().finally(() => {
    renewing = null;
  });
  return renewing;
}

function signOutMember(): void {
  clearToken();
  goToJoin();
}

async function request<C extends RouteContract>(route: C, options: CallOptions<C> | undefined): Promise<ResponseOf<C>> {
  const url = `${apiBaseUrl}${buildPath(route.path, options?.params)}${buildQueryString(options?.query)}`;

  const header: Record<string, string> = { Accept: 'application/json' };
  const token = options?.token === undefined ? getToken() : options.token;
  if (token) {
    header.Authorization = `Bearer ${token}`;
  }
  if (options?.idempotencyKey) {
    header['Idempotency-Key'] = options.idempotencyKey;
  }
  const body: unknown = options?.body;
  if (body !== undefined) {
    header['Content-Type'] = 'application/json';
  }

  const { statusCode, data } = await send({
    url,
    method: route.method,
    header,
    dataType: 'json',
    ...(body === undefined ? {} : { data: body as Record<string, unknown> }),
  });
  if (statusCode < 200 || statusCode >= 300) {
    throw errorFromResponse(statusCode, data);
  }
  if (!route.response) {
    return undefined as ResponseOf<C>;
  }
  const parsed = route.response.safeParse(data);
  if (!parsed.success) {
    throw new ApiError('INVALID_RESPONSE', t.apiErrors.invalidResponse, statusCode);
  }
  return parsed.data as ResponseOf<C>;
}
