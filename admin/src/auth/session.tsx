import { routes, type StaffRole } from '@huika/shared';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, callApi, onSession, renewSession, setAccessToken, type StaffSession } from '../api/client';
import { t } from '../i18n/zh-CN';

export type ConsoleStaff = StaffSession['staff'];

/** Roles that may use the console; cashiers work at the till. */
const CONSOLE_ROLES: readonly StaffRole[] = ['admin', 'manager'];

interface SessionState {
  /** undefined while the refresh cookie is being tried on start-up. */
  staff: ConsoleStaff | null | undefined;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

/**
 * Whether this browser has signed in (not a secret: the session itself is the HttpOnly cookie). Start-up asks the
 * server to renew only then, so a first visit does not begin with a refused refresh.
 */
const SIGNED_IN = 'huika-admin-signed-in';

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [staff, setStaff] = useState<ConsoleStaff | null | undefined>(undefined);

  const accept = useCallback((session: StaffSession) => {
    setAccessToken(session.token);
    setStaff(session.staff);
    localStorage.setItem(SIGNED_IN, '1');
  }, []);

  const end = useCallback(() => {
    setAccessToken(null);
    setStaff(null);
    localStorage.removeItem(SIGNED_IN);
  }, []);

  useEffect(() => {
    onSession({ ended: end, renewed: accept });
    if (!localStorage.getItem(SIGNED_IN)) {
      setStaff(null);
      return;
    }
    renewSession()
      .then((session) => {
        if (session && CONSOLE_ROLES.includes(session.staff.role)) accept(session);
        else end();
      })
      .catch(end);
  }, [accept, end]);

  const logout = useCallback(async () => {
    try {
      await callApi(routes.staffLogout, { body: {} });
    } finally {
      end();
    }
  }, [end]);

  const login = useCallback(
    async (username: string, password: string) => {
      const session = await callApi(routes.staffLogin, { body: { username, password } });
      if (!CONSOLE_ROLES.includes(session.staff.role)) {
        // The login succeeded, but this account has no place here: its session is ended at once.
        await callApi(routes.staffLogout, { body: { refreshToken: session.refreshToken } }).catch(() => undefined);
        throw new ApiError('FORBIDDEN', t.login.cashierRefused, 403);
      }
      accept(session);
    },
    [accept],
  );

  const value = useMemo(() => ({ staff, login, logout }), [staff, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in staff member; only under the console shell, which renders nothing before sign-in. */
export function useStaff(): ConsoleStaff {
  const { staff } = useSession();
  if (!staff) throw new Error('useStaff before sign-in');
  return staff;
}
