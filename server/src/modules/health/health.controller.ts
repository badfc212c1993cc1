import { routes } from '@huika/shared';
import { Controller, Inject } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../../common/app-error';
import { Route } from '../../common/route.decorators';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';

@Controller()
export class HealthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @Route(routes.health)
  async health() {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', 'the database is not reachable');
    }
    return { status: 'ok' as const, db: this.config.database.kind, version: this.config.version };
  }
}
