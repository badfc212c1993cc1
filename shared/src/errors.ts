/**
 * Every error code the API can answer with, and the HTTP status it maps to.
 * API.md publishes the codes tills integrate with; the rest are Huika's own. Never rename or remove one.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  CARD_CODE_EXPIRED: 401,
  CARD_CODE_USED: 401,
  FORBIDDEN: 403,
  CARD_LAPSED: 403,
  TIER_NOT_ELIGIBLE: 403,
  NOT_FOUND: 404,
  CARD_NOT_FOUND: 404,
  MEMBER_NOT_FOUND: 404,
  CONFLICT: 409,
  ALREADY_MEMBER: 409,
  PHONE_TAKEN: 409,
  OUT_OF_STOCK: 409,
  POINTS_INSUFFICIENT: 409,
  LIMIT_REACHED: 409,
  OUTSIDE_EXCHANGE_WINDOW: 409,
  DUPLICATE_RECEIPT: 409,
  REFUND_EXCEEDS_PURCHASE: 409,
  ALREADY_COLLECTED: 409,
  IDEMPOTENCY_KEY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);
}

/** The body of every error response. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}
