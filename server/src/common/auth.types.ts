import type { StaffRole } from '@huika/shared';

/** A member-side caller: a WeChat or phone identity, who may or may not have joined yet. */
export interface MemberAuth {
  kind: 'member';
  /** The identity the token was issued to (openid, or phone hash on H5). */
  identity: string;
  memberId: string | null;
  /** The login session the token belongs to; checked on every call (MemberSessionsRepository). */
  sessionId: string;
}

export interface StaffAuth {
  kind: 'staff';
  staffId: string;
  role: StaffRole;
  storeId: string | null;
  /** The account's session version when the token was issued (StaffSessions refuses a token once it differs). */
  sessionVersion: number;
}

export type RequestAuth = MemberAuth | StaffAuth;
