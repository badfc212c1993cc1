import Taro from '@tarojs/taro';
import { type ResponseOf, type routes, StaffRoleSchema } from '@huika/shared';
import { z } from 'zod';

/** Apart from the member token (`huika.token`): a till phone can hold a member session and a staff one. */
const SESSION_KEY = 'huika.staff.session';

/**
 * In the browser the refresh token lives only in the HttpOnly cookie the server sets for /api/auth/staff, where
 * no script (an injected one included) can read it; refresh and logout send an empty body and the cookie goes
 * with them. The mini-program has no cookies, so there it is kept in the app's own storage.
 */
export const KEEPS_REFRESH_TOKEN = process.env.TARO_ENV !== 'h5';

export type StaffLoginResponse = ResponseOf<typeof routes.staffLogin>;

export type StaffIdentity = StaffLoginResponse['staff'];

const StoredSession = z.object({
  token: z.string().min(1),
  /** Only where the platform has no cookie to carry it (KEEPS_REFRESH_TOKEN). */
  refreshToken: z.string().min(1).optional(),
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: z.number(),
  staff: z.object({
    id: z.string(),
    role: StaffRoleSchema,
    storeId: z.string().nullable(),
    username: z.string(),
    displayName: z.string(),
  }),
});

export type StaffSession = z.infer<typeof StoredSession>;

/** The signed-in staff session, or null; a malformed stored value counts as none. */
export function readStaffSession(): StaffSession | null {
  const stored: unknown = Taro.getStorageSync(SESSION_KEY);
  const parsed = StoredSession.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/** Keeps a login or refresh answer; the expiry is measured from `now`, when the answer arrived. */
export function saveStaffSession(response: StaffLoginResponse, now: number = Date.now()): StaffSession {
  const session: StaffSession = {
    token: response.token,
    ...(KEEPS_REFRESH_TOKEN ? { refreshToken: response.refreshToken } : {}),
    expiresAt: now + response.expiresIn * 1000,
    staff: response.staff,
  };
  Taro.setStorageSync(SESSION_KEY, session);
  return session;
}

export function clearStaffSession(): void {
  Taro.removeStorageSync(SESSION_KEY);
}
