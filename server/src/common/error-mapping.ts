import type { ErrorBody, ErrorCode } from '@huika/shared';
import { HttpException } from '@nestjs/common';
import { AppError } from './app-error';
import { TRY_AGAIN_CODES, tryAgain } from './retry-policy';

export interface MappedError {
  status: number;
  body: ErrorBody;
  /** Unexpected: log it with its stack. */
  unexpected: boolean;
}

/** Error codes of database drivers that mean "the database is not reachable right now". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
  'POOL_CLOSED',
]);

const STATUS_CODES: Record<number, ErrorCode> = {
  // Nest turns Fastify's body-parsing failures (not JSON, wrong charset) into 400s: bad input like any other.
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const direct = (error as { code?: unknown }).code;
  if (typeof direct === 'string') return direct;
  const driverError = (error as { driverError?: { code?: unknown } }).driverError;
  return typeof driverError?.code === 'string' ? driverError.code : undefined;
}

function body(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return details ? { code, message, details } : { code, message };
}

/**
 * Maps anything thrown to the API's error shape. Expected failures keep their code; framework errors
 * (bad JSON, body too large, unknown route) get the matching code; a lost database is 503; anything
 * else is a 500 whose details stay in the log, never in the response.
 */
export function mapError(error: unknown): MappedError {
  if (error instanceof AppError) {
    return { status: error.status, body: body(error.code, error.message, error.details), unexpected: false };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
    return { status, body: body(code, error.message), unexpected: status >= 500 };
  }
  const code = errorCodeOf(error);
  if (code && TRY_AGAIN_CODES.has(code)) return mapError(tryAgain());
  if (code && UNAVAILABLE_CODES.has(code)) {
    return {
      status: 503,
      body: body('SERVICE_UNAVAILABLE', 'the database is not reachable right now; try again shortly'),
      unexpected: false,
    };
  }
  // Fastify's own request errors (invalid JSON, body too large, bad content type) carry a 4xx statusCode.
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const mapped = STATUS_CODES[statusCode] ?? 'BAD_REQUEST';
    const message = error instanceof Error ? `invalid request: ${error.message}` : 'bad request';
    return { status: statusCode, body: body(mapped, message), unexpected: false };
  }
  return { status: 500, body: body('INTERNAL', 'internal error; it has been logged'), unexpected: true };
}
