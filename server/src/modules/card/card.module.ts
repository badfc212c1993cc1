import { Global, Module } from '@nestjs/common';
import { CardCodeService } from './card-code.service';
import { CheckoutTokenService } from './checkout-token.service';

/**
 * The card's services for other modules (checkout marks codes used and verifies checkout tokens; the CLI
 * rotates the code key). Its HTTP routes are in CardHttpModule, so this one needs nothing but the core.
 */
@Global()
@Module({
  providers: [CardCodeService, CheckoutTokenService],
  exports: [CardCodeService, CheckoutTokenService],
})
export class CardModule {}
