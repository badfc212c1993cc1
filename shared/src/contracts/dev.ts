import { z } from 'zod';
import { IsoDateTime } from './common';
import { defineRoute } from './route';

export const DevLoginBody = z.object({
  openid: z.string().min(1).max(128),
  phone: z
    .string()
    .regex(/^1\d{10}$/, 'a mainland mobile number of 11 digits')
    .optional(),
});

export const LoginResponse = z.object({
  /** The access token: a bearer token for member routes. */
  token: z.string(),
  memberId: z.string().nullable(),
  /** Single use: exchange it at /api/auth/member/refresh for a new pair when the access token expires. */
  refreshToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int().positive(),
});

export const DevClockBody = z.object({ now: IsoDateTime });

export const DevClockResponse = z.object({
  now: IsoDateTime,
  offsetMs: z.number().int(),
});

export const devRoutes = {
  devLogin: defineRoute({
    method: 'POST',
    path: '/api/dev/login',
    summary: 'Log in as a WeChat identity without WeChat (development only)',
    tag: 'dev',
    auth: 'dev',
    body: DevLoginBody,
    status: 200,
    response: LoginResponse,
  }),
  devClockSet: defineRoute({
    method: 'PUT',
    path: '/api/dev/clock',
    summary: "Move every server's clock to `now`, from where it keeps running (development only)",
    tag: 'dev',
    auth: 'dev',
    body: DevClockBody,
    status: 200,
    response: DevClockResponse,
  }),
  devClockReset: defineRoute({
    method: 'DELETE',
    path: '/api/dev/clock',
    summary: 'Back to real time (development only)',
    tag: 'dev',
    auth: 'dev',
    status: 200,
    response: DevClockResponse,
  }),
};
