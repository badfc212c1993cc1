import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, devMode, loadConfig, parseDatabaseUrl } from './config';

const KEYS = {
  HUIKA_TOKEN_SECRET: 'a-token-secret-of-at-least-32-characters',
  HUIKA_DATA_KEY: 'a-data-key-of-at-least-32-characters-long',
};
const MARIADB = 'mysql://root@127.0.0.1:3306/huika';

function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a configuration error for ${JSON.stringify(env)}`);
}

describe('configuration', () => {
  it('defaults to the embedded SQLite demo on port 3000, in dev mode', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'sqlite', file: expect.stringMatching(/data[\\/]huika\.sqlite$/) });
    expect(config.demo).toBe(true);
    expect(config.dev).toBe(true);
    expect(config.demoPassword).toBe('huika-demo');
  });

  it('reads a MySQL URL and does not seed the demo there unless asked', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/huika', DB_POOL_SIZE: '8', ...KEYS });
    expect(config.database).toEqual({
      kind: 'mysql',
      url: 'mysql://root@127.0.0.1:3306/huika',
      database: 'huika',
      poolSize: 8,
    });
    expect(config.demo).toBe(false);
    expect(
      loadConfig({ DATABASE_URL: 'mariadb://u:p@db:3307/loyalty', HUIKA_DEV: 'true', HUIKA_DEMO: 'true' }).demo,
    ).toBe(true);
  });

  describe('dev mode', () => {
    it('is on for the embedded default only, unless HUIKA_DEV says otherwise', () => {
      expect(devMode({ dev: undefined, databaseUrl: undefined, nodeEnv: undefined })).toBe(true);
      expect(devMode({ dev: undefined, databaseUrl: MARIADB, nodeEnv: undefined })).toBe(false);
      expect(devMode({ dev: undefined, databaseUrl: 'sqlite:/tmp/a.sqlite', nodeEnv: undefined })).toBe(false);
      expect(devMode({ dev: undefined, databaseUrl: undefined, nodeEnv: 'production' })).toBe(false);
      expect(devMode({ dev: true, databaseUrl: MARIADB, nodeEnv: undefined })).toBe(true);
      expect(devMode({ dev: false, databaseUrl: undefined, nodeEnv: undefined })).toBe(false);
    });

    it('is what loadConfig reports, with the demo only where dev mode is on', () => {
      expect(loadConfig({ DATABASE_URL: MARIADB, ...KEYS })).toMatchObject({ dev: false, demo: false });
      expect(loadConfig({ DATABASE_URL: MARIADB, HUIKA_DEV: 'true' })).toMatchObject({ dev: true, demo: false });
      expect(loadConfig({ HUIKA_DEV: 'false', ...KEYS })).toMatchObject({ dev: false, demo: false });
      expect(loadConfig({ NODE_ENV: 'production', ...KEYS })).toMatchObject({ dev: false, demo: false });
    });

    it('refuses NODE_ENV=production with HUIKA_DEV=true, in one line', () => {
      const error = configErrorOf({ NODE_ENV: 'production', HUIKA_DEV: 'true', DATABASE_URL: MARIADB, ...KEYS });
      expect(error.variable).toBe('HUIKA_DEV');
      expect(error.message).toMatch(/^HUIKA_DEV: .*NODE_ENV=production/);
      expect(error.message).not.toContain('\n');
    });

    it('refuses the demo outside dev mode', () => {
      expect(configErrorOf({ DATABASE_URL: MARIADB, HUIKA_DEMO: 'true', ...KEYS }).variable).toBe('HUIKA_DEMO');
      expect(configErrorOf({ HUIKA_DEV: 'false', HUIKA_DEMO: 'true', ...KEYS }).variable).toBe('HUIKA_DEMO');
    });
  });

  describe('keys', () => {
    it('are required outside dev mode, both named in one line with the command that makes them', () => {
      const error = configErrorOf({ DATABASE_URL: MARIADB, NODE_ENV: 'production' });
      expect(error.variable).toBe('HUIKA_TOKEN_SECRET, HUIKA_DATA_KEY');
      expect(error.message).toContain('huika generate-keys');
      expect(error.message).not.toContain('\n');
      expect(configErrorOf({ DATABASE_URL: MARIADB, HUIKA_TOKEN_SECRET: KEYS.HUIKA_TOKEN_SECRET }).variable).toBe(
        'HUIKA_DATA_KEY',
      );
      expect(configErrorOf({ DATABASE_URL: MARIADB, HUIKA_DATA_KEY: KEYS.HUIKA_DATA_KEY }).variable).toBe(
        'HUIKA_TOKEN_SECRET',
      );
    });

    it('may be left to the database in dev mode only', () => {
      expect(loadConfig({})).toMatchObject({ tokenSecret: undefined, dataKey: undefined });
      expect(loadConfig({ DATABASE_URL: MARIADB, HUIKA_DEV: 'true' })).toMatchObject({ tokenSecret: undefined });
      expect(loadConfig({ DATABASE_URL: MARIADB, ...KEYS })).toMatchObject({
        tokenSecret: KEYS.HUIKA_TOKEN_SECRET,
        dataKey: KEYS.HUIKA_DATA_KEY,
      });
    });

    it('are not required by commands that use neither', () => {
      expect(loadConfig({ DATABASE_URL: MARIADB }, { requireKeys: false })).toMatchObject({ dev: false });
    });

    it('are read from the files the _FILE variables name', () => {
      const dir = mkdtempSync(join(tmpdir(), 'huika-keys-'));
      writeFileSync(join(dir, 'token'), `${KEYS.HUIKA_TOKEN_SECRET}\n`);
      writeFileSync(join(dir, 'data'), KEYS.HUIKA_DATA_KEY);
      writeFileSync(join(dir, 'short'), 'too-short');
      const files = { HUIKA_TOKEN_SECRET_FILE: join(dir, 'token'), HUIKA_DATA_KEY_FILE: join(dir, 'data') };
      expect(loadConfig({ DATABASE_URL: MARIADB, ...files })).toMatchObject({
        tokenSecret: KEYS.HUIKA_TOKEN_SECRET,
        dataKey: KEYS.HUIKA_DATA_KEY,
      });
      expect(configErrorOf({ DATABASE_URL: MARIADB, ...files, HUIKA_DATA_KEY_FILE: join(dir, 'short') }).variable).toBe(
        'HUIKA_DATA_KEY_FILE',
      );
      expect(
        configErrorOf({ DATABASE_URL: MARIADB, ...files, HUIKA_DATA_KEY_FILE: join(dir, 'missing') }).variable,
      ).toBe('HUIKA_DATA_KEY_FILE');
      expect(configErrorOf({ DATABASE_URL: MARIADB, ...files, HUIKA_DATA_KEY: KEYS.HUIKA_DATA_KEY }).variable).toBe(
        'HUIKA_DATA_KEY',
      );
    });
  });

  it("connects through MariaDB's Unix socket when the URL names one", () => {
    expect(parseDatabaseUrl('mysql://root@localhost/huika?socket=/run/mysqld/mysqld.sock', 4)).toEqual({
      kind: 'mysql',
      url: 'mysql://root@localhost/huika',
      database: 'huika',
      poolSize: 4,
      socketPath: '/run/mysqld/mysqld.sock',
    });
  });

  it('believes X-Forwarded-For only as far as HUIKA_TRUST_PROXY says', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ HUIKA_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ HUIKA_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ HUIKA_TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).trustProxy).toBe('10.0.0.0/8,127.0.0.1');
    expect(() => loadConfig({ HUIKA_TRUST_PROXY: 'everyone' })).toThrow(ConfigError);
  });

  it('limits member reads to a burst of 120 and 120 a minute unless told otherwise', () => {
    expect(loadConfig({}).memberReads).toEqual({ burst: 120, perMinute: 120 });
    expect(loadConfig({ HUIKA_MEMBER_READ_BURST: '300', HUIKA_MEMBER_READS_PER_MINUTE: '600' }).memberReads).toEqual({
      burst: 300,
      perMinute: 600,
    });
    expect(() => loadConfig({ HUIKA_MEMBER_READ_BURST: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ HUIKA_MEMBER_READS_PER_MINUTE: 'many' })).toThrow(ConfigError);
  });

  it('accepts sqlite: URLs and plain .sqlite paths', () => {
    expect(parseDatabaseUrl('sqlite:/tmp/a.sqlite', 1)).toEqual({ kind: 'sqlite', file: '/tmp/a.sqlite' });
    expect(parseDatabaseUrl('sqlite:///tmp/b.db', 1)).toEqual({ kind: 'sqlite', file: '/tmp/b.db' });
    expect(parseDatabaseUrl('/var/lib/huika/c.sqlite', 1)).toEqual({ kind: 'sqlite', file: '/var/lib/huika/c.sqlite' });
  });

  it.each([
    [{ DATABASE_URL: 'nonsense' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://127.0.0.1:3306/' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://127.0.0.1/bad-name!' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://root@localhost/huika?socket=mysqld.sock' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://root@localhost/huika?sslmode=on' }, 'DATABASE_URL'],
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ HUIKA_DEV: 'maybe' }, 'HUIKA_DEV'],
    [{ HUIKA_ADMIN_PASSWORD: 'short' }, 'HUIKA_ADMIN_PASSWORD'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('names the bad variable in one line: %j', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toMatch(new RegExp(`^${variable}: `));
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
