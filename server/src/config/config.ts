import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** Where the repository's top folder is, seen from server/src/config or server/dist/config. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().min(1).optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  HUIKA_DEV: booleanFlag.default(false),
  HUIKA_DEMO: booleanFlag.optional(),
  HUIKA_DEMO_PASSWORD: z.string().min(8).default('huika-demo'),
  HUIKA_ADMIN_PASSWORD: z.string().min(8).optional(),
  HUIKA_TOKEN_SECRET: z.string().min(32).optional(),
  HUIKA_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/, ]+)$/, 'true, false, a number of hops, or proxy addresses/CIDRs')
    .default('false'),
  HUIKA_H5_DIR: z.string().min(1).optional(),
  HUIKA_WECHAT_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.weixin.qq.com'),
  HUIKA_WECHAT_APPID: z.string().min(1).optional(),
  HUIKA_WECHAT_SECRET: z.string().min(1).optional(),
  HUIKA_DATA_KEY: z.string().min(32).optional(),
  HUIKA_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
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
  dev: boolean;
  demo: boolean;
  demoPassword: string;
  adminPassword: string | undefined;
  tokenSecret: string | undefined;
  /**
   * Which X-Forwarded-For hops to believe (Fastify's trustProxy): false (the socket's address), true
   * (every hop: only behind a proxy that overwrites the header), a number of hops, or proxy addresses.
   */
  trustProxy: boolean | number | string;
  /** Optional so that hand-built configurations (tests) may leave them out; loadConfig always sets them. */
  wechat?: WechatConfig;
  /** Key (≥ 32 chars) for personal data: phone encryption and lookup hashes. Unset: a key kept in the database. */
  dataKey?: string | undefined;
  h5Dir: string;
  bodyLimitBytes: number;
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

/** Reads and validates the environment. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const got = env[variable];
    throw new ConfigError(variable, `${issue?.message ?? 'invalid'}${got === undefined ? '' : ` (got "${got}")`}`);
  }
  const e = parsed.data;
  const database = parseDatabaseUrl(e.DATABASE_URL, e.DB_POOL_SIZE);
  return {
    port: e.PORT,
    host: e.HOST,
    database,
    dev: e.HUIKA_DEV,
    // The embedded default (no DATABASE_URL) is the demo; any other database seeds only on request.
    demo: e.HUIKA_DEMO ?? e.DATABASE_URL === undefined,
    demoPassword: e.HUIKA_DEMO_PASSWORD,
    adminPassword: e.HUIKA_ADMIN_PASSWORD,
    tokenSecret: e.HUIKA_TOKEN_SECRET,
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
    dataKey: e.HUIKA_DATA_KEY,
    h5Dir: e.HUIKA_H5_DIR ? resolve(e.HUIKA_H5_DIR) : resolve(REPO_ROOT, 'miniapp', 'dist', 'h5'),
    bodyLimitBytes: e.HUIKA_BODY_LIMIT_BYTES,
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_PRETTY ?? Boolean(process.stdout.isTTY),
    version: readVersion(),
  };
}
