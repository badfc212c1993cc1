import { z } from 'zod';
import { IsoDateTime } from './common';
import { defineRoute } from './route';

export const PointsAdjustmentBody = z.object({
  /** Positive adds points (a new lot); negative takes them and may not go below zero. */
  points: z
    .number()
    .int()
    .min(-10_000_000)
    .max(10_000_000)
    .refine((points) => points !== 0, 'must not be zero'),
  reason: z.string().trim().min(2).max(200),
});

export const PointsAdjustmentResponse = z.object({
  postingId: z.string(),
  memberId: z.string(),
  points: z.number().int(),
  pointsBalance: z.number().int(),
});

export const ExpirePointsBody = z.object({ asOf: IsoDateTime.optional() });

export const ExpirePointsResponse = z.object({
  asOf: IsoDateTime,
  lots: z.number().int(),
  points: z.number().int(),
});

export const pointsRoutes = {
  adjustPoints: defineRoute({
    method: 'POST',
    path: '/api/admin/members/:id/points-adjustments',
    summary: 'Add or take points by hand, with a reason (audited)',
    tag: 'admin',
    auth: 'staff',
    roles: ['admin'],
    idempotent: true,
    body: PointsAdjustmentBody,
    status: 201,
    response: PointsAdjustmentResponse,
    errors: ['MEMBER_NOT_FOUND', 'POINTS_INSUFFICIENT'],
  }),
  devExpirePoints: defineRoute({
    method: 'POST',
    path: '/api/dev/expire-points',
    summary: 'Run the points expiry job now (development only; production runs `huika expire-points`)',
    tag: 'dev',
    auth: 'dev',
    body: ExpirePointsBody,
    status: 200,
    response: ExpirePointsResponse,
  }),
};
