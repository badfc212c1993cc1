import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from './errors';
import { ErrorBodySchema } from './contracts/common';
import type { RouteContract } from './contracts/route';

type JsonObject = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonObject;
  delete json.$schema;
  return json;
}

/** Express-style `:id` to OpenAPI's `{id}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The OpenAPI 3.0 document for a set of route contracts. */
export function buildOpenApiDocument(
  routes: Record<string, RouteContract>,
  info: { title: string; version: string },
): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const [name, route] of Object.entries(routes)) {
    const parameters: JsonObject[] = [];
    for (const match of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
      parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
    }
    if (route.query) {
      const query = schemaOf(route.query, 'input') as { properties?: Record<string, JsonObject>; required?: string[] };
      for (const [param, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name: param, in: 'query', required: query.required?.includes(param) ?? false, schema });
      }
    }
    if (route.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      });
    }
    const responses: Record<string, JsonObject> = {
      [route.status]: route.response
        ? { description: 'OK', content: { 'application/json': { schema: schemaOf(route.response, 'output') } } }
        : { description: 'OK' },
    };
    const errorCodes: ErrorCode[] = ['VALIDATION_FAILED', ...(route.errors ?? [])];
    if (route.auth === 'member' || route.auth === 'staff') errorCodes.push('UNAUTHORIZED', 'FORBIDDEN');
    if (route.auth === 'member') errorCodes.push('TOKEN_EXPIRED', 'SESSION_ENDED');
    // The auth guard limits every member read per member (server/src/common/rate-limit/member-read-limiter.ts).
    if (route.auth === 'member' && route.method === 'GET') errorCodes.push('RATE_LIMITED');
    if (route.idempotent) {
      errorCodes.push('IDEMPOTENCY_KEY_REQUIRED', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_PROGRESS');
    }
    for (const code of errorCodes) {
      const status = String(ERROR_STATUS[code]);
      const existing = responses[status];
      const codes = ((existing?.['x-error-codes'] as string[] | undefined) ?? []).concat(code);
      responses[status] = {
        description: codes.join(', '),
        'x-error-codes': [...new Set(codes)],
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const operation: JsonObject = {
      operationId: name,
      summary: route.summary,
      tags: [route.tag],
      parameters,
      responses,
      'x-huika-auth': route.auth,
    };
    if (route.roles) operation['x-huika-roles'] = route.roles;
    if (route.auth === 'member' || route.auth === 'staff') operation.security = [{ bearer: [] }];
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
      };
    }
    const path = toOpenApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.0.3',
    info,
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: schemaOf(ErrorBodySchema, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}
