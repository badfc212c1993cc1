import { activitiesRoutes } from './activities';
import { cardRoutes } from './card';
import { checkoutRoutes } from './checkout';
import { couponsRoutes } from './coupons';
import { devRoutes } from './dev';
import { giftsRoutes } from './gifts';
import { identityRoutes } from './identity';
import { meRoutes } from './me';
import { memberOverviewRoutes } from './member-overview';
import { membersRoutes } from './members';
import { pointsRoutes } from './points';
import { adminProgramRoutes, programRoutes } from './program';
import { referralRoutes } from './referral';
import type { RouteContract } from './route';
import { serviceRoutes } from './service';
import { staffRoutes } from './staff';
import { statsRoutes } from './stats';

export * from './activities';
export * from './card';
export * from './common';
export * from './checkout';
export * from './coupons';
export * from './dev';
export * from './gifts';
export * from './identity';
export * from './me';
export * from './member-overview';
export * from './members';
export * from './points';
export * from './program';
export * from './referral';
export * from './route';
export * from './service';
export * from './staff';
export * from './stats';

/** Every route of the API. The server serves exactly these; the OpenAPI document is made from them. */
export const routes = {
  ...serviceRoutes,
  ...devRoutes,
  ...checkoutRoutes,
  ...meRoutes,
  ...pointsRoutes,
  ...programRoutes,
  ...adminProgramRoutes,
  ...identityRoutes,
  ...membersRoutes,
  ...memberOverviewRoutes,
  ...cardRoutes,
  ...referralRoutes,
  ...staffRoutes,
  ...giftsRoutes,
  ...activitiesRoutes,
  ...couponsRoutes,
  ...statsRoutes,
} satisfies Record<string, RouteContract>;

export type RouteName = keyof typeof routes;
