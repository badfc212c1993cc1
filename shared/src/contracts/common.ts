import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors';

export const ErrorBodySchema = z.object({
  code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** ISO-8601 with offset, e.g. 2026-12-31T23:59:59+08:00. */
export const IsoDateTime = z.iso.datetime({ offset: true });

/** A calendar date, YYYY-MM-DD. */
export const IsoDate = z.iso.date();

export const Id = z.string().min(1).max(64);

export const IdempotencyKey = z.string().min(1).max(255);

export const PaginationQuery = z.object({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export function paginated<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
