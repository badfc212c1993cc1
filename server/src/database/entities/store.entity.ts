import { Column, Entity } from 'typeorm';
import { EpochMsColumn, IdColumn } from '../columns';

@Entity('stores')
export class StoreEntity {
  @IdColumn()
  id!: string;

  @Column({ type: 'varchar', length: 16, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  address!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @EpochMsColumn({ name: 'created_at' })
  createdAt!: number;
}
