import { ApiError } from '../api/client';
import { t, tStaff } from '../i18n';

export interface ShownError {
  code: string;
  /** A short line in the staff's language for the codes a till meets. */
  title: string;
  /** The message the server (or the client) gave, shown as it came. */
  message: string;
  details?: Record<string, unknown>;
}

/** What to show for a failed call: a title by error code, and the API's own message under it. */
export function toShownError(error: unknown): ShownError {
  if (error instanceof ApiError) {
    return {
      code: error.code,
      title: tStaff.errors.byCode[error.code] ?? tStaff.errors.title,
      message: error.message,
      details: error.details,
    };
  }
  return {
    code: 'NETWORK_ERROR',
    title: tStaff.errors.title,
    message: error instanceof Error && error.message ? error.message : t.apiErrors.network,
  };
}
