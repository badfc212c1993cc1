import { ERROR_STATUS, type ErrorCode } from '@huika/shared';

/** An expected failure with a code from the shared error union; the exception filter maps it to HTTP. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}
