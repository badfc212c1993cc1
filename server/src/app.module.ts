import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { DataSource as DataSourceToken } from 'typeorm';
import { Clock } from './common/clock';
import { ApiExceptionFilter } from './common/exception.filter';
import { H5_APP, H5App } from './common/h5-app';
import { SettingsService } from './common/settings.service';
import type { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { AuthGuard } from './modules/auth/auth.guard';
import { AuthModule } from './modules/auth/auth.module';
import { DevModule } from './modules/dev/dev.module';
import { DocsModule } from './modules/docs/docs.module';
import { HealthModule } from './modules/health/health.module';
import { ProgramModule } from './modules/program/program.module';
import { SeedModule } from './modules/seed/seed.module';

/** Infrastructure every module may inject: the DataSource, the clock, shared settings. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: DataSourceToken, useValue: dataSource },
        { provide: H5_APP, useValue: new H5App(config.h5Dir) },
        Clock,
        SettingsService,
      ],
      exports: [DataSourceToken, H5_APP, Clock, SettingsService],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CoreModule.forRoot(config, dataSource),
        ProgramModule,
        AuthModule,
        SeedModule,
        HealthModule,
        DocsModule,
        DevModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
    };
  }
}
