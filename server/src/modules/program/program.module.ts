import { Global, Module } from '@nestjs/common';
import { ProgramAdminController } from './program-admin.controller';
import { ProgramAdminService } from './program-admin.service';
import { ProgramController } from './program.controller';
import { ProgramRepository } from './program.repository';
import { ProgramService } from './program.service';

@Global()
@Module({
  controllers: [ProgramController, ProgramAdminController],
  providers: [ProgramService, ProgramRepository, ProgramAdminService],
  exports: [ProgramService],
})
export class ProgramModule {}
