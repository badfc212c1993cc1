import { Global, Module } from '@nestjs/common';
import { ProgramService } from './program.service';

@Global()
@Module({ providers: [ProgramService], exports: [ProgramService] })
export class ProgramModule {}
