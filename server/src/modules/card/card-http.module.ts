import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MeModule } from '../me/me.module';
import { CardController } from './card.controller';
import { CardReissueService } from './card-reissue.service';
import { PosScanService } from './pos-scan.service';

/** The card's routes: the member's dynamic code and reissue, the till's scan. */
@Module({
  imports: [AuthModule, MeModule],
  controllers: [CardController],
  providers: [PosScanService, CardReissueService],
})
export class CardHttpModule {}
