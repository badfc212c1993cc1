import 'reflect-metadata';
import type { Logger } from 'pino';
import { createApp, type HuikaApp } from './app.factory';
import { Keys } from './common/keys';
import { describeStartupError } from './startup-errors';
import { type AppConfig, loadConfig, PUBLISHED_DEMO_PASSWORD } from './config/config';
import { createLogger } from './logger';
import { SeedService } from './modules/seed/seed.service';
import { isLoopbackHost, logLongGcPauses, tuneGarbageCollector } from './runtime';

async function main(): Promise<void> {
  tuneGarbageCollector();
  const config = loadConfig();
  const logger = createLogger(config);
  logLongGcPauses(logger);
  const huika = await createApp(config, logger);
  await huika.app.get(Keys).assertDataKeyMatchesDatabase();
  await warnOfDemoStaffBeyondLoopback(config, huika, logger);
  await huika.app.listen({ port: config.port, host: config.host });
  const address = huika.app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, db: config.database.kind, dev: config.dev }, 'listening');
  printBanner(config, port, huika.seed.generatedAdminPassword);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    // In-flight requests finish; new ones get 503 while Fastify closes (return503OnClosing).
    huika
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/** Demo staff log in with a password anyone can read in the README: fine on this machine, not beyond it. */
async function warnOfDemoStaffBeyondLoopback(config: AppConfig, huika: HuikaApp, logger: Logger): Promise<void> {
  if (isLoopbackHost(config.host)) return;
  const demoStaff = await huika.app.get(SeedService).demoStaffWithPublishedPassword();
  if (demoStaff.length === 0) return;
  logger.warn(
    { host: config.host, staff: demoStaff },
    `demo staff ${demoStaff.join(' and ')} log in with the published password "${PUBLISHED_DEMO_PASSWORD}" and this server listens beyond loopback: deactivate them or change their passwords`,
  );
}

function printBanner(config: ReturnType<typeof loadConfig>, port: number, adminPassword: string | null): void {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const lines = [
    '',
    `  Huika is running at http://${host}:${port}/`,
    `  API docs: http://${host}:${port}/api/docs   database: ${config.database.kind}${config.dev ? '   dev mode: on' : ''}`,
  ];
  if (config.demo) {
    lines.push(
      `  Demo logins (store S001 旗舰店): cashier / ${config.demoPassword}   manager / ${config.demoPassword}`,
    );
  }
  if (adminPassword)
    lines.push(`  Headquarters admin: admin / ${adminPassword}   (shown once; set HUIKA_ADMIN_PASSWORD to choose it)`);
  lines.push('  Press Ctrl-C to stop.', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`huika: ${describeStartupError(error)}\n`);
  process.exit(1);
});
