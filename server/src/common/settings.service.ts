import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, Like } from 'typeorm';
import { AppSettingEntity } from '../database/entities';

/** Shared settings in the database, so every server instance agrees on them. */
@Injectable()
export class SettingsService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async get(name: string): Promise<string | null> {
    const row = await this.dataSource.getRepository(AppSettingEntity).findOneBy({ name });
    return row?.value ?? null;
  }

  async set(name: string, value: string): Promise<void> {
    await this.dataSource.getRepository(AppSettingEntity).upsert({ name, value, updatedAt: Date.now() }, ['name']);
  }

  async namesStartingWith(prefix: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(AppSettingEntity)
      .find({ where: { name: Like(`${prefix}%`) }, select: { name: true } });
    return rows.map((row) => row.name);
  }

  /** Deletes the named settings; returns how many there were. */
  async remove(names: readonly string[]): Promise<number> {
    if (names.length === 0) return 0;
    const result = await this.dataSource.getRepository(AppSettingEntity).delete({ name: In([...names]) });
    return result.affected ?? 0;
  }

  /**
   * The stored secret of that name, created on first use. Several instances may race to create it:
   * the insert is ignored when a row exists, and everyone reads the winner back.
   */
  async secret(name: string): Promise<string> {
    const existing = await this.get(name);
    if (existing) return existing;
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(AppSettingEntity)
      .values({ name, value: randomBytes(32).toString('base64url'), updatedAt: Date.now() })
      .orIgnore()
      .updateEntity(false)
      .execute();
    const created = await this.get(name);
    if (!created) throw new Error(`could not create the ${name} secret`);
    return created;
  }
}
