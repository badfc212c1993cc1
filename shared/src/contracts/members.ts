import { z } from 'zod';
import { IsoDate, IsoDateTime, PaginationQuery, paginated } from './common';
import { MobilePhone } from './identity';
import { MeResponse, PointEntry, SessionsEndedResponse } from './me';
import { defineRoute } from './route';
import { DisplayName } from './staff';

/** What a scene attributes a join to (DOMAIN §1). Referrer scenes are the members' own invite codes. */
export const SceneKind = z.enum(['store', 'staff', 'campaign', 'referrer']);

/** WeChat mini-program codes carry at most 32 visible characters of scene. */
export const SceneCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, '1–32 letters, digits, "_" or "-"');

export const CreateSceneBody = z.object({
  kind: z.enum(['store', 'staff', 'campaign']),
  /** The store id, the staff id, or the campaign's id or name. */
  targetId: z.string().trim().min(1).max(64),
  /** Chosen by headquarters (printed on a poster); made up when omitted. */
  code: SceneCode.optional(),
});

export const SceneView = z.object({
  code: z.string(),
  kind: SceneKind,
  targetId: z.string(),
  createdAt: IsoDateTime,
  /** The mini-program page that opens the join form with this scene. */
  path: z.string(),
  /** The link the QR code encodes: the H5 join page, which WeChat can map to the mini-program page. */
  url: z.string(),
  /** The QR code as a PNG data URL (also at GET /api/admin/scenes/:code/qr.png). */
  qrPngDataUrl: z.string(),
});

export const JoinBody = z
  .object({
    name: DisplayName,
    /** Month and day matter (birthday multipliers); the year is kept as given. */
    birthday: IsoDate.refine((value) => value >= '1900-01-01', 'a birthday after 1900'),
    /** The member's phone. With an SMS (phone) login it must be the verified phone. */
    phone: MobilePhone.optional(),
    /** Instead of `phone`: the code from the mini-program's getPhoneNumber button, exchanged with WeChat. */
    phoneCode: z.string().trim().min(1).max(128).optional(),
    /** The version of the privacy terms the member accepted (DOMAIN §15). */
    consentVersion: z.string().trim().min(1).max(32),
    /** The scene of the QR code that led here (store / staff / campaign / referrer). */
    scene: SceneCode.optional(),
    /** The app's device id, for the self-referral guard (kept only as a hash). */
    deviceId: z.string().trim().min(1).max(128).optional(),
  })
  .refine((body) => body.phone !== undefined || body.phoneCode !== undefined, {
    path: ['phone'],
    message: 'a phone number (or a WeChat phone code) is required',
  });

export const JoinResponse = MeResponse.extend({
  /** A member token that carries the new member id; use it from now on. */
  token: z.string(),
});

const somethingToChange = (value: Record<string, unknown>) => Object.values(value).some((field) => field !== undefined);

export const UpdateMeBody = z
  .object({
    name: DisplayName.optional(),
    /** Only while none is set: after that, headquarters changes it (birthday rewards must not be moved at will). */
    birthday: IsoDate.optional(),
  })
  .refine(somethingToChange, 'nothing to change');

export const AdminUpdateMemberBody = UpdateMeBody;

export const CloseAccountBody = z.object({
  /** Closing erases the personal data for good: the member must confirm it. */
  confirm: z.literal(true),
});

export const AdminMemberView = z.object({
  id: z.string(),
  cardNo: z.string(),
  name: z.string(),
  phoneMasked: z.string().nullable(),
  birthday: IsoDate.nullable(),
  tierCode: z.string(),
  status: z.enum(['active', 'closed']),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

const ReferralRecord = z.object({
  id: z.string(),
  state: z.enum(['pending', 'granted', 'reversed', 'refused']),
  reason: z.string().nullable(),
  createdAt: IsoDateTime,
});

/** Everything Huika keeps about the member (DOMAIN §15). */
export const MemberExport = z.object({
  exportedAt: IsoDateTime,
  profile: z.object({
    id: z.string(),
    cardNo: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    birthday: z.string().nullable(),
    wechatLinked: z.boolean(),
    tierCode: z.string(),
    pointsBalance: z.number().int(),
    pointsPending: z.number().int(),
    balanceFen: z.number().int(),
    cardValidUntil: IsoDateTime.nullable(),
    createdAt: IsoDateTime,
  }),
  consent: z.object({ version: z.string(), consentedAt: IsoDateTime.nullable() }).nullable(),
  join: z
    .object({
      scene: z.string().nullable(),
      sceneKind: SceneKind.nullable(),
      storeId: z.string().nullable(),
      staffId: z.string().nullable(),
      campaign: z.string().nullable(),
      channel: z.string(),
      joinedAt: IsoDateTime,
    })
    .nullable(),
  pointsEntries: z.array(PointEntry),
  referrals: z.object({
    /** The referral that brought this member, if any (the referrer is not named: their data is theirs). */
    invitedBy: ReferralRecord.nullable(),
    invited: z.array(ReferralRecord),
  }),
});

/** A calendar month of the year, 1–12 (the birthday month filter). */
const MonthOfYear = z.coerce.number().int().min(1).max(12);
const PointsBound = z.coerce.number().int().min(0).max(2_000_000_000);

/**
 * Headquarters' and store managers' member search. `q` is read by its shape: an 11-digit mobile number is
 * matched exactly through the phone lookup hash, 12–20 digits exactly as a card number, anything else as a
 * name prefix. Dates are calendar days in the program's time zone, both ends included. The cursor is opaque.
 */
export const AdminMembersQuery = PaginationQuery.extend({
  q: z.string().trim().min(1).max(64).optional(),
  tier: z.string().trim().min(1).max(32).optional(),
  storeId: z.string().trim().min(1).max(64).optional(),
  /** The join scene's code (a store poster, a staff code, a campaign). */
  scene: SceneCode.optional(),
  /** The member's own invite code: finds the member who owns it. */
  inviteCode: SceneCode.optional(),
  joinedFrom: IsoDate.optional(),
  joinedTo: IsoDate.optional(),
  lastPurchaseFrom: IsoDate.optional(),
  /** Members whose last purchase was before this day (members who never bought are not included). */
  lastPurchaseBefore: IsoDate.optional(),
  pointsMin: PointsBound.optional(),
  pointsMax: PointsBound.optional(),
  birthdayMonth: MonthOfYear.optional(),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'a cursor from a previous page')
    .optional(),
})
  .refine((q) => !q.joinedFrom || !q.joinedTo || q.joinedFrom <= q.joinedTo, {
    path: ['joinedTo'],
    message: 'joinedTo before joinedFrom',
  })
  .refine((q) => q.pointsMin === undefined || q.pointsMax === undefined || q.pointsMin <= q.pointsMax, {
    path: ['pointsMax'],
    message: 'pointsMax below pointsMin',
  });

export const AdminMemberListItem = z.object({
  id: z.string(),
  cardNo: z.string(),
  name: z.string(),
  phoneMasked: z.string().nullable(),
  tier: z.object({ code: z.string(), name: z.string() }),
  points: z.number().int(),
  joinedAt: IsoDateTime,
  lastPurchaseAt: IsoDateTime.nullable(),
});

export const AdminMemberList = paginated(AdminMemberListItem);

const HEADQUARTERS = ['admin'] as const;

export const membersRoutes = {
  joinMember: defineRoute({
    method: 'POST',
    path: '/api/members',
    summary: 'Join: the member card for the logged-in identity, with the join gift and the scene attribution',
    tag: 'member',
    auth: 'member',
    body: JoinBody,
    status: 201,
    response: JoinResponse,
    errors: [
      'ALREADY_MEMBER',
      'PHONE_TAKEN',
      'PHONE_MISMATCH',
      'WECHAT_CODE_INVALID',
      'WECHAT_UNAVAILABLE',
      'RATE_LIMITED',
    ],
  }),
  updateMe: defineRoute({
    method: 'PATCH',
    path: '/api/me',
    summary: 'Change the name, or set the birthday once',
    tag: 'member',
    auth: 'member',
    body: UpdateMeBody,
    status: 200,
    response: MeResponse,
    errors: ['MEMBER_NOT_FOUND', 'BIRTHDAY_LOCKED'],
  }),
  exportMe: defineRoute({
    method: 'GET',
    path: '/api/me/export',
    summary: "All of the member's data as JSON: profile, consent, points entries, referrals",
    tag: 'member',
    auth: 'member',
    status: 200,
    response: MemberExport,
    errors: ['MEMBER_NOT_FOUND'],
  }),
  closeMe: defineRoute({
    method: 'DELETE',
    path: '/api/me',
    summary: 'Close the account: personal data erased, the points ledger kept for the books',
    tag: 'member',
    auth: 'member',
    body: CloseAccountBody,
    status: 204,
    errors: ['MEMBER_NOT_FOUND'],
  }),
  adminScenesCreate: defineRoute({
    method: 'POST',
    path: '/api/admin/scenes',
    summary: 'Make a join scene for a store, a staff member or a campaign, with its QR code',
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    body: CreateSceneBody,
    status: 201,
    response: SceneView,
    errors: ['SCENE_CODE_TAKEN', 'STORE_NOT_FOUND', 'STAFF_NOT_FOUND'],
  }),
  adminSceneQr: defineRoute({
    method: 'GET',
    path: '/api/admin/scenes/:code/qr.png',
    summary: "A scene's QR code as a PNG image",
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    status: 200,
    errors: ['SCENE_NOT_FOUND'],
  }),
  adminMembersList: defineRoute({
    method: 'GET',
    path: '/api/admin/members',
    summary:
      'Find members by exact phone, card number, name prefix or invite code, filtered by tier, join store and scene, ' +
      'join date, last purchase, points and birthday month; newest joins first (with a last-purchase filter and no ' +
      'store: most recent last purchase first). A store manager sees only the ' +
      'members who joined at their store.',
    tag: 'admin',
    auth: 'staff',
    roles: ['admin', 'manager'],
    query: AdminMembersQuery,
    status: 200,
    response: AdminMemberList,
    errors: ['VALIDATION_FAILED', 'FORBIDDEN'],
  }),
  adminMembersUpdate: defineRoute({
    method: 'PATCH',
    path: '/api/admin/members/:id',
    summary:
      "Correct a member's name or birthday (audited with before and after): a store manager only the name of a member who joined at their store, headquarters both",
    tag: 'admin',
    auth: 'staff',
    roles: ['admin', 'manager'],
    body: AdminUpdateMemberBody,
    status: 200,
    response: AdminMemberView,
    errors: ['MEMBER_NOT_FOUND'],
  }),
  adminMemberSessionsEnd: defineRoute({
    method: 'POST',
    path: '/api/admin/members/:id/sessions/end',
    summary: 'End every session of a member (a lost phone reported to headquarters); audited',
    tag: 'admin',
    auth: 'staff',
    roles: HEADQUARTERS,
    status: 200,
    response: SessionsEndedResponse,
    errors: ['MEMBER_NOT_FOUND'],
  }),
};
