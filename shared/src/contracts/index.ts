import { devRoutes } from './dev';
import type { RouteContract } from './route';
import { serviceRoutes } from './service';

export * from './common';
export * from './dev';
export * from './route';
export * from './service';

/** Every route of the API. The server serves exactly these; the OpenAPI document is made from them. */
export const routes = {
  ...serviceRoutes,
  ...devRoutes,
} satisfies Record<string, RouteContract>;

export type RouteName = keyof typeof routes;
