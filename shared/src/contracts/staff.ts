import { z } from 'zod';
import { Id, IsoDate, IsoDateTime, PaginationQuery, paginated } from './common';
import { defineRoute } from './route';

/** Staff roles (DOMAIN §12): cashier and manager work at one store, headquarters admins at none. */
export const StaffRoleSchema = z.enum(['cashier', 'manager', 'admin']);

/** Usernames are compared case-insensitively on every database, so they are stored lower-case. */
export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, '3–64 letters, digits, ".", "_" or "-", starting with a letter or digit');

/** Long enough to resist guessing; capped so that hashing stays cheap. */
export const NewPassword = z.string().min(8).max(128);

export const DisplayName = z.string().trim().min(1).max(64);

export const StoreCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9_-]{1,16}$/, '1–16 letters, digits, "_" or "-"');

/** A ULID as made by the server: the cursor of every list here is the id of the last item seen. */
export const IdCursor = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/i, 'a cursor from a previous page');

const IdPaginationQuery = PaginationQuery.extend({ cursor: IdCursor.optional() });

/** A staff account as the API shows it: never the password or its hash. */
export const StaffView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: StaffRoleSchema,
  storeId: z.string().nullable(),
  active: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

export const StoreView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  address: z.string().nullable(),
  active: z.boolean(),
  createdAt: IsoDateTime,
});

export const StaffLoginBody = z.object({
  // Not the Username pattern: a malformed name is just a wrong login, answered like any other.
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(128),
});

/** The refresh token, from the body (native tills) or, when the body has none, from the H5 app's cookie. */
export const StaffRefreshBody = z.object({ refreshToken: z.string().min(1).max(256).optional() });

export const StaffLogoutBody = StaffRefreshBody;

export const StaffSessionResponse = z.object({
  /** The access token: a bearer token for staff routes. */
  token: z.string(),
  staff: z.object({
    id: z.string(),
    role: StaffRoleSchema,
    storeId: z.string().nullable(),
    username: z.string(),
    displayName: z.string(),
  }),
  /**
   * Single use: exchange it at /api/auth/staff/refresh for a new pair. Also set as an HttpOnly cookie for the H5
   * app, which keeps it nowhere else.
   */
  refreshToken: z.string(),
  /** Seconds until the refresh token expires: the session ends 12 hours after its login, however often refreshed. */
  refreshExpiresIn: z.number().int().nonnegative(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int().positive(),
});

function requireStoreForStoreRoles(
  value: { role?: z.infer<typeof StaffRoleSchema>; storeId?: string | null },
  context: z.RefinementCtx,
): void {
  if (value.role === 'admin' && value.storeId) {
    context.addIssue({ code: 'custom', path: ['storeId'], message: 'headquarters admins belong to no store' });
  }
  if ((value.role === 'cashier' || value.role === 'manager') && !value.storeId) {
    context.addIssue({ code: 'custom', path: ['storeId'], message: 'cashiers and managers need a store' });
  }
}

export const CreateStaffBody = z
  .object({
    username: Username,
    password: NewPassword,
    displayName: DisplayName,
    role: StaffRoleSchema,
    storeId: Id.nullable().optional(),
  })
  .superRefine(requireStoreForStoreRoles);

export const UpdateStaffBody = z
  .object({
    displayName: DisplayName.optional(),
    role: StaffRoleSchema.optional(),
    /** null: no store (headquarters). Omitted when promoting to admin: the store is cleared. */
    storeId: Id.nullable().optional(),
    active: z.boolean().optional(),
    /** A new password; every session of the account ends. */
    password: NewPassword.optional(),
  })
  .refine((value) => Object.values(value).some((field) => field !== undefined), 'nothing to change');

export const StaffListQuery = IdPaginationQuery.extend({
  storeId: Id.optional(),
  role: StaffRoleSchema.optional(),
  active: z.enum(['true', 'false']).optional(),
});

export const StoreStaffListQuery = IdPaginationQuery;

export const CreateStoreBody = z.object({
  code: StoreCode,
  name: z.string().trim().min(1).max(64),
  address: z.string().trim().min(1).max(255).nullable().optional(),
});

/** The code is printed on posters and encoded in join scenes (DOMAIN §1), so it cannot change. */
export const UpdateStoreBody = z
  .object({
    name: z.string().trim().min(1).max(64).optional(),
    address: z.string().trim().min(1).max(255).nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((value) => Object.values(value).some((field) => field !== undefined), 'nothing to change');

export const StoreListQuery = IdPaginationQuery;

export const AuditActorView = z.object({ kind: z.enum(['staff', 'member', 'system']), id: z.string().nullable() });

export const AuditLogEntryView = z.object({
  id: z.string(),
  /** null: nobody identified (a failed login). */
  actor: AuditActorView.nullable(),
  action: z.string(),
  target: z.object({ kind: z.string(), id: z.string().nullable() }).nullable(),
  before: z.unknown(),
  after: z.unknown(),
  createdAt: IsoDateTime,
});

export const AuditLogQuery = IdPaginationQuery.extend({
  targetKind: z.string().min(1).max(32).optional(),
  targetId: z.string().min(1).max(64).optional(),
  actorId: z.string().min(1).max(26).optional(),
  action: z.string().min(1).max(64).optional(),
  /** Calendar days in the program's time zone, both included. */
  from: IsoDate.optional(),
  to: IsoDate.optional(),
}).refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'to before from' });

const ADMIN = ['admin'] as const;

export const staffRoutes = {
  staffLogin: defineRoute({
    method: 'POST',
    path: '/api/auth/staff',
    summary: 'Staff login: an access token (15 minutes) and a refresh token (single use; the session lasts 12 hours)',
    tag: 'staff',
    auth: 'public',
    body: StaffLoginBody,
    status: 200,
    response: StaffSessionResponse,
    errors: ['INVALID_CREDENTIALS', 'STAFF_INACTIVE', 'RATE_LIMITED'],
  }),
  staffRefresh: defineRoute({
    method: 'POST',
    path: '/api/auth/staff/refresh',
    summary: 'Exchange a refresh token for a new access token and a new refresh token (the old one is spent)',
    tag: 'staff',
    auth: 'public',
    body: StaffRefreshBody,
    status: 200,
    response: StaffSessionResponse,
    errors: ['REFRESH_TOKEN_INVALID'],
  }),
  staffLogout: defineRoute({
    method: 'POST',
    path: '/api/auth/staff/logout',
    summary: "End the session of this refresh token (also if it is unknown: there's nothing left to end)",
    tag: 'staff',
    auth: 'public',
    body: StaffLogoutBody,
    status: 204,
  }),
  adminStoresList: defineRoute({
    method: 'GET',
    path: '/api/admin/stores',
    summary: 'Stores, oldest first',
    tag: 'admin',
    auth: 'staff',
    roles: ADMIN,
    query: StoreListQuery,
    status: 200,
    response: paginated(StoreView),
  }),
  adminStoresCreate: defineRoute({
    method: 'POST',
    path: '/api/admin/stores',
    summary: 'Open a store',
    tag: 'admin',
    auth: 'staff',
    roles: ADMIN,
    body: CreateStoreBody,
    status: 201,
    response: StoreView,
    errors: ['STORE_CODE_TAKEN'],
  }),
  adminStoresUpdate: defineRoute({
    method: 'PATCH',
    path: '/api/admin/stores/:id',
    summary: "Rename, move or (de)activate a store; its code can't change",
    tag: 'admin',
    auth: 'staff',
    roles: ADMIN,
    body: UpdateStoreBody,
    status: 200,
    response: StoreView,
    errors: ['STORE_NOT_FOUND'],
  }),
  adminStaffList: defineRoute({
    method: 'GET',
    path: '/api/admin/staff',
    summary: 'Staff accounts, oldest first',
    tag: 'admin',
    auth: 'staff',
    roles: ADMIN,
    query: StaffListQuery,
    status: 200,
    response: paginated(StaffView),
  }),
  adminStaffCreate: defineRoute({
    method: 'POST',
    path: '/api/admin/staff',
    summary: 'Create a staff account; cashiers and managers belong to an active store, admins to none',
    tag: 'admin',
    auth: 'staff',
    roles: ADMIN,
    body: CreateStaffBody,
    status: 201,
    response: StaffView,
    errors: ['USERNAME_TAKEN', 'STORE_NOT_FOUND', 'CONFLICT'],
  }),
  adminStaffUpdate: defineRoute({
    method: 'PATCH',
    path: '/api/admin/staff/:id',
    summary: 'Change a staff account; deactivating it or changing its password ends its sessions',
    tag: 'admin',
    auth: 'staff',
    roles: ADMIN,
    body: UpdateStaffBody,
    status: 200,
    response: StaffView,
    errors: ['STAFF_NOT_FOUND', 'STORE_NOT_FOUND', 'CONFLICT'],
  }),
  storeStaffList: defineRoute({
    method: 'GET',
    path: '/api/store/staff',
    summary: "The staff of the caller's own store (store managers)",
    tag: 'store',
    auth: 'staff',
    roles: ['manager'],
    query: StoreStaffListQuery,
    status: 200,
    response: paginated(StaffView),
  }),
  adminAuditLog: defineRoute({
    method: 'GET',
    path: '/api/admin/audit-log',
    summary: 'The audit log, newest first: who did what to what, with the state before and after',
    tag: 'admin',
    auth: 'staff',
    roles: ADMIN,
    query: AuditLogQuery,
    status: 200,
    response: paginated(AuditLogEntryView),
  }),
};
