import { Module } from '@nestjs/common';
import { MemberSessionsRepository } from './member-sessions.repository';
import { MemberSessionsService } from './member-sessions.service';
import { TokenService } from './token.service';

@Module({
  providers: [TokenService, MemberSessionsRepository, MemberSessionsService],
  exports: [TokenService, MemberSessionsRepository, MemberSessionsService],
})
export class AuthModule {}
