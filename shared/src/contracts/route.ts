import type { z } from 'zod';
import type { ErrorCode } from '../errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route:
 * - `public`: anyone;
 * - `member`: a member token (a WeChat/phone identity, with or without a member yet);
 * - `staff`: a staff token whose role is in `roles` (all roles when omitted);
 * - `dev`: anyone, but only when the server runs with HUIKA_DEV=true (404 otherwise).
 */
export type RouteAuth = 'public' | 'member' | 'staff' | 'dev';

export type StaffRole = 'cashier' | 'manager' | 'admin';

export interface RouteContract<
  TBody extends z.ZodType | undefined = z.ZodType | undefined,
  TQuery extends z.ZodType | undefined = z.ZodType | undefined,
  TResponse extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  /** Path with `:param` placeholders, starting with /api. */
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  roles?: readonly StaffRole[];
  /** Moves value: requires an Idempotency-Key header. */
  idempotent?: boolean;
  body?: TBody;
  query?: TQuery;
  /** Status of a successful answer. */
  status: 200 | 201 | 202 | 204;
  response?: TResponse;
  errors?: readonly ErrorCode[];
}

export function defineRoute<
  TBody extends z.ZodType | undefined = undefined,
  TQuery extends z.ZodType | undefined = undefined,
  TResponse extends z.ZodType | undefined = undefined,
>(contract: RouteContract<TBody, TQuery, TResponse>): RouteContract<TBody, TQuery, TResponse> {
  return contract;
}

export type BodyOf<C> =
  C extends RouteContract<infer B, z.ZodType | undefined, z.ZodType | undefined>
    ? B extends z.ZodType
      ? z.input<B>
      : undefined
    : never;

export type QueryOf<C> =
  C extends RouteContract<z.ZodType | undefined, infer Q, z.ZodType | undefined>
    ? Q extends z.ZodType
      ? z.input<Q>
      : undefined
    : never;

export type ResponseOf<C> =
  C extends RouteContract<z.ZodType | undefined, z.ZodType | undefined, infer R>
    ? R extends z.ZodType
      ? z.output<R>
      : undefined
    : never;
