import { Column, Entity, Index } from 'typeorm';
import { EpochMsColumn, IdColumn, JsonColumn } from '../columns';

export type ActorKind = 'staff' | 'member' | 'system' | 'anonymous';

/** Who did what to what, and when, with the state before and after (DOMAIN §12). Append-only. */
@Entity('audit_log')
@Index('idx_audit_target', ['targetKind', 'targetId'])
@Index('idx_audit_created', ['createdAt'])
export class AuditLogEntity {
  @IdColumn()
  id!: string;

  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind!: ActorKind;

  @Column({ name: 'actor_id', type: 'varchar', length: 26, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'target_kind', type: 'varchar', length: 32, nullable: true })
  targetKind!: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 64, nullable: true })
  targetId!: string | null;

  @JsonColumn({ nullable: true })
  before!: unknown;

  @JsonColumn({ nullable: true })
  after!: unknown;

  @EpochMsColumn({ name: 'created_at' })
  createdAt!: number;
}
