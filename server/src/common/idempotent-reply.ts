import type { FastifyReply } from 'fastify';
import type { IdempotentResult } from './idempotency/idempotency.service';

/** Sends an idempotent answer: its own status (the stored one on a replay) and the replay header. */
export function sendIdempotent<T>(reply: FastifyReply, result: IdempotentResult<T>): T {
  void reply.status(result.status);
  if (result.replayed) void reply.header('idempotent-replayed', 'true');
  return result.body;
}
