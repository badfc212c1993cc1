import fc from 'fast-check';

/** The part of JSON Schema (OpenAPI 3.0 flavour, as zod writes it) the fuzzer reads. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  default?: unknown;
}

export interface QueryParameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

/** One route of the OpenAPI document, as the fuzzer needs it. */
export interface Operation {
  name: string;
  method: string;
  /** OpenAPI style: /api/gifts/{id}/redemptions. */
  path: string;
  auth: 'public' | 'member' | 'staff' | 'dev';
  roles: string[];
  /** Moves value: takes an Idempotency-Key. */
  idempotent: boolean;
  pathParams: string[];
  query: QueryParameter[];
  body?: JsonSchema;
}

interface RawOperation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  'x-huika-auth'?: Operation['auth'];
  'x-huika-roles'?: string[];
}

export function operationsOf(document: unknown): Operation[] {
  const paths = (document as { paths?: Record<string, Record<string, RawOperation>> }).paths ?? {};
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const parameters = raw.parameters ?? [];
      operations.push({
        name: raw.operationId ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        auth: raw['x-huika-auth'] ?? 'public',
        roles: raw['x-huika-roles'] ?? [],
        idempotent: parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'),
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, required: p.required ?? false, schema: p.schema ?? {} })),
        body: raw.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return operations;
}

/** A string in the program's offset, as the contracts want it: 2026-11-22T21:40:00.000+08:00. */
function isoWithOffset(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
}

/** Deterministic draws from fast-check arbitraries: the same seed gives the same cases, run after run. */
export class Draw {
  private n = 0;

  constructor(private readonly seed: number) {}

  one<T>(arbitrary: fc.Arbitrary<T>): T {
    this.n += 1;
    return fc.sample(arbitrary, { seed: this.seed * 7_919 + this.n, numRuns: 1 })[0] as T;
  }

  /** A value the schema accepts (as far as JSON Schema can say: refinements are the server's). */
  valid(schema: JsonSchema): unknown {
    if (schema.const !== undefined) return schema.const;
    if (schema.enum && schema.enum.length > 0) return schema.enum[0];
    const options = schema.anyOf ?? schema.oneOf;
    if (options) {
      const option = options.find((o) => o.type !== 'null' && !(o.enum && o.enum.every((v) => v === null)));
      return option ? this.valid(option) : null;
    }
    if (schema.allOf && schema.allOf.length > 0) {
      return Object.assign({}, ...schema.allOf.map((part) => this.valid(part) as object)) as unknown;
    }
    switch (schema.type) {
      case 'string':
        return this.validString(schema);
      case 'integer':
      case 'number': {
        const min = schema.minimum ?? Number.NEGATIVE_INFINITY;
        const max = schema.maximum ?? Number.POSITIVE_INFINITY;
        if (min <= 1 && 1 <= max) return 1;
        return Number.isFinite(min) ? min : max;
      }
      case 'boolean':
        return true;
      case 'array': {
        const count = Math.min(Math.max(schema.minItems ?? 0, 1), schema.maxItems ?? 1);
        return Array.from({ length: count }, () => this.valid(schema.items ?? {}));
      }
      case 'object':
      default: {
        if (!schema.properties) return schema.type === 'object' ? {} : 'fuzz';
        const value: Record<string, unknown> = {};
        for (const [name, property] of Object.entries(schema.properties)) value[name] = this.valid(property);
        return value;
      }
    }
  }

  private validString(schema: JsonSchema): string {
    if (schema.format === 'date-time') return isoWithOffset(Date.now());
    if (schema.format === 'date') return '1990-05-17';
    if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/fuzz.png';
    if (schema.pattern) return this.one(fc.stringMatching(new RegExp(schema.pattern)));
    const length = Math.min(Math.max(schema.minLength ?? 1, 8), schema.maxLength ?? 8);
    return 'fuzzfuzz'.repeat(Math.ceil(length / 8)).slice(0, length);
  }
}

// ── bad values ─────────────────────────────────────────────────────────────────────────────────────────────────

const BIG_NUMBERS = [
  -1,
  2 ** 31,
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
  2 ** 53,
  2 ** 63,
  1e308,
  -1e308,
  -(2 ** 31) - 1,
  Number.MIN_SAFE_INTEGER,
  0.5,
  -0,
];

const NUMBER_LOOKALIKES = ['1', 'NaN', 'Infinity', '-Infinity', '', '1e308', '0x10'];

/** Strings that have broken servers before: unicode of every width, control characters, injections, paths. */
const NASTY_STRINGS = [
  '',
  '   ',
  '中文名字😀🎉',
  '👨‍👩‍👧‍👦🏳️‍🌈',
  '\u0000',
  'a\u0000b',
  '\u202egnp.exe',
  '\ud800',
  '\udfff\ud800x',
  "' OR '1'='1' --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '${jndi:ldap://127.0.0.1/x}',
  '\\',
  '{{7*7}}',
  '\r\n\t',
];

export interface Mutated {
  label: string;
  value: unknown;
}

/** Values that do not belong in a property of this schema, and strings that test how it copes with text. */
export function badValues(schema: JsonSchema, draw: Draw): Mutated[] {
  const type =
    schema.type ?? (schema.anyOf ?? schema.oneOf)?.find((o) => o.type && o.type !== 'null')?.type ?? 'object';
  const out: Mutated[] = [];
  const add = (label: string, value: unknown) => out.push({ label, value });
  if (schema.nullable !== true) add('null', null);
  switch (type) {
    case 'string': {
      for (const value of [0, -1, true, 1e308]) add(`type ${JSON.stringify(value)}`, value);
      add('array', ['x']);
      add('object', { x: 'y' });
      NASTY_STRINGS.forEach((value, i) => add(`nasty string #${i}`, value));
      const max = schema.maxLength ?? 1_000;
      add(`${max + 1} chars`, 'x'.repeat(max + 1));
      add(`${max} CJK chars`, '好'.repeat(max));
      add(`${Math.max(1, Math.floor(max / 2))} emoji`, '😀'.repeat(Math.max(1, Math.floor(max / 2))));
      add('60000 chars', 'y'.repeat(60_000));
      add('random unicode', draw.one(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 })));
      add('random graphemes', draw.one(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })));
      break;
    }
    case 'integer':
    case 'number': {
      for (const value of NUMBER_LOOKALIKES) add(`string ${JSON.stringify(value)}`, value);
      for (const value of BIG_NUMBERS) add(`number ${value}`, value);
      if (schema.minimum !== undefined) add('minimum - 1', schema.minimum - 1);
      if (schema.maximum !== undefined) add('maximum + 1', schema.maximum + 1);
      if (schema.maximum !== undefined) add('maximum', schema.maximum);
      add('boolean', true);
      add('array', [1]);
      add('object', { value: 1 });
      add('random double', draw.one(fc.double()));
      break;
    }
    case 'boolean':
      for (const value of ['true', 1, 0, 'yes', [], {}]) add(`type ${JSON.stringify(value)}`, value);
      break;
    case 'array': {
      add('object', {});
      add('string', 'x');
      add('number', 0);
      add('array of null', [null]);
      add('nested array', [[]]);
      if ((schema.minItems ?? 0) > 0) add('empty array', []);
      const item = schema.items ? draw.valid(schema.items) : 'x';
      add(
        `${(schema.maxItems ?? 1_000) + 1} items`,
        Array.from({ length: (schema.maxItems ?? 1_000) + 1 }, () => item),
      );
      break;
    }
    default:
      add('array', []);
      add('array of the object', [draw.valid(schema)]);
      add('string', 'x');
      add('number', 0);
      add('boolean', true);
  }
  add('random JSON', draw.one(fc.jsonValue({ maxDepth: 2 })));
  return out;
}

/** Every property's path in a body: top level, and one level into objects and arrays of objects. */
export function propertyPaths(
  schema: JsonSchema,
): { path: (string | number)[]; schema: JsonSchema; required: boolean }[] {
  const out: { path: (string | number)[]; schema: JsonSchema; required: boolean }[] = [];
  const visit = (node: JsonSchema, prefix: (string | number)[], depth: number) => {
    for (const [name, property] of Object.entries(node.properties ?? {})) {
      const path = [...prefix, name];
      out.push({ path, schema: property, required: node.required?.includes(name) ?? false });
      if (depth >= 1) continue;
      if (property.type === 'object' && property.properties) visit(property, path, depth + 1);
      if (property.type === 'array' && property.items?.properties) visit(property.items, [...path, 0], depth + 1);
    }
  };
  visit(schema, [], 0);
  return out;
}

/** A copy of `value` with the property at `path` set (or removed, for `undefined`). */
export function withProperty(value: unknown, path: (string | number)[], next: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) {
    const child = node[step];
    if (typeof child !== 'object' || child === null) return copy;
    node = child as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  if (next === undefined) delete node[last];
  else node[last] = next;
  return copy;
}
