import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RateLimitRepository } from './rate-limit.repository';
import { RateLimiter } from './rate-limiter';
import { RetryAfterInterceptor } from './retry-after.interceptor';

/** The database-backed RateLimiter, for any module (staff login now; OTP, scan and join later). */
@Global()
@Module({
  providers: [RateLimitRepository, RateLimiter, { provide: APP_INTERCEPTOR, useClass: RetryAfterInterceptor }],
  exports: [RateLimiter],
})
export class RateLimitModule {}
