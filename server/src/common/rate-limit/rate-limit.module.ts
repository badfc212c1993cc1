import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { MemberReadLimiter } from './member-read-limiter';
import { RateLimitRepository } from './rate-limit.repository';
import { RateLimiter } from './rate-limiter';

/**
 * The database-backed RateLimiter, for any module (staff login now; OTP, scan and join later), and the
 * in-memory MemberReadLimiter the auth guard applies to member reads.
 */
@Global()
@Module({
  providers: [
    RateLimitRepository,
    RateLimiter,
    {
      provide: MemberReadLimiter,
      useFactory: (config: AppConfig) => new MemberReadLimiter(config.memberReads),
      inject: [APP_CONFIG],
    },
  ],
  exports: [RateLimiter, MemberReadLimiter],
})
export class RateLimitModule {}
