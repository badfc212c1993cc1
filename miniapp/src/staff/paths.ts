/** The staff pages, all in the `pages/staff` subpackage. */
export const STAFF_PAGES = {
  login: '/pages/staff/login/index',
  scan: '/pages/staff/scan/index',
  checkout: '/pages/staff/checkout/index',
  receipt: '/pages/staff/receipt/index',
  refunds: '/pages/staff/refunds/index',
  pickups: '/pages/staff/pickups/index',
} as const;

export type StaffPage = keyof typeof STAFF_PAGES;
