import { Module } from '@nestjs/common';
import { MeModule } from '../me/me.module';
import { ActivitiesController } from './activities.controller';
import { ActivitiesRepository } from './activities.repository';
import { ActivitiesService } from './activities.service';

/** Member activities (会员活动, DOMAIN §5): capacity, a fee in points, and its refund on a timely cancellation. */
@Module({
  imports: [MeModule],
  controllers: [ActivitiesController],
  providers: [ActivitiesRepository, ActivitiesService],
})
export class ActivitiesModule {}
