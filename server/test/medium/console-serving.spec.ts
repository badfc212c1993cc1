import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase } from './test-app';

jest.setTimeout(60_000);

const H5_INDEX = '<!doctype html><html><body><div id="app">h5</div></body></html>';
const ADMIN_INDEX =
  '<!doctype html><html><head><script type="module" src="/admin/assets/index-AbC123xy.js"></script></head>' +
  '<body><div id="root">console</div></body></html>';

/** The built H5 app at `/` and the headquarters console at `/admin/`, each with its own history fallback. */
describe(`the headquarters console served next to the H5 app on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'huika-apps-'));
    const h5Dir = join(dir, 'h5');
    const adminDir = join(dir, 'admin');
    mkdirSync(h5Dir);
    mkdirSync(join(adminDir, 'assets'), { recursive: true });
    writeFileSync(join(h5Dir, 'index.html'), H5_INDEX);
    writeFileSync(join(h5Dir, 'app.0123abcd.js'), 'export {};\n');
    writeFileSync(join(adminDir, 'index.html'), ADMIN_INDEX);
    writeFileSync(join(adminDir, 'assets', 'index-AbC123xy.js'), 'export {};\n');
    db = await freshDatabase();
    app = await startTestApp(db.config, { h5Dir, adminDir });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string) => app.request({ method: 'GET', url });

  it.each(['/admin/', '/admin', '/admin/stores', '/admin/audit?action=store.create'])(
    'answers %s with the console, under the CSP',
    async (url) => {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(String(response.body)).toContain('console');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      // antd's CSS-in-JS adds <style> elements at run time.
      expect(response.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    },
  );

  it('hands out content-named bundles as immutable files and index.html for revalidation', async () => {
    for (const url of ['/admin/assets/index-AbC123xy.js', '/app.0123abcd.js']) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect((await get('/admin/index.html')).headers['cache-control']).toBe('no-cache');
  });

  it('keeps the H5 app at / and the API as JSON', async () => {
    for (const url of ['/', '/pages/index/index', '/administration']) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(String(response.body)).toContain('h5');
    }
    const api = await get('/api/nothing-here');
    expect(api.status).toBe(404);
    expect(api.body).toMatchObject({ code: 'NOT_FOUND' });
  });
});
