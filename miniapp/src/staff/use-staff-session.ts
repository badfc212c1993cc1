import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { STAFF_PAGES } from './paths';
import { readStaffSession, type StaffSession } from './session';

/** The signed-in staff session; without one the login page opens instead (the caller renders nothing meanwhile). */
export function useStaffSession(): StaffSession | null {
  const [session] = useState(readStaffSession);
  useEffect(() => {
    if (!session) void Taro.reLaunch({ url: STAFF_PAGES.login });
  }, [session]);
  return session;
}
