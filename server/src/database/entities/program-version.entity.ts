import type { ProgramConfig } from '@huika/shared';
import { Entity, PrimaryColumn } from 'typeorm';
import { EpochMsColumn, JsonColumn, RefColumn } from '../columns';

/** One version of the program, kept whole (append-only): program_config.revision names the current one. */
@Entity('program_versions')
export class ProgramVersionEntity {
  @PrimaryColumn({ type: 'int' })
  version!: number;

  @JsonColumn()
  config!: ProgramConfig;

  /** The headquarters account that made it; null when the system did. */
  @RefColumn({ name: 'created_by', nullable: true })
  createdBy!: string | null;

  @EpochMsColumn({ name: 'created_at' })
  createdAt!: number;
}
