import { Module } from '@nestjs/common';
import { MeModule } from '../me/me.module';
import { CouponWalletService } from './coupon-wallet.service';
import { CouponsAdminController, CouponsController, CouponsDevController } from './coupons.controller';

/** The coupon routes: headquarters' templates, coupons by hand and batches; the member's wallet; dev jobs. */
@Module({
  imports: [MeModule],
  controllers: [CouponsAdminController, CouponsController, CouponsDevController],
  providers: [CouponWalletService],
})
export class CouponsHttpModule {}
