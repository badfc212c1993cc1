import { type BodyOf, type routes, yuanStringToFen } from '@huika/shared';
import { interpolate, tStaff } from '../../../i18n';

export type QuoteRequest = BodyOf<typeof routes.quote>;

export type BasketLine = QuoteRequest['lines'][number];

/** A basket line as typed at the till: text until it is sent. */
export interface DraftLine {
  id: number;
  sku: string;
  name: string;
  price: string;
  quantity: number;
  /** 特价: no member discount, no points. */
  special: boolean;
}

export type CheckoutMode = 'lines' | 'quick';

export interface DraftBasket {
  mode: CheckoutMode;
  lines: DraftLine[];
  quickAmount: string;
  couponIds: string[];
  points: string;
}

export const QUICK_SKU = 'QUICK';
export const MAX_QUANTITY = 10_000;

let nextLineId = 1;

export function emptyLine(): DraftLine {
  return { id: nextLineId++, sku: '', name: '', price: '', quantity: 1, special: false };
}

/** Parses a yuan amount as typed ("12", "12.5", "12.50"); null when it is not one. */
export function parseYuan(text: string): number | null {
  try {
    const fen = yuanStringToFen(text);
    return fen >= 0 ? fen : null;
  } catch {
    return null;
  }
}

export type BuiltRequest = { ok: true; request: QuoteRequest } | { ok: false; problem: string | null };

/**
 * The quote request the drafts describe, or what is wrong with them (`problem: null`: nothing typed yet).
 * Prices are only parsed here; every total comes from the server's quote.
 */
export function buildRequest(draft: DraftBasket, checkoutToken: string): BuiltRequest {
  const c = tStaff.checkout;
  let lines: BasketLine[];
  if (draft.mode === 'quick') {
    if (!draft.quickAmount.trim()) return { ok: false, problem: null };
    const fen = parseYuan(draft.quickAmount);
    if (fen === null || fen === 0) return { ok: false, problem: c.invalidAmount };
    lines = [{ sku: QUICK_SKU, name: c.quickLineName, unitPriceFen: fen, quantity: 1 }];
  } else {
    const typed = draft.lines.filter((line) => line.sku.trim() || line.name.trim() || line.price.trim());
    if (typed.length === 0) return { ok: false, problem: null };
    lines = [];
    for (const [index, line] of draft.lines.entries()) {
      if (!typed.includes(line)) continue;
      const fen = parseYuan(line.price);
      if (!line.sku.trim() || !line.name.trim() || fen === null) {
        return { ok: false, problem: interpolate(c.invalidLine, { index: index + 1 }) };
      }
      lines.push({
        sku: line.sku.trim(),
        name: line.name.trim(),
        unitPriceFen: fen,
        quantity: line.quantity,
        ...(line.special ? { pointsEligible: false } : {}),
      });
    }
  }
  const pointsToUse = /^\d+$/.test(draft.points.trim()) ? Number(draft.points.trim()) : 0;
  return {
    ok: true,
    request: {
      checkoutToken,
      lines,
      ...(draft.couponIds.length > 0 ? { couponIds: draft.couponIds } : {}),
      ...(pointsToUse > 0 ? { pointsToUse } : {}),
    },
  };
}
