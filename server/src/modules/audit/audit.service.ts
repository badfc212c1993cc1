import type { AuditLogQuery, AuditLogEntryView } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import {
  Between,
  DataSource,
  type EntityManager,
  type FindOptionsWhere,
  LessThan,
  LessThanOrEqual,
  MoreThanOrEqual,
} from 'typeorm';
import type { z } from 'zod';
import type { RequestAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { AuditLogEntity } from '../../database/entities';
import type { ActorKind } from '../../database/entities/audit-log.entity';

/** Who acted: a staff member, a member, the system itself. `null`: nobody identified (a failed login). */
export interface AuditActor {
  kind: Exclude<ActorKind, 'anonymous'>;
  id: string | null;
}

export interface AuditTarget {
  kind: string;
  id: string | null;
}

export interface AuditEntry {
  actor: AuditActor | null;
  /** `<target kind>.<verb>`: `staff.create`, `store.update`, `staff.login`. */
  action: string;
  target: AuditTarget | null;
  /** The state before and after, as JSON. Never a secret: no password, no hash, no token. */
  before?: unknown;
  after?: unknown;
}

export type AuditLogPage = { items: z.output<typeof AuditLogEntryView>[]; nextCursor: string | null };

/** The actor for an authenticated caller. */
export function auditActorOf(auth: RequestAuth): AuditActor {
  return auth.kind === 'staff' ? { kind: 'staff', id: auth.staffId } : { kind: 'member', id: auth.memberId };
}

/**
 * The audit log (DOMAIN §12: every staff action is in it). A row is written through the caller's
 * EntityManager, inside the transaction of the change it records, so the two commit or roll back together.
 */
@Injectable()
export class AuditService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<string> {
    const id = newId();
    await manager.getRepository(AuditLogEntity).insert({
      id,
      actorKind: entry.actor?.kind ?? 'anonymous',
      actorId: entry.actor?.id ?? null,
      action: entry.action,
      targetKind: entry.target?.kind ?? null,
      targetId: entry.target?.id ?? null,
      // Omitted is stored as NULL.
      before: entry.before ?? undefined,
      after: entry.after ?? undefined,
      createdAt: this.clock.now(),
    });
    return id;
  }

  /** Newest first; the cursor is the id of the last entry seen (ULIDs sort by time). */
  /** Newest first; `createdFrom` and `createdBefore` (epoch ms, the second excluded) bound the time. */
  async list(
    query: z.output<typeof AuditLogQuery>,
    created: { from?: number | undefined; before?: number | undefined } = {},
  ): Promise<AuditLogPage> {
    const where: FindOptionsWhere<AuditLogEntity> = {};
    if (query.cursor) where.id = LessThan(query.cursor.toUpperCase());
    if (query.targetKind) where.targetKind = query.targetKind;
    if (query.targetId) where.targetId = query.targetId;
    if (query.actorId) where.actorId = query.actorId;
    if (query.action) where.action = query.action;
    if (created.from !== undefined && created.before !== undefined) {
      where.createdAt = Between(created.from, created.before - 1);
    } else if (created.from !== undefined) where.createdAt = MoreThanOrEqual(created.from);
    else if (created.before !== undefined) where.createdAt = LessThanOrEqual(created.before - 1);
    const rows = await this.dataSource
      .getRepository(AuditLogEntity)
      .find({ where, order: { id: 'DESC' }, take: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((row) => ({
        id: row.id,
        actor: row.actorKind === 'anonymous' ? null : { kind: row.actorKind, id: row.actorId },
        action: row.action,
        target: row.targetKind === null ? null : { kind: row.targetKind, id: row.targetId },
        before: row.before,
        after: row.after,
        createdAt: new Date(row.createdAt).toISOString(),
      })),
      nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }
}
