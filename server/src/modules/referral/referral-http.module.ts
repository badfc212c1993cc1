import { Module } from '@nestjs/common';
import { MeModule } from '../me/me.module';
import { ReferralController } from './referral.controller';

/** The member's referral page: invite code, scene and how the invitations went. */
@Module({ imports: [MeModule], controllers: [ReferralController] })
export class ReferralHttpModule {}
