import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type HuikaApp } from '../../src/app.factory';
import type { AppConfig, DatabaseConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import mysql from 'mysql2/promise';

/** Which database the medium suite runs on: `HUIKA_TEST_DB=mysql` for MariaDB/MySQL, SQLite otherwise. */
export const TEST_DB: DatabaseConfig['kind'] = process.env.HUIKA_TEST_DB === 'mysql' ? 'mysql' : 'sqlite';

const MYSQL_SERVER_URL = process.env.HUIKA_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export interface TestDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/** A new, empty database of the suite's kind: a temp SQLite file or a fresh MariaDB schema. */
export async function freshDatabase(kind: DatabaseConfig['kind'] = TEST_DB): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'huika-medium-'));
    return {
      config: { kind: 'sqlite', file: join(dir, 'huika.sqlite') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const database = `huika_t_${randomBytes(5).toString('hex')}`;
  const url = new URL(MYSQL_SERVER_URL);
  url.pathname = `/${database}`;
  return {
    config: { kind: 'mysql', url: url.toString(), database, poolSize: 10 },
    drop: async () => {
      const connection = await mysql.createConnection(MYSQL_SERVER_URL);
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

/** Keys for apps and commands outside dev mode (loadConfig requires them there). */
export const TEST_KEYS = {
  tokenSecret: 'medium-test-token-secret-of-32-characters',
  dataKey: 'medium-test-data-key-of-at-least-32-characters',
} as const satisfies Partial<AppConfig>;

export function testConfig(database: DatabaseConfig, overrides: Partial<AppConfig> = {}): AppConfig {
  // Outside dev mode there is no demo, and the keys come from the configuration.
  const production = overrides.dev === false;
  return {
    port: 0,
    host: '127.0.0.1',
    database,
    dev: true,
    demo: !production,
    demoPassword: 'huika-demo',
    adminPassword: 'admin-password',
    tokenSecret: undefined,
    ...(production ? TEST_KEYS : {}),
    // The medium tests play the load balancer: they set X-Forwarded-For themselves.
    trustProxy: true,
    h5Dir: join(tmpdir(), 'huika-no-h5'),
    adminDir: join(tmpdir(), 'huika-no-admin'),
    bodyLimitBytes: 65_536,
    logLevel: 'silent',
    logPretty: false,
    version: 'test',
    ...overrides,
  };
}

export interface TestRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as it is. */
  payload?: unknown;
}

export interface TestResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface TestApp {
  huika: HuikaApp;
  config: AppConfig;
  baseUrl: string;
  /** A real HTTP request to the app, listening on a loopback port. */
  request(options: TestRequest): Promise<TestResponse>;
  close(): Promise<void>;
}

export async function startTestApp(database: DatabaseConfig, overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const config = testConfig(database, overrides);
  const huika = await createApp(config, createLogger(config));
  await huika.app.listen({ port: 0, host: '127.0.0.1' });
  const address = huika.app.getHttpServer().address();
  if (typeof address !== 'object' || !address) throw new Error('the test app is not listening');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    huika,
    config,
    baseUrl,
    request: async ({ method, url, headers = {}, payload }) => {
      const init: RequestInit = { method, headers: { ...headers } };
      if (payload !== undefined) {
        init.body = typeof payload === 'string' ? payload : JSON.stringify(payload);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${baseUrl}${url}`, init);
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      return {
        status: response.status,
        body: type.includes('json') && text ? (JSON.parse(text) as unknown) : text,
        headers: Object.fromEntries(response.headers.entries()),
      };
    },
    close: () => huika.close(),
  };
}
