import Taro from '@tarojs/taro';
import {
  ApiError,
  buildPath,
  buildQueryString,
  ErrorBodySchema,
  type BodyOf,
  type ResponseOf,
  type RouteCallOptions,
  type RouteContract,
  routes,
} from '@huika/shared';
import { interpolate, t } from '../i18n';
import { goToJoin } from '../member/sign-in';
import { clearToken, getRefreshToken, getToken, setSession } from './token';

export { ApiError, isApiError, type ApiErrorCode, type ClientErrorCode } from '@huika/shared';

/** H5 is served by the API server itself, so it calls its own origin; the mini-program needs a full URL. */
export const apiBaseUrl: string = process.env.TARO_ENV === 'h5' ? '' : API_BASE_URL;

export type CallOptions<C> = RouteCallOptions<C> & {
  /** The bearer token to send instead of the stored member token (staff calls); null sends none. */
  token?: string | null;
};

type CallArgs<C> = BodyOf<C> extends undefined ? [options?: CallOptions<C>] : [options: CallOptions<C>];

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
