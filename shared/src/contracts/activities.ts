import { z } from 'zod';
import { IsoDateTime, PaginationQuery, paginated } from './common';
import { defineRoute } from './route';

const Capacity = z.number().int().min(1).max(100_000);
const Fee = z.number().int().min(0).max(10_000_000);

/** A member activity (会员活动, DOMAIN §5): a class, an outing, with seats and a sign-up fee in points. */
export const CreateActivityBody = z
  .object({
    name: z.string().trim().min(1).max(64),
    description: z.string().trim().max(255).nullable().optional(),
    startsAt: IsoDateTime,
    /** Sign-ups and cancellations (with the fee given back) are open until here. */
    signupDeadline: IsoDateTime,
    capacity: Capacity,
    pointsFee: Fee,
  })
  .refine((a) => Date.parse(a.signupDeadline) <= Date.parse(a.startsAt), {
    message: 'the sign-up deadline must not be after the start',
    path: ['signupDeadline'],
  });

export const UpdateActivityBody = z.object({
  name: z.string().trim().min(1).max(64).optional(),
  description: z.string().trim().max(255).nullable().optional(),
  startsAt: IsoDateTime.optional(),
  signupDeadline: IsoDateTime.optional(),
  /** Never below the seats already taken. */
  capacity: Capacity.optional(),
  /** For sign-ups from now on; a cancellation gives back what that sign-up paid. */
  pointsFee: Fee.optional(),
  active: z.boolean().optional(),
});

export const ActivityAdminView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  startsAt: IsoDateTime,
  signupDeadline: IsoDateTime,
  capacity: z.number().int(),
  taken: z.number().int(),
  pointsFee: z.number().int(),
  active: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

export const SignUpRefusal = z.enum(['ALREADY_SIGNED_UP', 'SIGNUP_CLOSED', 'ACTIVITY_FULL', 'POINTS_INSUFFICIENT']);

export const ActivityMemberView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  startsAt: IsoDateTime,
  signupDeadline: IsoDateTime,
  capacity: z.number().int(),
  seatsLeft: z.number().int(),
  pointsFee: z.number().int(),
  signedUp: z.boolean(),
  /** Whether the member could sign up now; otherwise `reason` is the code a sign-up would get. */
  canSignUp: z.boolean(),
  reason: SignUpRefusal.optional(),
  /** Signed up and the deadline not passed: a cancellation gives the fee back. */
  canCancel: z.boolean(),
});

export const ActivitySignupResponse = z.object({
  id: z.string(),
  activityId: z.string(),
  status: z.enum(['active', 'cancelled']),
  pointsSpent: z.number().int(),
  pointsBalance: z.number().int(),
});

export const ActivityCancellationResponse = z.object({
  id: z.string(),
  activityId: z.string(),
  status: z.literal('cancelled'),
  pointsRefunded: z.number().int(),
  pointsBalance: z.number().int(),
});

export const ActivitySignupStatus = z.enum(['active', 'cancelled']);

export const ActivitySignupsQuery = PaginationQuery.extend({ status: ActivitySignupStatus.optional() });

/** A sign-up as headquarters sees it: who, what it paid, whether it stands. */
export const ActivitySignupAdminView = z.object({
  id: z.string(),
  memberId: z.string(),
  cardNo: z.string(),
  memberName: z.string(),
  status: ActivitySignupStatus,
  pointsFee: z.number().int(),
  createdAt: IsoDateTime,
  cancelledAt: IsoDateTime.nullable(),
});

export const activitiesRoutes = {
  listActivitiesAdmin: defineRoute({
    method: 'GET',
    path: '/api/admin/activities',
    summary: 'Member activities with their seats taken, inactive and past ones too',
    tag: 'admin',
    auth: 'staff',
    roles: ['admin'],
    query: PaginationQuery,
    status: 200,
    response: paginated(ActivityAdminView),
  }),
  createActivity: defineRoute({
    method: 'POST',
    path: '/api/admin/activities',
    summary: 'Create a member activity with capacity, sign-up deadline and a fee in points (audited)',
    tag: 'admin',
    auth: 'staff',
    roles: ['admin'],
    body: CreateActivityBody,
    status: 201,
    response: ActivityAdminView,
  }),
  updateActivity: defineRoute({
    method: 'PATCH',
    path: '/api/admin/activities/:id',
    summary: 'Change a member activity; capacity never below the seats taken (audited)',
    tag: 'admin',
    auth: 'staff',
    roles: ['admin'],
    body: UpdateActivityBody,
    status: 200,
    response: ActivityAdminView,
    errors: ['ACTIVITY_NOT_FOUND', 'CONFLICT'],
  }),
  adminActivitySignups: defineRoute({
    method: 'GET',
    path: '/api/admin/activities/:id/signups',
    summary: "An activity's sign-ups, newest first, standing or cancelled",
    tag: 'admin',
    auth: 'staff',
    roles: ['admin'],
    query: ActivitySignupsQuery,
    status: 200,
    response: paginated(ActivitySignupAdminView),
    errors: ['ACTIVITY_NOT_FOUND'],
  }),
  activities: defineRoute({
    method: 'GET',
    path: '/api/activities',
    summary: 'Upcoming member activities, each with whether this member can sign up and why not',
    tag: 'member',
    auth: 'member',
    query: PaginationQuery,
    status: 200,
    response: paginated(ActivityMemberView),
    errors: ['MEMBER_NOT_FOUND'],
  }),
  signUpActivity: defineRoute({
    method: 'POST',
    path: '/api/activities/:id/signups',
    summary: 'Sign up for an activity: a seat and the fee in points, in one transaction',
    tag: 'member',
    auth: 'member',
    idempotent: true,
    status: 201,
    response: ActivitySignupResponse,
    errors: [
      'ACTIVITY_NOT_FOUND',
      'ACTIVITY_FULL',
      'ALREADY_SIGNED_UP',
      'SIGNUP_CLOSED',
      'POINTS_INSUFFICIENT',
      'MEMBER_NOT_FOUND',
    ],
  }),
  cancelActivitySignup: defineRoute({
    method: 'DELETE',
    path: '/api/activities/:id/signups/mine',
    summary: "Cancel the member's sign-up before the deadline: the seat is released and the fee given back",
    tag: 'member',
    auth: 'member',
    idempotent: true,
    status: 200,
    response: ActivityCancellationResponse,
    errors: ['ACTIVITY_NOT_FOUND', 'SIGNUP_NOT_FOUND', 'CANCELLATION_CLOSED', 'MEMBER_NOT_FOUND'],
  }),
};
