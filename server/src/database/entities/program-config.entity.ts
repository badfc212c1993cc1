import type { ProgramConfig } from '@huika/shared';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EpochMsColumn, JsonColumn, RefColumn } from '../columns';

/**
 * The program's rules (one row, id 1), validated by ProgramConfigSchema on every read and write. `revision` is
 * the version headquarters sees and names in If-Match; each one is also kept in program_versions.
 */
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

  /** The headquarters account that made this version; null when the system did. */
  @RefColumn({ name: 'updated_by', nullable: true })
  updatedBy!: string | null;
}
