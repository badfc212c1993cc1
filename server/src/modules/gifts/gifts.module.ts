import { Module } from '@nestjs/common';
import { MeModule } from '../me/me.module';
import { GiftsAdminController, GiftsController, PickupsController } from './gifts.controller';
import { GiftsRepository } from './gifts.repository';
import { GiftsService } from './gifts.service';
import { PickupsService } from './pickups.service';
import { RedemptionsService } from './redemptions.service';

/** Gifts for points (积分换礼, DOMAIN §5): the catalog, redemptions with pickup codes, pickups and exchanges. */
@Module({
  imports: [MeModule],
  controllers: [GiftsAdminController, GiftsController, PickupsController],
  providers: [GiftsRepository, GiftsService, RedemptionsService, PickupsService],
})
export class GiftsModule {}
