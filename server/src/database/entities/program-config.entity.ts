import type { ProgramConfig } from '@huika/shared';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EpochMsColumn, JsonColumn } from '../columns';

/** The program's rules (one row, id 1), validated by ProgramConfigSchema on every read and write. */
@Entity('program_config')
export class ProgramConfigEntity {
  @PrimaryColumn({ type: 'int' })
  id!: number;

  @JsonColumn()
  config!: ProgramConfig;

  @Column({ type: 'int', default: 1 })
  revision!: number;

  @EpochMsColumn({ name: 'updated_at' })
  updatedAt!: number;
}
