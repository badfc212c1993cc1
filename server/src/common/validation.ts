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
  throw validationFailed(where, fields);
}

/** 400 VALIDATION_FAILED naming each bad field by its dotted path, as the API reports every invalid input. */
export function validationFailed(where: 'body' | 'query', fields: { path: string; message: string }[]): AppError {
  return new AppError(
    'VALIDATION_FAILED',
    `invalid ${where}: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
    {
      fields,
    },
  );
}
