import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MeModule } from '../me/me.module';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { ScenesService } from './scenes.service';

/** Joining, join scenes and headquarters' corrections of a member's profile. */
@Module({
  imports: [AuthModule, MeModule],
  controllers: [MembersController],
  providers: [MembersService, ScenesService],
})
export class MembersModule {}
