import {
  AuditOutlined,
  CalendarOutlined,
  ControlOutlined,
  DashboardOutlined,
  FireOutlined,
  GiftOutlined,
  QrcodeOutlined,
  SendOutlined,
  ShopOutlined,
  ShoppingOutlined,
  TagsOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { routes, type RouteContract, type StaffRole } from '@huika/shared';
import type { ReactNode } from 'react';
import { t } from '../i18n/zh-CN';
import { ActivitiesPage } from './ActivitiesPage';
import { AuditLogPage } from './AuditLogPage';
import { CampaignsPage } from './CampaignsPage';
import { CouponBatchesPage, CouponTemplatesPage } from './CouponsPage';
import { DashboardPage } from './DashboardPage';
import { GiftsPage } from './GiftsPage';
import { MemberPage } from './MemberPage';
import { MembersPage } from './MembersPage';
import { RulesPage } from './RulesPage';
import { ScenesPage } from './ScenesPage';
import { StaffPage, StoresPage } from './StoresPage';
import { StoreStaffPage } from './StoreStaffPage';

export interface ConsolePage {
  path: string;
  name: string;
  icon: ReactNode;
  element: ReactNode;
  /** The route the page lists: who may call it is who sees the page, so the menu never shows a page that 403s. */
  route: RouteContract;
  /** A submenu the page sits in. */
  group?: { key: string; name: string; icon: ReactNode };
  /** A page reached from another (a member's page from the list), not from the menu. */
  hideInMenu?: boolean;
}

const COUPONS_GROUP = { key: '/coupon', name: t.coupons.group, icon: <GiftOutlined /> };
const STORES_GROUP = { key: '/org', name: t.menu.stores, icon: <ShopOutlined /> };

export const CONSOLE_PAGES: readonly ConsolePage[] = [
  {
    path: '/dashboard',
    name: t.dashboard.title,
    icon: <DashboardOutlined />,
    element: <DashboardPage />,
    route: routes.adminStatsSummary,
  },
  {
    path: '/members',
    name: t.menu.members,
    icon: <UserOutlined />,
    element: <MembersPage />,
    route: routes.adminMembersList,
  },
  {
    path: '/members/:id',
    name: t.members.profile,
    icon: <UserOutlined />,
    element: <MemberPage />,
    route: routes.adminMemberOverview,
    hideInMenu: true,
  },
  {
    path: '/rules',
    name: t.menu.rules,
    icon: <ControlOutlined />,
    element: <RulesPage />,
    route: routes.adminProgram,
  },
  {
    path: '/gifts',
    name: t.menu.gifts,
    icon: <ShoppingOutlined />,
    element: <GiftsPage />,
    route: routes.listGifts,
  },
  {
    path: '/activities',
    name: t.menu.activities,
    icon: <CalendarOutlined />,
    element: <ActivitiesPage />,
    route: routes.listActivitiesAdmin,
  },
  {
    path: '/campaigns',
    name: t.menu.campaigns,
    icon: <FireOutlined />,
    element: <CampaignsPage />,
    route: routes.listCampaigns,
  },
  {
    path: '/stores',
    name: t.stores.title,
    icon: <ShopOutlined />,
    element: <StoresPage />,
    route: routes.adminStoresList,
    group: STORES_GROUP,
  },
  {
    path: '/staff',
    name: t.staff.title,
    icon: <TeamOutlined />,
    element: <StaffPage />,
    route: routes.adminStaffList,
    group: STORES_GROUP,
  },
  {
    path: '/store-staff',
    name: t.menu.storeStaff,
    icon: <TeamOutlined />,
    element: <StoreStaffPage />,
    route: routes.storeStaffList,
  },
  {
    path: '/coupons',
    name: t.coupons.templates,
    icon: <TagsOutlined />,
    element: <CouponTemplatesPage />,
    route: routes.listCouponTemplates,
    group: COUPONS_GROUP,
  },
  {
    path: '/coupon-batches',
    name: t.coupons.batches,
    icon: <SendOutlined />,
    element: <CouponBatchesPage />,
    route: routes.createCouponBatch,
    group: COUPONS_GROUP,
  },
  {
    path: '/scenes',
    name: t.menu.scenes,
    icon: <QrcodeOutlined />,
    element: <ScenesPage />,
    route: routes.adminScenesCreate,
  },
  {
    path: '/audit',
    name: t.menu.audit,
    icon: <AuditOutlined />,
    element: <AuditLogPage />,
    route: routes.adminAuditLog,
  },
];

export function pagesFor(role: StaffRole): ConsolePage[] {
  return CONSOLE_PAGES.filter(
    (page) => page.route.auth === 'staff' && (!page.route.roles || page.route.roles.includes(role)),
  );
}
