import 'reflect-metadata';
import { type DynamicModule, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { type DataSource, DataSource as DataSourceToken } from 'typeorm';
import { CoreModule } from './app.module';
import { Clock } from './common/clock';
import { DEV_KEY_SETTINGS, Keys, newKeysEnvFile } from './common/keys';
import { SettingsService } from './common/settings.service';
import { type AppConfig, loadConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { openDatabase } from './database/data-source';
import { createLogger, PinoNestLogger } from './logger';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { IdempotencyService } from './common/idempotency/idempotency.service';
import { AuditModule } from './modules/audit/audit.module';
import { LedgerModule } from './modules/ledger/ledger.module';
import { PointsService } from './modules/ledger/points.service';
import { ReconcileService } from './modules/ledger/reconcile.service';
import { CardModule } from './modules/card/card.module';
import { CardCodeService } from './modules/card/card-code.service';
import { CouponBatchesService } from './modules/coupons/coupon-batches.service';
import { CouponsModule } from './modules/coupons/coupons.module';
import { CouponsService } from './modules/coupons/coupons.service';
import { ReferralModule } from './modules/referral/referral.module';
import { ReferralService } from './modules/referral/referral.service';
import { ProgramModule } from './modules/program/program.module';
import { TiersModule } from './modules/tiers/tiers.module';
import { TierService } from './modules/tiers/tier.service';
import { SeedModule } from './modules/seed/seed.module';
import { SeedService } from './modules/seed/seed.service';
import { describeStartupError } from './startup-errors';

/** The services a command may use, without the HTTP server. */
@Module({})
class CliModule {
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        CoreModule.forRoot(config, dataSource),
        ProgramModule,
        SeedModule,
        IdempotencyModule,
        AuditModule,
        LedgerModule,
        CouponsModule,
        TiersModule,
        ReferralModule,
        CardModule,
      ],
    };
  }
}

/** Opens the database (migrating it), runs `work` with the application context, and closes everything. */
async function withContext(
  work: (context: INestApplicationContext, config: AppConfig) => Promise<void>,
): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ ...config, logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const dataSource = await openDatabase(config.database);
  const context = await NestFactory.createApplicationContext(CliModule.forRoot(config, dataSource), {
    logger: new PinoNestLogger(logger),
  });
  try {
    await context.get(Keys).assertDataKeyMatchesDatabase();
    // The dev clock's offset, in dev mode only (Clock): a production run never follows what a dev run left.
    await context.get(Clock).refresh();
    await work(context, config);
  } finally {
    await context.close();
    await dataSource.destroy();
  }
}

const program = new Command()
  .name('huika')
  .description(
    'Huika operations: database migrations, seeding and scheduled jobs.\nUses the same configuration (environment) as the server.',
  )
  .showHelpAfterError();

program
  .command('migrate')
  .description('create or migrate the database named by DATABASE_URL')
  .action(async () => {
    const config = loadConfig();
    const dataSource = await openDatabase(config.database);
    try {
      const applied = (await dataSource.query('SELECT name FROM schema_migrations ORDER BY id')) as { name: string }[];
      process.stdout.write(`database (${config.database.kind}) is up to date: ${applied.length} migrations applied\n`);
      for (const { name } of applied) process.stdout.write(`  ${name}\n`);
    } finally {
      await dataSource.destroy();
    }
  });

program
  .command('generate-keys')
  .description('print a new HUIKA_TOKEN_SECRET and HUIKA_DATA_KEY, as lines of an env file')
  .action(() => {
    process.stdout.write(newKeysEnvFile());
  });

program
  .command('export-data-key')
  .description('print the data key a database made before keys were required holds, as HUIKA_DATA_KEY=…')
  .action(async () => {
    const config = loadConfig(process.env, { requireKeys: false });
    const dataSource = await openDatabase(config.database);
    try {
      const stored = await new SettingsService(dataSource).get(DEV_KEY_SETTINGS.HUIKA_DATA_KEY);
      if (stored === null) {
        process.stderr.write(
          'huika: this database holds no data key of its own; `huika generate-keys` makes a new one\n',
        );
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`HUIKA_DATA_KEY=${stored}\n`);
    } finally {
      await dataSource.destroy();
    }
  });

program
  .command('forget-database-keys')
  .description('delete the keys the database holds of its own, once HUIKA_DATA_KEY is the one it holds')
  .action(async () => {
    await withContext(async (context) => {
      const removed = await context.get(Keys).forgetDatabaseKeys();
      process.stdout.write(`deleted ${removed} keys from the database; the configured keys are the only ones now\n`);
    });
  });

program
  .command('seed-demo')
  .description(
    'install the demo program (store S001, staff cashier and manager, three gifts) if it is not there yet; dev mode only',
  )
  .action(async () => {
    await withContext(async (context, config) => {
      const outcome = await context.get(SeedService).prepare({ demo: true });
      process.stdout.write(
        outcome.demoSeededNow
          ? `demo program installed: store S001 旗舰店; logins cashier / ${config.demoPassword}, manager / ${config.demoPassword}\n`
          : 'the demo program was already installed; nothing changed\n',
      );
      if (outcome.generatedAdminPassword) {
        process.stdout.write(`headquarters admin: admin / ${outcome.generatedAdminPassword} (shown once)\n`);
      }
    });
  });

function isoInstant(value: string): number {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) {
    throw new InvalidArgumentError('expected an ISO date-time, e.g. 2027-01-01T00:00:00+08:00');
  }
  return ms;
}

program
  .command('expire-points')
  .description('expire every lot of points that is due, in batches; safe to interrupt and run again')
  .option('--as-of <iso>', 'expire what is due at this instant (default: now)', isoInstant)
  .action(async (options: { asOf?: number }) => {
    await withContext(async (context) => {
      const asOf = options.asOf ?? context.get(Clock).now();
      const dataSource = context.get(DataSourceToken);
      const due = Number(
        (
          (await dataSource.query(
            'SELECT COUNT(*) AS n FROM point_lots WHERE expires_at IS NOT NULL AND expires_at <= ? AND remaining > 0 AND available_at IS NULL',
            [asOf],
          )) as { n: number | string }[]
        )[0]?.n ?? 0,
      );
      process.stdout.write(`expiring points due at ${new Date(asOf).toISOString()}: ${due} lots\n`);
      const bar =
        process.stdout.isTTY && due > 0
          ? new SingleBar({ format: '  {bar} {value}/{total} lots  {points} points' })
          : null;
      bar?.start(due, 0, { points: 0 });
      let lastLine = 0;
      const result = await context.get(PointsService).expireAll(asOf, (done) => {
        if (bar) bar.update(done.lots, { points: done.points });
        else if (done.lots - lastLine >= 10_000) {
          lastLine = done.lots;
          process.stdout.write(`  ${done.lots}/${due} lots, ${done.points} points\n`);
        }
      });
      bar?.stop();
      process.stdout.write(`expired ${result.lots} lots, ${result.points} points\n`);
    });
  });

program
  .command('release-points')
  .description('make pending points spendable once their pending period is over')
  .action(async () => {
    await withContext(async (context) => {
      const released = await context.get(PointsService).releaseAll();
      process.stdout.write(`released ${released} pending lots\n`);
    });
  });

program
  .command('evaluate-tiers')
  .description(
    'period-end tier evaluation: downgrade one step after the grace period, end manual tiers; once per period',
  )
  .option('--as-of <iso>', 'evaluate as of this instant (default: now)', isoInstant)
  .action(async (options: { asOf?: number }) => {
    await withContext(async (context) => {
      const asOf = options.asOf ?? context.get(Clock).now();
      const result = await context.get(TierService).evaluate(asOf);
      process.stdout.write(
        `tiers evaluated as of ${new Date(asOf).toISOString()}: ${result.reviewed} reviewed, ${result.downgraded} downgraded, ${result.manualEnded} manual tiers ended\n`,
      );
    });
  });

program
  .command('reconcile')
  .description('check the books: balances against entries, postings sum to zero, lots against balances')
  .action(async () => {
    await withContext(async (context) => {
      const report = await context.get(ReconcileService).run();
      process.stdout.write(`checked ${report.members} members, ${report.postings} postings, ${report.lots} lots\n`);
      if (report.differences.length === 0) {
        process.stdout.write('the books balance\n');
        return;
      }
      for (const line of report.differences) process.stdout.write(`DIFFERENCE ${line}\n`);
      process.stdout.write(`${report.differences.length} differences\n`);
      process.exitCode = 1;
    });
  });

program
  .command('cleanup-idempotency')
  .description('delete idempotency keys past their retention (48 hours)')
  .action(async () => {
    await withContext(async (context) => {
      const removed = await context.get(IdempotencyService).cleanup();
      process.stdout.write(`removed ${removed} expired idempotency keys\n`);
    });
  });

program
  .command('grant-referrals')
  .description('grant the referral rewards whose holding period has passed (run daily); safe to run again')
  .action(async () => {
    await withContext(async (context) => {
      let granted = 0;
      let refused = 0;
      for (;;) {
        const batch = await context.get(ReferralService).grantDue(500);
        granted += batch.granted;
        refused += batch.refused;
        if (batch.granted + batch.refused === 0) break;
      }
      process.stdout.write(`granted ${granted} referral rewards, refused ${refused} (referrer closed)\n`);
    });
  });

program
  .command('expire-coupons')
  .description('mark every available coupon past its validity expired, in batches; safe to run again')
  .option('--as-of <iso>', 'expire what is past its validity at this instant (default: now)', isoInstant)
  .action(async (options: { asOf?: number }) => {
    await withContext(async (context) => {
      const asOf = options.asOf ?? context.get(Clock).now();
      const expired = await context.get(CouponsService).expireDue(asOf);
      process.stdout.write(`expired ${expired} coupons past their validity at ${new Date(asOf).toISOString()}\n`);
    });
  });

program
  .command('issue-birthday-coupons')
  .description("issue the program's birthday coupons to members born this month (run daily); once per member and year")
  .option('--as-of <iso>', 'the month of this instant (default: now)', isoInstant)
  .action(async (options: { asOf?: number }) => {
    await withContext(async (context) => {
      const asOf = options.asOf ?? context.get(Clock).now();
      const result = await context.get(CouponsService).issueBirthday(asOf);
      process.stdout.write(`birthday coupons: ${result.issued} issued, ${result.skipped} skipped (limit or quota)\n`);
    });
  });

program
  .command('issue-coupon-batch')
  .description('run or resume a headquarters coupon batch to its end; nobody gets a second coupon from one batch')
  .requiredOption('--batch <id>', 'the batch id given when it was created')
  .option('--rescan', 'walk the whole audience again, a finished batch too (issues only what is missing)')
  .action(async (options: { batch: string; rescan?: boolean }) => {
    await withContext(async (context) => {
      const result = await context.get(CouponBatchesService).run(options.batch, { rescan: options.rescan ?? false });
      if (!result.ran) {
        process.stdout.write(
          result.state === 'done'
            ? `batch ${options.batch} is done already (use --rescan to walk it again)\n`
            : `batch ${options.batch} is being run by another process; try again when its lease ends\n`,
        );
      }
      process.stdout.write(
        `batch ${options.batch}: ${result.state}, ${result.issued} issued, ${result.skipped} skipped of ${result.total}\n`,
      );
    });
  });

program
  .command('rotate-card-key')
  .description('sign dynamic card codes with a new key; codes signed with the previous key stay valid')
  .action(async () => {
    await withContext(async (context) => {
      const kid = await context.get(CardCodeService).rotateKey();
      process.stdout.write(`card codes are now signed with key ${kid}\n`);
    });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`huika: ${describeStartupError(error)}\n`);
  process.exit(1);
});
