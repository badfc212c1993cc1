import { isUniqueViolation } from '../../database/unique-violation';

/**
 * The unique key a duplicate-key error names: MariaDB/MySQL "Duplicate entry '…' for key 'uq_members_openid'"
 * (MySQL 8 prefixes the table), SQLite "UNIQUE constraint failed: members.openid". Null for other errors.
 * Only the key part is read: the duplicate value itself may contain anything.
 */
export function violatedUniqueKey(error: unknown): string | null {
  if (!isUniqueViolation(error)) return null;
  const message = String((error as { message?: unknown }).message ?? '');
  const mysql = /for key '([^']+)'/.exec(message);
  if (mysql?.[1]) return mysql[1];
  const sqlite = /UNIQUE constraint failed: (.+)$/m.exec(message);
  return sqlite?.[1] ?? '';
}
