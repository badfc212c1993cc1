import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { tStaff } from '../../../i18n';
import { staffLogout } from '../../api';
import { STAFF_PAGES } from '../../paths';
import { useStaffSession } from '../../use-staff-session';
import { StatePanel } from '../state-panel';
import './index.scss';

export type StaffNav = 'scan' | 'refunds' | 'pickups';

export interface StaffShellProps {
  /** The section this page belongs to, highlighted in the navigation. */
  active: StaffNav;
  children: ReactNode;
}

const NAV: StaffNav[] = ['scan', 'refunds', 'pickups'];

function open(nav: StaffNav, active: StaffNav) {
  if (nav !== active) void Taro.redirectTo({ url: STAFF_PAGES[nav] });
}

/** The frame of every signed-in staff page: who is signed in, at which role, the sections and logout. */
export function StaffShell({ active, children }: StaffShellProps) {
  const session = useStaffSession();
  if (!session) {
    return <StatePanel kind="loading" />;
  }
  const { staff } = session;
  return (
    <View className="staff-shell">
      <View className="staff-shell__header">
        <View className="staff-shell__who">
          <Text className="staff-shell__area">{tStaff.shell.area}</Text>
          <Text className="staff-shell__name">{staff.displayName}</Text>
          <Text className="staff-shell__role">{tStaff.shell.roles[staff.role]}</Text>
        </View>
        <Text className="staff-shell__logout" onClick={() => void staffLogout()}>
          {tStaff.shell.logout}
        </Text>
      </View>
      <View className="staff-shell__nav">
        {NAV.map((nav) => (
          <View
            key={nav}
            className={`staff-shell__tab ${nav === active ? 'staff-shell__tab--active' : ''}`}
            onClick={() => open(nav, active)}
          >
            <Text>{tStaff.shell.nav[nav]}</Text>
          </View>
        ))}
      </View>
      <View className="staff-shell__body">{children}</View>
    </View>
  );
}
