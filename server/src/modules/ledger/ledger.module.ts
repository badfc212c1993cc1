import { Global, Module } from '@nestjs/common';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { PointsController } from './points.controller';
import { PointsService } from './points.service';
import { ReconcileService } from './reconcile.service';

@Global()
@Module({
  controllers: [PointsController],
  providers: [LedgerRepository, LedgerService, PointsService, ReconcileService],
  exports: [LedgerService, PointsService, ReconcileService],
})
export class LedgerModule {}
