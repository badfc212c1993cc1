import { Global, Module } from '@nestjs/common';
import { CouponBatchesRepository } from './coupon-batches.repository';
import { CouponBatchesService } from './coupon-batches.service';
import { CouponCheckoutService } from './coupon-checkout.service';
import { CouponTemplatesService } from './coupon-templates.service';
import { CouponsRepository } from './coupons.repository';
import { CouponsService } from './coupons.service';

/**
 * Coupons (DOMAIN §9) for the modules that issue or use them: the join, checkout, tiers, referral, the till's
 * scan, the seed and the `huika` jobs. Its HTTP routes are in CouponsHttpModule, so the CLI needs only this.
 */
@Global()
@Module({
  providers: [
    CouponsRepository,
    CouponBatchesRepository,
    CouponsService,
    CouponCheckoutService,
    CouponTemplatesService,
    CouponBatchesService,
  ],
  exports: [CouponsRepository, CouponsService, CouponCheckoutService, CouponTemplatesService, CouponBatchesService],
})
export class CouponsModule {}
