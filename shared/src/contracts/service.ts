import { z } from 'zod';
import { defineRoute } from './route';

export const HealthResponse = z.object({
  status: z.literal('ok'),
  db: z.enum(['mysql', 'sqlite']),
  version: z.string(),
});

export const serviceRoutes = {
  health: defineRoute({
    method: 'GET',
    path: '/api/health',
    summary: 'Service health and database kind',
    tag: 'service',
    auth: 'public',
    status: 200,
    response: HealthResponse,
    errors: ['SERVICE_UNAVAILABLE'],
  }),
  openApiDocument: defineRoute({
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This OpenAPI document, made from the shared contracts',
    tag: 'service',
    auth: 'public',
    status: 200,
    response: z.record(z.string(), z.unknown()),
  }),
  apiDocs: defineRoute({
    method: 'GET',
    path: '/api/docs',
    summary: 'A browsable page of the OpenAPI document',
    tag: 'service',
    auth: 'public',
    status: 200,
  }),
};
