import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { AppSettingEntity } from '../database/entities';

export const CLOCK_OFFSET_SETTING = 'clock_offset_ms';

/**
 * The one source of "now" for every time-dependent rule. In production the offset is always 0. In dev
 * mode it comes from the database (PUT /api/dev/clock), so every server instance on the same database
 * sees the same clock; it is refreshed before each request and each command.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowDate(): Date {
    return new Date(this.now());
  }

  currentOffsetMs(): number {
    return this.offsetMs;
  }

  /** Reads the shared offset in dev mode. Outside it the offset stays 0, whatever a dev run left in the database. */
  async refresh(): Promise<void> {
    if (!this.config.dev) return;
    const row = await this.dataSource
      .getRepository(AppSettingEntity)
      .findOne({ where: { name: CLOCK_OFFSET_SETTING }, select: { value: true } });
    this.offsetMs = row ? Number(row.value) || 0 : 0;
  }

  /** Moves the shared clock so that it reads `target` now and keeps running from there. */
  async setNow(target: number): Promise<void> {
    await this.saveOffset(target - Date.now());
  }

  async reset(): Promise<void> {
    await this.saveOffset(0);
  }

  private async saveOffset(offsetMs: number): Promise<void> {
    await this.dataSource
      .getRepository(AppSettingEntity)
      .upsert({ name: CLOCK_OFFSET_SETTING, value: String(offsetMs), updatedAt: Date.now() }, ['name']);
    this.offsetMs = offsetMs;
  }
}
