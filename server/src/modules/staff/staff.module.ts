import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { StoresModule } from '../stores/stores.module';
import { RefreshTokens } from './refresh-tokens';
import { StaffAuthController } from './staff-auth.controller';
import { StaffAuthService } from './staff-auth.service';
import { StaffCredentials } from './staff-credentials';
import { StaffController } from './staff.controller';
import { StaffService } from './staff.service';
import { StaffSessions } from './staff-sessions';

@Module({
  imports: [AuthModule, StoresModule],
  controllers: [StaffAuthController, StaffController],
  providers: [RefreshTokens, StaffAuthService, StaffCredentials, StaffService, StaffSessions],
  exports: [StaffCredentials, StaffSessions],
})
export class StaffModule {}
