import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** Where the repository's top folder is, seen from server/src/config or server/dist/config. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** The demo staff's password unless HUIKA_DEMO_PASSWORD says otherwise: it is in the README for all to read. */
export const DEFAULT_ADMIN_DIR = resolve(REPO_ROOT, 'admin', 'dist');

export const PUBLISHED_DEMO_PASSWORD = 'huika-demo';

/** Far above what the app does (a page shows in a handful of reads), low enough to keep a loop off the database. */
export const MEMBER_READ_DEFAULTS = { burst: 120, perMinute: 120 } as const;

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().min(1).optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  NODE_ENV: z.string().optional(),
  HUIKA_DEV: booleanFlag.optional(),
  HUIKA_DEMO: booleanFlag.optional(),
  HUIKA_DEMO_PASSWORD: z.string().min(8).default(PUBLISHED_DEMO_PASSWORD),
  HUIKA_ADMIN_PASSWORD: z.string().min(8).optional(),
  HUIKA_TOKEN_SECRET: z.string().min(32).optional(),
  HUIKA_TOKEN_SECRET_FILE: z.string().min(1).optional(),
  HUIKA_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/, ]+)$/, 'true, false, a number of hops, or proxy addresses/CIDRs')
    .default('false'),
  HUIKA_H5_DIR: z.string().min(1).optional(),
  HUIKA_ADMIN_DIR: z.string().min(1).optional(),
  HUIKA_WECHAT_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.weixin.qq.com'),
  HUIKA_WECHAT_APPID: z.string().min(1).optional(),
  HUIKA_WECHAT_SECRET: z.string().min(1).optional(),
  HUIKA_DATA_KEY: z.string().min(32).optional(),
  HUIKA_DATA_KEY_FILE: z.string().min(1).optional(),
  HUIKA_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  HUIKA_MEMBER_READ_BURST: z.coerce.number().int().min(1).max(100_000).default(MEMBER_READ_DEFAULTS.burst),
  HUIKA_MEMBER_READS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(MEMBER_READ_DEFAULTS.perMinute),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: booleanFlag.optional(),
});

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | {
      kind: 'mysql';
      url: string;
      database: string;
      poolSize: number;
      /** MariaDB's Unix socket (`?socket=/run/mysqld/mysqld.sock`): on the same host, cheaper than TCP. */
      socketPath?: string;
    };

/**
 * The per-instance limit on a member's reads (common/rate-limit/member-read-limiter.ts): a burst of
 * `burst` calls, then `perMinute` a minute.
 */
export interface MemberReadLimitConfig {
  burst: number;
  perMinute: number;
  /** Members (or not-yet-member logins) remembered at most; the least recently seen are forgotten first. */
  maxKeys?: number;
  /** Milliseconds of a monotonic clock (performance.now unless a test drives it). */
  now?: () => number;
}

/** The mini-program's WeChat API access (member login, phone numbers). */
export interface WechatConfig {
  baseUrl: string;
  /** Unset: WeChat login answers 503 until the mini-program's credentials are configured. */
  appId: string | undefined;
  secret: string | undefined;
}

export interface AppConfig {
  port: number;
  host: string;
  database: DatabaseConfig;
  /** Development mode (devMode): the dev routes, SMS codes in the log, the movable clock, the demo. */
  dev: boolean;
  /** Seed the demo program and its staff (published password); only ever in dev mode. */
  demo: boolean;
  demoPassword: string;
  adminPassword: string | undefined;
  /** Signs bearer tokens; card-code and checkout-token keys are derived from it. Unset only in dev mode. */
  tokenSecret: string | undefined;
  /**
   * Which X-Forwarded-For hops to believe (Fastify's trustProxy): false (the socket's address), true
   * (every hop: only behind a proxy that overwrites the header), a number of hops, or proxy addresses.
   */
  trustProxy: boolean | number | string;
  /** Optional so that hand-built configurations (tests) may leave them out; loadConfig always sets them. */
  wechat?: WechatConfig;
  /** Key (≥ 32 chars) for personal data: phone encryption and lookup hashes. Unset only in dev mode. */
  dataKey?: string | undefined;
  h5Dir: string;
  /** The built headquarters console, served at /admin/ (DEFAULT_ADMIN_DIR when left out). */
  adminDir?: string;
  bodyLimitBytes: number;
  /** Optional so that hand-built configurations (tests) may leave it out: the defaults apply. */
  memberReads?: MemberReadLimitConfig;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  logPretty: boolean;
  version: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

const DEFAULT_SQLITE_FILE = resolve(REPO_ROOT, 'data', 'huika.sqlite');

/** `mysql://…` (optionally `?socket=/run/mysqld/mysqld.sock`), `mariadb://…`, `sqlite:path`, `sqlite://path`, or a plain file path ending in .sqlite/.db. */
export function parseDatabaseUrl(value: string | undefined, poolSize: number): DatabaseConfig {
  if (value === undefined) return { kind: 'sqlite', file: DEFAULT_SQLITE_FILE };
  if (/^(mysql|mariadb):\/\//.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError('DATABASE_URL', `not a valid URL: ${value}`);
    }
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (!url.hostname)
      throw new ConfigError('DATABASE_URL', 'a MySQL URL needs a host, e.g. mysql://root@127.0.0.1:3306/huika');
    if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) {
      throw new ConfigError(
        'DATABASE_URL',
        'a MySQL URL needs a database name of letters, digits and _, e.g. mysql://root@127.0.0.1:3306/huika',
      );
    }
    const socketPath = url.searchParams.get('socket') ?? undefined;
    const unknown = [...url.searchParams.keys()].filter((key) => key !== 'socket');
    if (unknown.length > 0)
      throw new ConfigError(
        'DATABASE_URL',
        `unknown parameter ${unknown[0]} (the only one is socket=/path/to/mysqld.sock)`,
      );
    if (socketPath !== undefined && !isAbsolute(socketPath))
      throw new ConfigError(
        'DATABASE_URL',
        `socket= needs an absolute path, e.g. /run/mysqld/mysqld.sock (got "${socketPath}")`,
      );
    url.protocol = 'mysql:';
    url.search = '';
    return { kind: 'mysql', url: url.toString(), database, poolSize, ...(socketPath ? { socketPath } : {}) };
  }
  const sqliteMatch = /^sqlite:(?:\/\/)?(.+)$/.exec(value);
  const file = sqliteMatch ? sqliteMatch[1] : /\.(sqlite3?|db)$/.test(value) ? value : undefined;
  if (!file) {
    throw new ConfigError(
      'DATABASE_URL',
      `expected mysql://user:password@host:port/database, sqlite:path or a path to a .sqlite file, got "${value}"`,
    );
  }
  return { kind: 'sqlite', file: isAbsolute(file) ? file : resolve(process.cwd(), file) };
}

function readVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(resolve(REPO_ROOT, 'server', 'package.json')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * Whether dev mode is on: HUIKA_DEV when it is set; otherwise only for the embedded default (no DATABASE_URL,
 * what `npm start` runs on a fresh machine) and never under NODE_ENV=production.
 */
export function devMode(env: {
  dev: boolean | undefined;
  databaseUrl: string | undefined;
  nodeEnv: string | undefined;
}): boolean {
  return env.dev ?? (env.databaseUrl === undefined && env.nodeEnv !== 'production');
}

export const KEY_VARIABLES = ['HUIKA_TOKEN_SECRET', 'HUIKA_DATA_KEY'] as const;
export type KeyVariable = (typeof KEY_VARIABLES)[number];

/** A key given in the variable itself or in the file its `_FILE` variable names (surrounding blanks dropped). */
function readKey(env: NodeJS.ProcessEnv, variable: KeyVariable, inline: string | undefined): string | undefined {
  const fileVariable = `${variable}_FILE`;
  const file = env[fileVariable];
  if (file === undefined || file === '') return inline;
  if (inline !== undefined) throw new ConfigError(variable, `set either ${variable} or ${fileVariable}, not both`);
  let key: string;
  try {
    key = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(fileVariable, `cannot read ${file} (${String((error as { code?: unknown }).code)})`);
  }
  if (key.length < 32) throw new ConfigError(fileVariable, `${file} must hold a key of at least 32 characters`);
  return key;
}

export interface LoadConfigOptions {
  /**
   * Outside dev mode the token secret and the data key must be configured (the default). Only commands that
   * touch neither (`huika export-data-key`) leave them out.
   */
  requireKeys?: boolean;
}

/** Reads and validates the environment. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const got = env[variable];
    throw new ConfigError(variable, `${issue?.message ?? 'invalid'}${got === undefined ? '' : ` (got "${got}")`}`);
  }
  const e = parsed.data;
  const database = parseDatabaseUrl(e.DATABASE_URL, e.DB_POOL_SIZE);
  const dev = devMode({ dev: e.HUIKA_DEV, databaseUrl: e.DATABASE_URL, nodeEnv: e.NODE_ENV });
  if (dev && e.NODE_ENV === 'production') {
    throw new ConfigError('HUIKA_DEV', 'dev mode cannot run with NODE_ENV=production: unset HUIKA_DEV');
  }
  // The demo staff log in with a published password: never outside dev mode.
  if (e.HUIKA_DEMO === true && !dev) {
    throw new ConfigError('HUIKA_DEMO', 'the demo is seeded only in dev mode (HUIKA_DEV=true), never in production');
  }
  const tokenSecret = readKey(env, 'HUIKA_TOKEN_SECRET', e.HUIKA_TOKEN_SECRET);
  const dataKey = readKey(env, 'HUIKA_DATA_KEY', e.HUIKA_DATA_KEY);
  if (!dev && (options.requireKeys ?? true)) {
    const keys: Record<KeyVariable, string | undefined> = { HUIKA_TOKEN_SECRET: tokenSecret, HUIKA_DATA_KEY: dataKey };
    const missing = KEY_VARIABLES.filter((variable) => keys[variable] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(
        missing.join(', '),
        `required outside dev mode (or ${missing.map((variable) => `${variable}_FILE`).join(', ')} naming a key file); \`huika generate-keys\` prints new keys, \`huika export-data-key\` the one an existing database holds`,
      );
    }
  }
  return {
    port: e.PORT,
    host: e.HOST,
    database,
    dev,
    // The embedded default (no DATABASE_URL) is the demo; any other database seeds only on request.
    demo: dev && (e.HUIKA_DEMO ?? e.DATABASE_URL === undefined),
    demoPassword: e.HUIKA_DEMO_PASSWORD,
    adminPassword: e.HUIKA_ADMIN_PASSWORD,
    tokenSecret,
    trustProxy:
      e.HUIKA_TRUST_PROXY === 'true'
        ? true
        : e.HUIKA_TRUST_PROXY === 'false'
          ? false
          : /^\d+$/.test(e.HUIKA_TRUST_PROXY)
            ? Number(e.HUIKA_TRUST_PROXY)
            : e.HUIKA_TRUST_PROXY,
    wechat: {
      baseUrl: e.HUIKA_WECHAT_BASE_URL.replace(/\/+$/, ''),
      appId: e.HUIKA_WECHAT_APPID,
      secret: e.HUIKA_WECHAT_SECRET,
    },
    dataKey,
    h5Dir: e.HUIKA_H5_DIR ? resolve(e.HUIKA_H5_DIR) : resolve(REPO_ROOT, 'miniapp', 'dist', 'h5'),
    adminDir: e.HUIKA_ADMIN_DIR ? resolve(e.HUIKA_ADMIN_DIR) : DEFAULT_ADMIN_DIR,
    bodyLimitBytes: e.HUIKA_BODY_LIMIT_BYTES,
    memberReads: { burst: e.HUIKA_MEMBER_READ_BURST, perMinute: e.HUIKA_MEMBER_READS_PER_MINUTE },
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_PRETTY ?? Boolean(process.stdout.isTTY),
    version: readVersion(),
  };
}
