import { Module } from '@nestjs/common';
import { StatsController } from './stats.controller';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

/** The console's overview (概览): read-only figures over members, purchases, refunds and coupons. */
@Module({ controllers: [StatsController], providers: [StatsRepository, StatsService] })
export class StatsModule {}
