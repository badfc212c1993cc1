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
