import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MeModule } from '../me/me.module';
import { MemberOverviewService } from './member-overview.service';
import { MemberSearchService } from './member-search.service';
import { MembersDataModule } from './members-data.module';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { ScenesService } from './scenes.service';

/** Joining, join scenes, headquarters' member search and corrections of a member's profile. */
@Module({
  imports: [AuthModule, MeModule, MembersDataModule],
  controllers: [MembersController],
  providers: [MembersService, ScenesService, MemberSearchService, MemberOverviewService],
})
export class MembersModule {}
