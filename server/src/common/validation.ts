import type { z } from 'zod';
import { AppError } from './app-error';

/** Parses input with a contract schema; failures become 400 VALIDATION_FAILED naming each field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: 'body' | 'query'): z.output<T> {
  const result = schema.safeParse(value ?? (where === 'query' ? {} : undefined));
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new AppError(
    'VALIDATION_FAILED',
    `invalid ${where}: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
    {
      fields,
    },
  );
}
