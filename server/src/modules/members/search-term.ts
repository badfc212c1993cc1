/**
 * How the console's one search box is read: the three kinds of member key have different shapes, so each
 * is looked up by its own index instead of OR-ing three conditions (which no index answers in join order).
 * A mainland mobile number is 11 digits starting with 1; a card number is 12–20 digits (DOMAIN §2); anything
 * else is the start of a name.
 */
export type SearchTerm =
  { kind: 'phone'; phone: string } | { kind: 'cardNo'; cardNo: string } | { kind: 'name'; prefix: string };

export function searchTermOf(q: string): SearchTerm {
  const compact = q.replace(/[\s-]/g, '');
  if (/^1\d{10}$/.test(compact)) return { kind: 'phone', phone: compact };
  if (/^\d{12,20}$/.test(compact)) return { kind: 'cardNo', cardNo: compact };
  return { kind: 'name', prefix: q };
}

/** A LIKE pattern (with ESCAPE '!', the same on both databases) matching names that start with `prefix`. */
export function namePrefixPattern(prefix: string): string {
  return `${prefix.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * The join-time bound of a search. A member's last purchase is never before they joined, so "last purchase
 * before D" also means "joined before D": the walk in join order starts at D instead of reading every member who
 * joined since, all of whom fail the filter.
 */
export function joinedBeforeBound(search: {
  joinedBefore: number | undefined;
  lastPurchaseBefore: number | undefined;
}): number | undefined {
  const bounds = [search.joinedBefore, search.lastPurchaseBefore].filter((bound) => bound !== undefined);
  return bounds.length === 0 ? undefined : Math.min(...bounds);
}

/**
 * The order a member list is in: newest joins first, except with a last-purchase filter and no store, when it is
 * most recent last purchase first (the order a "who lapsed" list is read in, and the one an index can walk).
 * A store's list stays in join order, walked over that store's joins.
 */
export function listOrderOf(search: {
  storeId: string | undefined;
  lastPurchaseFrom: number | undefined;
  lastPurchaseBefore: number | undefined;
}): 'joined' | 'lastPurchase' {
  const byLastPurchase = search.lastPurchaseFrom !== undefined || search.lastPurchaseBefore !== undefined;
  return byLastPurchase && search.storeId === undefined ? 'lastPurchase' : 'joined';
}
