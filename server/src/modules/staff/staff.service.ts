import type { CreateStaffBody, StaffListQuery, StaffView, StoreStaffListQuery, UpdateStaffBody } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type FindOptionsWhere, MoreThan } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { RequestAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { Transactions } from '../../common/transactions';
import { newId } from '../../common/ids';
import { hashPassword } from '../../common/password';
import { StaffEntity } from '../../database/entities';
import { AuditService, auditActorOf } from '../audit/audit.service';
import { StoresService } from '../stores/stores.service';
import { isUniqueViolation } from '../../database/unique-violation';
import { RefreshTokens } from './refresh-tokens';
import { staffView } from './staff.views';

type StaffOut = z.output<typeof StaffView>;
type StaffPage = { items: StaffOut[]; nextCursor: string | null };

/** Staff accounts, managed by headquarters; a store manager sees their own store's (DOMAIN §12). */
@Injectable()
export class StaffService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly transactions: Transactions,
    private readonly stores: StoresService,
    private readonly refreshTokens: RefreshTokens,
    private readonly audit: AuditService,
  ) {}

  list(query: z.output<typeof StaffListQuery>): Promise<StaffPage> {
    const where: FindOptionsWhere<StaffEntity> = {};
    if (query.storeId) where.storeId = query.storeId;
    if (query.role) where.role = query.role;
    if (query.active) where.active = query.active === 'true';
    return this.page(where, query);
  }

  /** The caller's own store only: a manager's token carries the store. */
  listOwnStore(auth: RequestAuth, query: z.output<typeof StoreStaffListQuery>): Promise<StaffPage> {
    if (auth.kind !== 'staff' || !auth.storeId) throw new AppError('FORBIDDEN', 'this account belongs to no store');
    return this.page({ storeId: auth.storeId }, query);
  }

  async create(auth: RequestAuth, input: z.output<typeof CreateStaffBody>): Promise<StaffOut> {
    // Hashing takes tens of milliseconds: done before the transaction, not while it holds locks.
    const passwordHash = await hashPassword(input.password);
    const now = this.clock.now();
    const staff: StaffEntity = {
      id: newId(),
      username: input.username,
      passwordHash,
      displayName: input.displayName,
      role: input.role,
      storeId: input.role === 'admin' ? null : (input.storeId ?? null),
      active: true,
      demo: false,
      sessionVersion: 0,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.transactions.run(async (manager) => {
        const repository = manager.getRepository(StaffEntity);
        if (await repository.exists({ where: { username: staff.username } })) throw this.usernameTaken(staff.username);
        if (staff.storeId) await this.stores.requireActive(manager, staff.storeId);
        await repository.insert(staff);
        await this.audit.record(manager, {
          actor: auditActorOf(auth),
          action: 'staff.create',
          target: { kind: 'staff', id: staff.id },
          before: null,
          after: staffView(staff),
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw this.usernameTaken(staff.username);
      throw error;
    }
    return staffView(staff);
  }

  async update(auth: RequestAuth, id: string, input: z.output<typeof UpdateStaffBody>): Promise<StaffOut> {
    const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
    return this.transactions.run(async (manager) => {
      const repository = manager.getRepository(StaffEntity);
      const before = await repository.findOneBy({ id });
      if (!before) throw new AppError('STAFF_NOT_FOUND', `no staff ${id}`);
      const role = input.role ?? before.role;
      // Promoted to headquarters without a word about the store: the store goes.
      const storeId = input.storeId !== undefined ? input.storeId : role === 'admin' ? null : before.storeId;
      const active = input.active ?? before.active;
      if (role === 'admin' && storeId) this.invalidStore('headquarters admins belong to no store');
      if (role !== 'admin' && !storeId) this.invalidStore('cashiers and managers need a store');
      if (storeId && storeId !== before.storeId) await this.stores.requireActive(manager, storeId);
      if (before.role === 'admin' && before.active && (role !== 'admin' || !active)) {
        await this.keepAnAdmin(manager, auth, id);
      }

      // Only what changes is written, so a concurrent change to another field is not overwritten.
      const patch: Partial<StaffEntity> = { updatedAt: this.clock.now() };
      if (input.displayName !== undefined) patch.displayName = input.displayName;
      if (role !== before.role) patch.role = role;
      if (storeId !== before.storeId) patch.storeId = storeId;
      if (active !== before.active) patch.active = active;
      if (passwordHash !== undefined) patch.passwordHash = passwordHash;
      // What a staff token stands for (active, role, store) changed, or its password may have leaked: its access
      // tokens are refused from the next call on (StaffSessions). Counted up in the statement, so that two
      // concurrent changes each move the version past every token issued before either.
      const endsSessions =
        patch.role !== undefined ||
        patch.storeId !== undefined ||
        patch.active !== undefined ||
        passwordHash !== undefined;
      await repository.update({ id }, endsSessions ? { ...patch, sessionVersion: () => 'session_version + 1' } : patch);
      const after: StaffEntity = { ...before, ...patch };

      // A deactivated account, or one whose password may have leaked, keeps no session: its refresh tokens end
      // now too. A new role or store keeps them: a refresh gives a token for the account as it is now.
      if (!active && before.active) await this.refreshTokens.revokeAllOf(manager, id, 'deactivated');
      else if (passwordHash !== undefined) await this.refreshTokens.revokeAllOf(manager, id, 'password');

      await this.audit.record(manager, {
        actor: auditActorOf(auth),
        action: 'staff.update',
        target: { kind: 'staff', id },
        before: staffView(before),
        after: passwordHash === undefined ? staffView(after) : { ...staffView(after), passwordChanged: true },
      });
      return staffView(after);
    });
  }

  /**
   * An admin may not demote or deactivate their own account, nor the last active admin: headquarters
   * must never lock itself out. On MySQL the admin rows are locked (in id order, so two such changes
   * queue rather than deadlock) so that two admins demoting each other at once cannot both succeed.
   */
  private async keepAnAdmin(manager: EntityManager, auth: RequestAuth, targetId: string): Promise<void> {
    if (auth.kind === 'staff' && auth.staffId === targetId) {
      throw new AppError('CONFLICT', 'you cannot demote or deactivate your own account');
    }
    const admins = await manager.getRepository(StaffEntity).find({
      where: { role: 'admin', active: true },
      select: { id: true },
      order: { id: 'ASC' },
      ...(manager.connection.options.type === 'mysql' ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!admins.some((admin) => admin.id !== targetId)) {
      throw new AppError('CONFLICT', 'the last active headquarters admin cannot be demoted or deactivated');
    }
  }

  private async page(
    where: FindOptionsWhere<StaffEntity>,
    query: { cursor?: string | undefined; limit: number },
  ): Promise<StaffPage> {
    const rows = await this.dataSource.getRepository(StaffEntity).find({
      where: query.cursor ? { ...where, id: MoreThan(query.cursor.toUpperCase()) } : where,
      order: { id: 'ASC' },
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return { items: page.map(staffView), nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
  }

  private invalidStore(message: string): never {
    throw new AppError('VALIDATION_FAILED', `invalid body: body.storeId: ${message}`, {
      fields: [{ path: 'body.storeId', message }],
    });
  }

  private usernameTaken(username: string): AppError {
    return new AppError('USERNAME_TAKEN', `username ${username} is taken`, { username });
  }
}
