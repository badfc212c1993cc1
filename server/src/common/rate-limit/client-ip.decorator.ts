import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The caller's IP address as Fastify sees it: the socket's address, or the X-Forwarded-For hop that
 * HUIKA_TRUST_PROXY says to believe (behind a load balancer).
 */
export const ClientIp = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  // Capped: behind a proxy that passes X-Forwarded-For through, a caller could choose this string.
  return (context.switchToHttp().getRequest<FastifyRequest>().ip || 'unknown').slice(0, 64);
});
