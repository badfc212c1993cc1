import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { AppConfig } from './config/config';

/** Log lines wait until this many bytes are pending, or until LOG_FLUSH_MS have passed, before a write. */
export const LOG_BUFFER_BYTES = 4096;
export const LOG_FLUSH_MS = 250;

/** The server's logger, writing to `destination` (standard output unless a test says otherwise). */
export function createLogger(
  config: Pick<AppConfig, 'logLevel' | 'logPretty'>,
  destination: number | string = 1,
  flushMs = LOG_FLUSH_MS,
): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'huika' },
    redact: { paths: ['req.headers.authorization', 'password', '*.password'], censor: '[redacted]' },
    serializers: { err: serializeError },
    ...(config.logPretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
          },
        }
      : {}),
  };
  if (config.logPretty) return pino(options);
  // Written asynchronously and in batches: a line waits until 4 KiB are pending (about 15 access-log lines)
  // or for at most 250 ms, so that under load a request does not pay a write of its own (one per line was
  // 3–4% of the server's CPU on a purchase), and nothing waits when stdout is slow. Whatever is pending is
  // flushed when the process exits; a kill -9 loses at most the last 250 ms of lines.
  return pino(
    options,
    pino.destination({
      dest: destination,
      sync: false,
      minLength: LOG_BUFFER_BYTES,
      periodicFlush: flushMs,
    }),
  );
}

/** Quoted literals: the values that mysql2 pastes into a statement, or that the database quotes in its message. */
const QUOTED = /'(?:[^'\\]|\\.|'')*'/g;
/** Numbers standing alone (not part of a name such as `t1`). */
const NUMBER = /(?<![\w.$])-?\d+(?:\.\d+)?(?![\w$])/g;

/** A statement with every value it carries replaced by `?`: what it did, not whom it was about. */
export function withoutValues(sql: string): string {
  return sql.replace(QUOTED, '?').replace(NUMBER, '?');
}

interface DatabaseErrorFields {
  query?: unknown;
  sql?: unknown;
  driverError?: unknown;
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
}

/**
 * Errors as the log writes them. A database error carries its statement with the values in it (TypeORM's
 * `parameters`, mysql2's `sql` with them pasted in) and a message that may quote one: names, birthdays and
 * phone digits would end up in the log. It is logged as the statement without its values and the driver's
 * error code, its message and stack with quoted values taken out.
 */
export function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error);
  if (typeof error !== 'object' || error === null) return serialized;
  const fields = error as DatabaseErrorFields;
  const statement = typeof fields.query === 'string' ? fields.query : fields.sql;
  if (typeof statement !== 'string' && fields.driverError === undefined) return serialized;
  const scrub = (text: unknown) => (typeof text === 'string' ? text.replace(QUOTED, '?') : undefined);
  return {
    type: serialized.type,
    message: scrub(serialized.message),
    stack: scrub(serialized.stack),
    code: typeof fields.code === 'string' ? fields.code : undefined,
    errno: typeof fields.errno === 'number' ? fields.errno : undefined,
    sqlState: typeof fields.sqlState === 'string' ? fields.sqlState : undefined,
    query: typeof statement === 'string' ? withoutValues(statement) : undefined,
  };
}

const QUIET_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Nest's own messages (bootstrap, module init) go through the same pino logger as requests. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    // Nest's start-up chatter (every module and route) is for debugging, not for the operator.
    const level = context && QUIET_CONTEXTS.has(context) ? 'debug' : 'info';
    this.logger[level]({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
