import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** A new ULID: unique, and sortable by creation time (good for InnoDB clustered keys and cursors). */
export function newId(): string {
  return next();
}
