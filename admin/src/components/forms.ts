import type { FormInstance } from 'antd';
import type { z } from 'zod';
import { isApiError } from '../api/client';
import { interpolate, t } from '../i18n/zh-CN';

/** Chinese text for each field of a form, shown when the shared schema or the server rejects that field. */
export type FieldHints = Record<string, string>;

type FieldError = { name: string; errors: string[] };

function byField(pairs: readonly (readonly [string, string])[]): FieldError[] {
  const grouped = new Map<string, string[]>();
  for (const [name, message] of pairs) grouped.set(name, [...(grouped.get(name) ?? []), message]);
  return [...grouped].map(([name, errors]) => ({ name, errors: [...new Set(errors)] }));
}

/**
 * Parses a form's values with the same zod schema the server uses. Failures are put on their fields (with the
 * form's Chinese hint for that field) and null is returned; otherwise the parsed body.
 */
export function parseForm<S extends z.ZodType>(
  form: FormInstance,
  schema: S,
  values: unknown,
  hints: FieldHints,
): z.input<S> | null {
  const result = schema.safeParse(values);
  if (result.success) return values as z.input<S>;
  const fields = byField(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      return [name, hints[name] ?? t.common.invalid] as const;
    }),
  );
  form.setFields(fields.filter((field) => field.name !== ''));
  return null;
}

/**
 * Places a server error on the form: VALIDATION_FAILED on each field its details name, a domain code on the field
 * it concerns (`codeFields`). Returns the message to show above the form when no field took it, or null.
 */
export function placeServerError(
  form: FormInstance,
  error: unknown,
  hints: FieldHints,
  codeFields: Record<string, readonly [field: string, message: string]> = {},
): string | null {
  if (!isApiError(error)) return interpolate(t.apiErrors.unknown, { message: String(error) });
  if (error.code === 'VALIDATION_FAILED') {
    const raw = error.details?.fields;
    const names = Array.isArray(raw)
      ? raw
          .map((field: unknown) =>
            typeof field === 'object' && field !== null && 'path' in field ? String(field.path) : '',
          )
          .map((path) => path.replace(/^body\./, '').split('.')[0] ?? '')
          .filter((name) => name in hints)
      : [];
    if (names.length > 0) {
      form.setFields(byField(names.map((name) => [name, hints[name] ?? t.common.invalid] as const)));
      return null;
    }
    return t.apiErrors.validation;
  }
  const mapped = codeFields[error.code];
  if (mapped) {
    form.setFields([{ name: mapped[0], errors: [mapped[1]] }]);
    return null;
  }
  return errorText(error);
}

/** A user-facing sentence for any failure. */
export function errorText(error: unknown): string {
  if (!isApiError(error)) return interpolate(t.apiErrors.unknown, { message: String(error) });
  if (error.code === 'NETWORK_ERROR') return t.apiErrors.network;
  if (error.code === 'FORBIDDEN') return t.apiErrors.forbidden;
  if (error.code === 'INVALID_RESPONSE') return t.apiErrors.invalidResponse;
  return interpolate(t.apiErrors.unknown, { message: error.message });
}
