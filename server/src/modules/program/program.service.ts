import { type ProgramConfig, StoredProgramConfigSchema, defaultProgramConfig } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { select } from '../../common/transactions';
import { ProgramConfigEntity } from '../../database/entities';

const PROGRAM_ID = 1;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The program's rules, read from the database and validated against the shared schema. */
@Injectable()
export class ProgramService {
  /** The last configuration read, parsed, with the stored text it came from. */
  private parsed: { text: string | null; config: ProgramConfig } | undefined;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * The program as stored now (read on every call, inside the caller's transaction, so every instance
   * sees a change at once). Parsing and validating it is paid only when the stored text changed; the
   * result is frozen, as it is shared by every request until then.
   */
  /**
   * The program as the last `get` found it, without a read; null before the first. Reads that depend on the
   * program can go with the read of the program itself and be kept only if `get` then returns this very
   * object (it does as long as the stored program is unchanged).
   */
  lastSeen(): ProgramConfig | null {
    return this.parsed?.config ?? null;
  }

  async get(manager: EntityManager = this.dataSource.manager): Promise<ProgramConfig> {
    const rows = await select<{ config: string | null }>(manager, 'SELECT config FROM program_config WHERE id = ?', [
      PROGRAM_ID,
    ]);
    const text = rows[0]?.config ?? null;
    if (this.parsed && this.parsed.text === text) return this.parsed.config;
    const config = deepFreeze(
      StoredProgramConfigSchema.parse(text === null ? defaultProgramConfig() : JSON.parse(text)),
    );
    this.parsed = { text, config };
    return config;
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
