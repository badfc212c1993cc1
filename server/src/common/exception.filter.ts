import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_APP, H5_APP, type H5App } from './h5-app';
import { mapError } from './error-mapping';

const RETRY_AFTER_CODES: ReadonlySet<string> = new Set(['RATE_LIMITED', 'TRY_AGAIN']);

/** The one place errors become HTTP responses: `{ code, message, details? }`, never a stack trace. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(H5_APP) private readonly h5: H5App,
    @Inject(ADMIN_APP) private readonly admin: H5App,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    // History fallback: app routes that are not files get their app's index.html (the console's under /admin/).
    const app = [this.admin, this.h5].find((candidate) => candidate.servesFallback(request));
    if (exception instanceof NotFoundException && app) {
      void app.sendIndex(reply);
      return;
    }
    const mapped = mapError(exception);
    if (mapped.unexpected) request.log.error({ err: exception }, 'unexpected error');
    // A 429 and a 503 TRY_AGAIN say when to try again (their errors put the seconds in the details).
    const retryAfter = RETRY_AFTER_CODES.has(mapped.body.code) ? mapped.body.details?.retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    void reply.status(mapped.status).header('content-type', 'application/json; charset=utf-8').send(mapped.body);
  }
}
