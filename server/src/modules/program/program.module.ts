import { Global, Module } from '@nestjs/common';
import { ProgramController } from './program.controller';
import { ProgramService } from './program.service';

@Global()
@Module({ controllers: [ProgramController], providers: [ProgramService], exports: [ProgramService] })
export class ProgramModule {}
