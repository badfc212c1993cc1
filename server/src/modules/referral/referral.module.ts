import { Global, Module } from '@nestjs/common';
import { ReferralService } from './referral.service';

/**
 * The referral state machine, for the join, for checkout (qualifying purchases and refunds) and for the
 * `grant-referrals` job. Its HTTP route is in ReferralHttpModule, so the CLI needs only this.
 */
@Global()
@Module({ providers: [ReferralService], exports: [ReferralService] })
export class ReferralModule {}
