import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EpochMsColumn } from '../columns';

/** Small shared settings every server instance reads: clock offset, signing secrets, seed markers. */
@Entity('app_settings')
export class AppSettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'text' })
  value!: string;

  @EpochMsColumn({ name: 'updated_at' })
  updatedAt!: number;
}
