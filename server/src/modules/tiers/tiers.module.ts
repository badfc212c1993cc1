import { Global, Module } from '@nestjs/common';
import { TierRepository } from './tier.repository';
import { TierService } from './tier.service';

@Global()
@Module({ providers: [TierRepository, TierService], exports: [TierService] })
export class TiersModule {}
