import { type ProgramConfig, StoredProgramConfigSchema, defaultProgramConfig } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import { newId } from '../../common/ids';
import { CouponsRepository } from '../coupons/coupons.repository';
import { defaultJoinGiftTemplate } from '../coupons/join-gift';
import { ProgramRepository } from './program.repository';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The program as stored now, with its version. */
export interface CurrentProgram {
  version: number;
  config: ProgramConfig;
  updatedAt: number;
  /** The headquarters account that made this version; null when the system did. */
  updatedBy: string | null;
}

/** The program's rules, read from the database and validated against the shared schema. */
@Injectable()
export class ProgramService {
  /** The last configuration read, parsed, with the stored text it came from. */
  private parsed: { text: string | null; config: ProgramConfig } | undefined;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly repository: ProgramRepository,
    private readonly coupons: CouponsRepository,
  ) {}

  /**
   * The program as the last `get` found it, without a read; null before the first. Reads that depend on the
   * program can go with the read of the program itself and be kept only if `get` then returns this very
   * object (it does as long as the stored program is unchanged).
   */
  lastSeen(): ProgramConfig | null {
    return this.parsed?.config ?? null;
  }

  /**
   * The program as stored now (read on every call, inside the caller's transaction, so every instance
   * sees a change at once). Parsing and validating it is paid only when the stored text changed; the
   * result is frozen, as it is shared by every request until then.
   */
  async get(manager: EntityManager = this.dataSource.manager): Promise<ProgramConfig> {
    return (await this.current(manager)).config;
  }

  /** `get` with the version it is and who made it. */
  async current(manager: EntityManager = this.dataSource.manager): Promise<CurrentProgram> {
    const stored = await this.repository.current(manager);
    const text = stored?.text ?? null;
    let config: ProgramConfig;
    if (this.parsed && this.parsed.text === text) {
      config = this.parsed.config;
    } else {
      config = deepFreeze(StoredProgramConfigSchema.parse(text === null ? defaultProgramConfig() : JSON.parse(text)));
      this.parsed = { text, config };
    }
    return {
      version: stored?.version ?? 0,
      config,
      updatedAt: stored?.updatedAt ?? 0,
      updatedBy: stored?.updatedBy ?? null,
    };
  }

  /**
   * Makes `config` the next version if `expected` is the current one (412 VERSION_CONFLICT otherwise, and
   * nothing changes); returns the new version. Every instance applies it from its next read.
   */
  async replace(
    tx: EntityManager,
    change: { expected: number; config: ProgramConfig; by: string | null; at: number },
  ): Promise<number> {
    const version = await this.repository.replaceIfCurrent(tx, change);
    if (version === null) throw versionConflict(change.expected);
    return version;
  }

  /**
   * Installs the default program of DOMAIN.md, as its first version, when the database has none: with its join
   * gift (DOMAIN §1, a ¥10 cash coupon), a coupon template made with it. Runs under the seed's named lock, so the
   * template is made only by the start that installs the program.
   */
  async ensureDefault(manager: EntityManager, now: number): Promise<void> {
    const config = defaultProgramConfig();
    if ((await this.repository.current(manager)) === null) {
      const templateId = newId();
      await this.coupons.insertTemplate(manager, defaultJoinGiftTemplate(templateId, now));
      config.coupons.joinGiftTemplateIds = [templateId];
    }
    await this.repository.installFirst(manager, config, now);
  }
}

export function versionConflict(named: number | null, current?: number): AppError {
  const message =
    named === null
      ? 'name the version you changed in If-Match: "<version>" (GET /api/admin/program gives it as the ETag)'
      : `version ${named} is not the current one: read the program again and apply the change to it`;
  return new AppError('VERSION_CONFLICT', message, current === undefined ? undefined : { currentVersion: current });
}
