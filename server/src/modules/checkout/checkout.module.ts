import { Module } from '@nestjs/common';
import { MeModule } from '../me/me.module';
import { MembersDataModule } from '../members/members-data.module';
import { StaffModule } from '../staff/staff.module';
import { CheckoutController } from './checkout.controller';
import { CheckoutRepository } from './checkout.repository';
import { CheckoutService } from './checkout.service';

@Module({
  imports: [MeModule, MembersDataModule, StaffModule],
  controllers: [CheckoutController],
  providers: [CheckoutRepository, CheckoutService],
})
export class CheckoutModule {}
