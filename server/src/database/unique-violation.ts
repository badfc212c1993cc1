/**
 * Whether a database error is a unique-key violation (MySQL/MariaDB ER_DUP_ENTRY, SQLite
 * SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY): the loser of a race for a unique value.
 */
export function isUniqueViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: unknown } } | null)?.driverError;
  const code = driverError?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** An error translation for a write (`defer`'s `onError`): a unique-key violation becomes `error()`, anything else stays. */
export function onUniqueViolation(error: () => Error): (cause: unknown) => unknown {
  return (cause) => (isUniqueViolation(cause) ? error() : cause);
}
