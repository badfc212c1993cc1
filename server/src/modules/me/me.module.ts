import { Module } from '@nestjs/common';
import { MeController } from './me.controller';
import { MeRepository } from './me.repository';
import { MeService } from './me.service';
import { ProfileService } from './profile.service';

@Module({
  controllers: [MeController],
  providers: [MeRepository, MeService, ProfileService],
  exports: [MeService, ProfileService],
})
export class MeModule {}
