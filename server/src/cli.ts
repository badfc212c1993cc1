import 'reflect-metadata';
import { type DynamicModule, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import type { DataSource } from 'typeorm';
import { CoreModule } from './app.module';
import { Clock } from './common/clock';
import { type AppConfig, loadConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { openDatabase } from './database/data-source';
import { createLogger, PinoNestLogger } from './logger';
import { ProgramModule } from './modules/program/program.module';
import { SeedModule } from './modules/seed/seed.module';
import { SeedService } from './modules/seed/seed.service';
import { describeStartupError } from './startup-errors';

/** The services a command may use, without the HTTP server. */
@Module({})
class CliModule {
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), CoreModule.forRoot(config, dataSource), ProgramModule, SeedModule],
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
  .command('seed-demo')
  .description('install the demo program (store S001, staff cashier and manager, three gifts) if it is not there yet')
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

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`huika: ${describeStartupError(error)}\n`);
  process.exit(1);
});
