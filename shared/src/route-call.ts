import type { ErrorCode } from './errors';
import type { BodyOf, QueryOf } from './contracts';

/**
 * What every client of the API shares when it calls a route by its contract: the error it throws, the options a
 * call takes, and how the path and query string are made. Each client adds its own transport and token handling.
 */

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

type BodyOption<C> = BodyOf<C> extends undefined ? { body?: undefined } : { body: BodyOf<C> };

type QueryOption<C> = QueryOf<C> extends undefined ? { query?: undefined } : { query?: QueryOf<C> };

export type RouteCallOptions<C> = BodyOption<C> &
  QueryOption<C> & {
    /** Values for the `:name` placeholders of the route's path. */
    params?: Record<string, string>;
    /** Required by routes that move value (`idempotent: true`). */
    idempotencyKey?: string;
    /** The version an update is based on, sent as `If-Match: "<version>"` (the program editor). */
    ifMatch?: string | number;
  };

/** The route's path with its `:name` placeholders filled in, each value URL-encoded. */
export function buildPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/:([A-Za-z0-9_]+)/g, (_placeholder, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter "${name}" for ${template}`);
    return encodeURIComponent(value);
  });
}

type QueryValue = string | number | boolean | null | undefined;

/** `?a=1&b=2` from a query object; absent, null and empty values are left out. */
export function buildQueryString(query: unknown): string {
  if (query === null || typeof query !== 'object') return '';
  // Built by hand: shared/ is compiled for the server too, without the DOM's URLSearchParams.
  const text = Object.entries(query as Record<string, QueryValue>)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return text ? `?${text}` : '';
}
