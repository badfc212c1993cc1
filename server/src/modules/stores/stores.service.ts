import type { CreateStoreBody, StoreListQuery, StoreView, UpdateStoreBody } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, MoreThan } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { RequestAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { Transactions } from '../../common/transactions';
import { newId } from '../../common/ids';
import { StoreEntity } from '../../database/entities';
import { AuditService, auditActorOf } from '../audit/audit.service';
import { storeView } from './store.views';
import { isUniqueViolation } from '../../database/unique-violation';

type StoreOut = z.output<typeof StoreView>;

/** Stores, managed by headquarters (DOMAIN §12). */
@Injectable()
export class StoresService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async list(query: z.output<typeof StoreListQuery>): Promise<{ items: StoreOut[]; nextCursor: string | null }> {
    const rows = await this.dataSource.getRepository(StoreEntity).find({
      where: query.cursor ? { id: MoreThan(query.cursor.toUpperCase()) } : {},
      order: { id: 'ASC' },
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(storeView),
      nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  async create(auth: RequestAuth, input: z.output<typeof CreateStoreBody>): Promise<StoreOut> {
    const store: StoreEntity = {
      id: newId(),
      code: input.code,
      name: input.name,
      address: input.address ?? null,
      active: true,
      createdAt: this.clock.now(),
    };
    try {
      await this.transactions.run(async (manager) => {
        const repository = manager.getRepository(StoreEntity);
        if (await repository.exists({ where: { code: store.code } })) throw this.codeTaken(store.code);
        await repository.insert(store);
        await this.audit.record(manager, {
          actor: auditActorOf(auth),
          action: 'store.create',
          target: { kind: 'store', id: store.id },
          before: null,
          after: storeView(store),
        });
      });
    } catch (error) {
      // Two admins creating the same code at once: the unique key decides.
      if (isUniqueViolation(error)) throw this.codeTaken(store.code);
      throw error;
    }
    return storeView(store);
  }

  async update(auth: RequestAuth, id: string, input: z.output<typeof UpdateStoreBody>): Promise<StoreOut> {
    return this.transactions.run(async (manager) => {
      const repository = manager.getRepository(StoreEntity);
      const before = await repository.findOneBy({ id });
      if (!before) throw new AppError('STORE_NOT_FOUND', `no store ${id}`);
      const after: StoreEntity = {
        ...before,
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.address === undefined ? {} : { address: input.address }),
        ...(input.active === undefined ? {} : { active: input.active }),
      };
      await repository.update({ id }, { name: after.name, address: after.address, active: after.active });
      await this.audit.record(manager, {
        actor: auditActorOf(auth),
        action: 'store.update',
        target: { kind: 'store', id },
        before: storeView(before),
        after: storeView(after),
      });
      return storeView(after);
    });
  }

  /** The store staff can be assigned to: it exists and is open. */
  async requireActive(manager: EntityManager, id: string): Promise<StoreEntity> {
    const store = await manager.getRepository(StoreEntity).findOneBy({ id });
    if (!store) throw new AppError('STORE_NOT_FOUND', `no store ${id}`, { storeId: id });
    if (!store.active) throw new AppError('CONFLICT', `store ${store.code} is deactivated`, { storeId: id });
    return store;
  }

  private codeTaken(code: string): AppError {
    return new AppError('STORE_CODE_TAKEN', `store code ${code} is taken`, { code });
  }
}
