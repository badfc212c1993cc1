import { ApiError, isApiError } from '../api/client';
import { t, tMember } from '../i18n';

/** Anything a call can throw, as an ApiError with a message fit to show. */
export function toApiError(error: unknown): ApiError {
  if (isApiError(error)) {
    return error;
  }
  return new ApiError('NETWORK_ERROR', t.apiErrors.network, null);
}

/**
 * The Chinese message for a failure: the member app's own wording where it has one for the code (refusals the
 * member can act on), otherwise the server's message.
 */
export function errorMessage(error: unknown): string {
  const apiError = toApiError(error);
  const own = (tMember.errors as Record<string, string | undefined>)[apiError.code];
  return own ?? apiError.message;
}
