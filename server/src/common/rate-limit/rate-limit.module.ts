import { Global, Module } from '@nestjs/common';
import { RateLimitRepository } from './rate-limit.repository';
import { RateLimiter } from './rate-limiter';

/** The database-backed RateLimiter, for any module (staff login now; OTP, scan and join later). */
@Global()
@Module({
  providers: [RateLimitRepository, RateLimiter],
  exports: [RateLimiter],
})
export class RateLimitModule {}
