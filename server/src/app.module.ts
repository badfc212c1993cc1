import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { DataSource as DataSourceToken } from 'typeorm';
import { Clock } from './common/clock';
import { ApiExceptionFilter } from './common/exception.filter';
import { ADMIN_APP, ADMIN_BASE, H5_APP, H5App } from './common/h5-app';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { Keys } from './common/keys';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { SettingsService } from './common/settings.service';
import { Transactions } from './common/transactions';
import { type AppConfig, DEFAULT_ADMIN_DIR } from './config/config';
import { ConfigModule } from './config/config.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthGuard } from './modules/auth/auth.guard';
import { AuthModule } from './modules/auth/auth.module';
import { DevModule } from './modules/dev/dev.module';
import { DocsModule } from './modules/docs/docs.module';
import { GiftsModule } from './modules/gifts/gifts.module';
import { ActivitiesModule } from './modules/activities/activities.module';
import { HealthModule } from './modules/health/health.module';
import { LedgerModule } from './modules/ledger/ledger.module';
import { MeModule } from './modules/me/me.module';
import { CardHttpModule } from './modules/card/card-http.module';
import { CardModule } from './modules/card/card.module';
import { IdentityModule } from './modules/identity/identity.module';
import { MembersModule } from './modules/members/members.module';
import { ReferralHttpModule } from './modules/referral/referral-http.module';
import { ReferralModule } from './modules/referral/referral.module';
import { ProgramModule } from './modules/program/program.module';
import { SeedModule } from './modules/seed/seed.module';
import { CampaignsModule } from './modules/campaigns/campaigns.module';
import { CheckoutModule } from './modules/checkout/checkout.module';
import { CouponsHttpModule } from './modules/coupons/coupons-http.module';
import { CouponsModule } from './modules/coupons/coupons.module';
import { TiersModule } from './modules/tiers/tiers.module';
import { StaffModule } from './modules/staff/staff.module';
import { StatsModule } from './modules/stats/stats.module';
import { StoresModule } from './modules/stores/stores.module';

/** Infrastructure every module may inject: the DataSource, the clock, shared settings, the keys. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: DataSourceToken, useValue: dataSource },
        { provide: H5_APP, useValue: new H5App(config.h5Dir, '/', [ADMIN_BASE]) },
        { provide: ADMIN_APP, useValue: new H5App(config.adminDir ?? DEFAULT_ADMIN_DIR, ADMIN_BASE) },
        Clock,
        SettingsService,
        Keys,
        Transactions,
      ],
      exports: [DataSourceToken, H5_APP, ADMIN_APP, Clock, SettingsService, Keys, Transactions],
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
        IdempotencyModule,
        AuditModule,
        RateLimitModule,
        StoresModule,
        StaffModule,
        LedgerModule,
        CouponsModule,
        TiersModule,
        CampaignsModule,
        CheckoutModule,
        MeModule,
        IdentityModule,
        CardModule,
        ReferralModule,
        MembersModule,
        CardHttpModule,
        ReferralHttpModule,
        GiftsModule,
        ActivitiesModule,
        CouponsHttpModule,
        StatsModule,
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
