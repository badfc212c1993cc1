import { ConfigError, loadConfig, parseDatabaseUrl } from './config';

describe('configuration', () => {
  it('defaults to the embedded SQLite demo on port 3000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'sqlite', file: expect.stringMatching(/data[\\/]huika\.sqlite$/) });
    expect(config.demo).toBe(true);
    expect(config.dev).toBe(false);
    expect(config.demoPassword).toBe('huika-demo');
  });

  it('reads a MySQL URL and does not seed the demo there unless asked', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/huika', DB_POOL_SIZE: '8' });
    expect(config.database).toEqual({
      kind: 'mysql',
      url: 'mysql://root@127.0.0.1:3306/huika',
      database: 'huika',
      poolSize: 8,
    });
    expect(config.demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'mariadb://u:p@db:3307/loyalty', HUIKA_DEMO: 'true' }).demo).toBe(true);
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
