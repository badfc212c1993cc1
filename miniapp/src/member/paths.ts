/** The member pages, as Taro URLs. Card, gifts and me are the tab bar's pages and are opened with switchTab. */
export const memberPaths = {
  home: '/pages/index/index',
  join: '/pages/join/index',
  terms: '/pages/terms/index',
  card: '/pages/card/index',
  points: '/pages/points/index',
  coupons: '/pages/coupons/index',
  gifts: '/pages/gifts/index',
  redemptions: '/pages/redemptions/index',
  invite: '/pages/invite/index',
  activities: '/pages/activities/index',
  purchases: '/pages/purchases/index',
  me: '/pages/me/index',
} as const;

export type MemberPath = (typeof memberPaths)[keyof typeof memberPaths];

const TAB_PATHS: ReadonlySet<string> = new Set([memberPaths.card, memberPaths.gifts, memberPaths.me]);

export function isTabPath(path: string): boolean {
  return TAB_PATHS.has(path);
}
