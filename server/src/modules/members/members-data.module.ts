import { Module } from '@nestjs/common';
import { MembersRepository } from './members.repository';

/** The members table's repository, for the modules that read or write members through it (the purchase). */
@Module({ providers: [MembersRepository], exports: [MembersRepository] })
export class MembersDataModule {}
