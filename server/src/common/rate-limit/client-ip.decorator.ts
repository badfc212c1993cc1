import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The caller's IP address as Fastify sees it. The server trusts X-Forwarded-For (it runs behind a load
 * balancer), so per-IP limits are only as good as the proxy in front that sets it.
 */
export const ClientIp = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  // Capped: with a trusted X-Forwarded-For, the caller chooses this string.
  return (context.switchToHttp().getRequest<FastifyRequest>().ip || 'unknown').slice(0, 64);
});
