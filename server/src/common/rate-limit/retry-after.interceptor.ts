import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { catchError, type Observable, throwError } from 'rxjs';
import { AppError } from '../app-error';

/**
 * Adds `retry-after` (seconds) to a 429 RATE_LIMITED answer. The header is set on the reply before the
 * error travels on to the exception filter, which keeps it.
 */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const seconds = error instanceof AppError && error.code === 'RATE_LIMITED' && error.details?.retryAfterSeconds;
        if (typeof seconds === 'number' && context.getType() === 'http') {
          void context.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(seconds));
        }
        return throwError(() => error);
      }),
    );
  }
}
