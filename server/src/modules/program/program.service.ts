import { type ProgramConfig, ProgramConfigSchema, defaultProgramConfig } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ProgramConfigEntity } from '../../database/entities';

const PROGRAM_ID = 1;

/** The program's rules, read from the database and validated against the shared schema. */
@Injectable()
export class ProgramService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async get(manager: EntityManager = this.dataSource.manager): Promise<ProgramConfig> {
    const row = await manager.getRepository(ProgramConfigEntity).findOneBy({ id: PROGRAM_ID });
    return ProgramConfigSchema.parse(row?.config ?? defaultProgramConfig());
  }

  /** Installs the default program of DOMAIN.md when the database has none. */
  async ensureDefault(manager: EntityManager, now: number): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(ProgramConfigEntity)
      .values({ id: PROGRAM_ID, config: defaultProgramConfig(), revision: 1, updatedAt: now })
      .orIgnore()
      .updateEntity(false)
      .execute();
  }
}
