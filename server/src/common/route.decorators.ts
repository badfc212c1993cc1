import type { RouteContract } from '@huika/shared';
import {
  applyDecorators,
  createParamDecorator,
  Delete,
  type ExecutionContext,
  Get,
  HttpCode,
  Patch,
  Post,
  Put,
  SetMetadata,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from './app-error';
import type { RequestAuth } from './auth.types';
import { parseInput } from './validation';

export const ROUTE_CONTRACT = 'huika:route-contract';

const METHOD_DECORATORS = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete } as const;

/**
 * Binds a handler to its route contract from @huika/shared: method, path, success status, and the
 * metadata the auth guard and the input decorators read. The contract is the single definition.
 */
export function Route(contract: RouteContract): MethodDecorator {
  return applyDecorators(
    METHOD_DECORATORS[contract.method](contract.path),
    HttpCode(contract.status),
    SetMetadata(ROUTE_CONTRACT, contract),
  );
}

export function contractOf(context: ExecutionContext): RouteContract | undefined {
  return Reflect.getMetadata(ROUTE_CONTRACT, context.getHandler()) as RouteContract | undefined;
}

function requireContract(context: ExecutionContext): RouteContract {
  const contract = contractOf(context);
  if (!contract) throw new Error('input decorators need a @Route(contract) on the handler');
  return contract;
}

/** The request body, parsed by the contract's body schema (400 VALIDATION_FAILED otherwise). */
export const ValidBody = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const contract = requireContract(context);
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  if (!contract.body) return undefined;
  return parseInput(contract.body, request.body, 'body');
});

/** The query string, parsed by the contract's query schema. */
export const ValidQuery = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const contract = requireContract(context);
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  if (!contract.query) return {};
  return parseInput(contract.query, request.query, 'query');
});

/** Who is calling, as the auth guard established it. */
export const Auth = createParamDecorator((_data: unknown, context: ExecutionContext): RequestAuth => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { auth?: RequestAuth }>();
  if (!request.auth) throw new AppError('UNAUTHORIZED', 'authentication required');
  return request.auth;
});

/** The Idempotency-Key header, as sent (the idempotency service checks presence and length). */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const header = context.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key'];
  return Array.isArray(header) ? header[0] : header;
});

/** The If-Match header, as sent (a change names the version it was made on). */
export const IfMatch = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const header = context.switchToHttp().getRequest<FastifyRequest>().headers['if-match'];
  return Array.isArray(header) ? header[0] : header;
});
