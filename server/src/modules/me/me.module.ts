import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MeController } from './me.controller';
import { MeRepository } from './me.repository';
import { MeService } from './me.service';
import { MySessionsService } from './my-sessions.service';
import { ProfileService } from './profile.service';

@Module({
  imports: [AuthModule],
  controllers: [MeController],
  providers: [MeRepository, MeService, ProfileService, MySessionsService],
  exports: [MeService, ProfileService, MySessionsService],
})
export class MeModule {}
