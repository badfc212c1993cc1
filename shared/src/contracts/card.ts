import { z } from 'zod';
import { IsoDateTime } from './common';
import { MobilePhone, SmsCode } from './identity';
import { MeResponse, TierSummary } from './me';
import { defineRoute } from './route';

export const CardCodeResponse = z.object({
  /** The dynamic QR payload (DOMAIN §2): signed, short-lived, single-use once a purchase is posted with it. */
  code: z.string(),
  /** The last instant a till accepts this code (the current time step and one step back). */
  expiresAt: IsoDateTime,
  /** Ask for a new code after this many seconds (when the time step changes). */
  refreshInSeconds: z.number().int().positive(),
});

/** A card number as printed: 12 or more digits, the last one a Luhn check digit. */
export const CardNo = z
  .string()
  .trim()
  .regex(/^\d{12,20}$/, 'a card number of 12–20 digits');

/** Either the dynamic QR payload, or the static card number with the last 4 digits of the phone. */
export const PosScanBody = z
  .object({
    code: z.string().trim().min(1).max(256).optional(),
    cardNo: CardNo.optional(),
    phoneLast4: z
      .string()
      .trim()
      .regex(/^\d{4}$/, 'the last 4 digits of the phone')
      .optional(),
  })
  .superRefine((body, context) => {
    if (body.code !== undefined) {
      if (body.cardNo !== undefined || body.phoneLast4 !== undefined) {
        context.addIssue({ code: 'custom', path: ['code'], message: 'send either code, or cardNo with phoneLast4' });
      }
      return;
    }
    if (body.cardNo === undefined)
      context.addIssue({ code: 'custom', path: ['code'], message: 'code or cardNo is required' });
    if (body.phoneLast4 === undefined) {
      context.addIssue({ code: 'custom', path: ['phoneLast4'], message: 'the manual lookup needs phoneLast4' });
    }
  });

/** What the till sees of the member: personal data masked (DOMAIN §12). */
export const PosMember = z.object({
  id: z.string(),
  cardNo: z.string(),
  name: z.string(),
  phoneMasked: z.string().nullable(),
  tier: TierSummary,
  /** Spendable points. */
  points: z.number().int(),
  pointsPending: z.number().int(),
  balanceFen: z.number().int(),
  cardValidUntil: IsoDateTime.nullable(),
  /** The member's usable coupons (empty until coupons exist). */
  coupons: z.array(z.looseObject({ id: z.string(), name: z.string() })),
});

export const PosScanResponse = z.object({
  /** Identifies the member for this checkout at this till (10 minutes). */
  checkoutToken: z.string(),
  checkoutTokenExpiresAt: IsoDateTime,
  /**
   * How the member was found: `code`, the dynamic QR code; `manual`, the card number with the phone's last 4
   * digits. A manual checkout earns only: spending points, coupons or stored value needs the dynamic code.
   */
  lookup: z.enum(['code', 'manual']),
  member: PosMember,
});

export const CardReissueBody = z.object({
  /** The member's own phone, verified with a fresh one-time code (POST /api/auth/sms/send). */
  phone: MobilePhone,
  code: SmsCode,
});

const TILL = ['cashier', 'manager', 'admin'] as const;

export const cardRoutes = {
  myCardCode: defineRoute({
    method: 'GET',
    path: '/api/me/card-code',
    summary: "The card's dynamic QR payload; refresh it every refreshInSeconds",
    tag: 'member',
    auth: 'member',
    status: 200,
    response: CardCodeResponse,
    errors: ['MEMBER_NOT_FOUND'],
  }),
  myCardReissue: defineRoute({
    method: 'POST',
    path: '/api/me/card/reissue',
    summary: 'A new card number after a phone one-time code: the old number is dead; points, tier and balance stay',
    tag: 'member',
    auth: 'member',
    body: CardReissueBody,
    status: 200,
    response: MeResponse,
    errors: ['MEMBER_NOT_FOUND', 'PHONE_MISMATCH', 'SMS_CODE_INVALID', 'RATE_LIMITED'],
  }),
  posScan: defineRoute({
    method: 'POST',
    path: '/api/pos/scan',
    summary: "Identify the member at the till by the card's QR payload, or by card number and phone's last 4 digits",
    tag: 'pos',
    auth: 'staff',
    roles: TILL,
    body: PosScanBody,
    status: 200,
    response: PosScanResponse,
    errors: ['CARD_CODE_EXPIRED', 'CARD_CODE_USED', 'CARD_NOT_FOUND', 'CARD_LAPSED', 'RATE_LIMITED'],
  }),
};
