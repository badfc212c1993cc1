import { z } from 'zod';
import { defineRoute } from './route';

export const ReferralSummary = z.object({
  /** The member's invite code; it is also the scene of their invite QR code. */
  inviteCode: z.string(),
  /** The scene to put in the invite QR code (kind referrer). */
  scene: z.string(),
  /** The mini-program page the invite opens. */
  path: z.string(),
  /** Members who joined through the invite (refused referrals not counted). */
  invitedCount: z.number().int(),
  /** Referrals whose reward was granted. */
  rewardedCount: z.number().int(),
  /** Waiting for the invitee's first purchase or the holding period. */
  pendingCount: z.number().int(),
  /** Recorded but not rewarded: self-referral or over the daily/monthly cap. */
  refusedCount: z.number().int(),
  /** Reward points granted and not taken back. */
  pointsEarned: z.number().int(),
});

export const referralRoutes = {
  myReferral: defineRoute({
    method: 'GET',
    path: '/api/me/referral',
    summary: "The member's invite code and scene, and how their invitations went",
    tag: 'member',
    auth: 'member',
    status: 200,
    response: ReferralSummary,
    errors: ['MEMBER_NOT_FOUND'],
  }),
};
