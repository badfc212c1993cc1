import type { ProgramConfig } from '@huika/shared';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { execute, select } from '../../common/transactions';
import { ProgramConfigEntity, ProgramVersionEntity } from '../../database/entities';

const PROGRAM_ID = 1;

/** The stored program: its text as written, so that an unchanged program is not parsed again. */
export interface StoredProgram {
  text: string | null;
  version: number;
  updatedAt: number;
  updatedBy: string | null;
}

export interface StoredVersion {
  version: number;
  config: unknown;
  createdBy: string | null;
  createdAt: number;
}

/** The program's tables, program_config (the current version) and program_versions (every version). */
@Injectable()
export class ProgramRepository {
  async current(manager: EntityManager): Promise<StoredProgram | null> {
    const rows = await select<{
      config: string | null;
      revision: number | string;
      updated_at: number | string;
      updated_by: string | null;
    }>(manager, 'SELECT config, revision, updated_at, updated_by FROM program_config WHERE id = ?', [PROGRAM_ID]);
    const row = rows[0];
    if (!row) return null;
    return {
      text: row.config,
      version: Number(row.revision),
      updatedAt: Number(row.updated_at),
      updatedBy: row.updated_by,
    };
  }

  /**
   * The first version, unless the database has a program already (several instances may start at once); and the
   * current version in program_versions, if it is not there yet.
   */
  async installFirst(manager: EntityManager, config: ProgramConfig, at: number): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(ProgramConfigEntity)
      .values({ id: PROGRAM_ID, config, revision: 1, updatedAt: at, updatedBy: null })
      .orIgnore()
      .updateEntity(false)
      .execute();
    const current = await this.current(manager);
    if (!current || current.text === null) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(ProgramVersionEntity)
      .values({
        version: current.version,
        config: JSON.parse(current.text) as ProgramConfig,
        createdBy: current.updatedBy,
        createdAt: current.updatedAt,
      })
      .orIgnore()
      .updateEntity(false)
      .execute();
  }

  /**
   * Makes `config` the next version if `expected` is still the current one: a conditional update, so of two
   * changes made on one version exactly one goes through. Returns the new version, or null when another
   * change came first. Kept whole in program_versions too, in the caller's transaction.
   */
  async replaceIfCurrent(
    tx: EntityManager,
    change: { expected: number; config: ProgramConfig; by: string | null; at: number },
  ): Promise<number | null> {
    const text = JSON.stringify(change.config);
    const changed = await execute(
      tx,
      'UPDATE program_config SET config = ?, revision = revision + 1, updated_at = ?, updated_by = ? WHERE id = ? AND revision = ?',
      [text, change.at, change.by, PROGRAM_ID, change.expected],
    );
    if (changed !== 1) return null;
    const version = change.expected + 1;
    await execute(tx, 'INSERT INTO program_versions (version, config, created_by, created_at) VALUES (?, ?, ?, ?)', [
      version,
      text,
      change.by,
      change.at,
    ]);
    return version;
  }

  /** Versions below `below` (all when null), newest first, at most `take`. */
  async versions(manager: EntityManager, below: number | null, take: number): Promise<StoredVersion[]> {
    const rows = await select<{
      version: number | string;
      config: string;
      created_by: string | null;
      created_at: number | string;
    }>(
      manager,
      `SELECT version, config, created_by, created_at FROM program_versions
       ${below === null ? '' : 'WHERE version < ?'} ORDER BY version DESC LIMIT ${Number(take)}`,
      below === null ? [] : [below],
    );
    return rows.map((row) => ({
      version: Number(row.version),
      config: JSON.parse(row.config) as unknown,
      createdBy: row.created_by,
      createdAt: Number(row.created_at),
    }));
  }
}
