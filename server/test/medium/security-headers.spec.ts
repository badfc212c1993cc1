import { createHash } from 'node:crypto';
import { routes } from '@huika/shared';
import { DOCS_INLINE_SCRIPT } from '../../src/modules/docs/docs.controller';
import { freshDatabase, startTestApp, TEST_DB, type TestApp, type TestDatabase } from './test-app';

jest.setTimeout(60_000);

describe(`security headers and the staff refresh cookie on ${TEST_DB}`, () => {
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await freshDatabase();
    app = await startTestApp(db.config);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const login = (headers: Record<string, string> = {}) =>
    app.request({
      method: 'POST',
      url: routes.staffLogin.path,
      headers,
      payload: { username: 'cashier', password: 'huika-demo' },
    });

  it('sends a CSP, no framing, no sniffing and a referrer policy on API answers; HSTS only over TLS', async () => {
    const plain = await app.request({ method: 'GET', url: routes.openApiDocument.path });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(plain.headers['content-security-policy']).toContain("script-src 'self'");
    expect(plain.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin-when-cross-origin',
    });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const refused = await app.request({ method: 'GET', url: '/api/me' });
    expect(refused.status).toBe(401);
    expect(refused.headers['x-content-type-options']).toBe('nosniff');

    const overTls = await app.request({
      method: 'GET',
      url: routes.openApiDocument.path,
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(overTls.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
  });

  it('lets the API docs page run its own inline script, and no other', async () => {
    const docs = await app.request({ method: 'GET', url: routes.apiDocs.path });
    expect(docs.status).toBe(200);
    expect(docs.body).toContain(`<script>${DOCS_INLINE_SCRIPT}</script>`);
    const hash = createHash('sha256').update(DOCS_INLINE_SCRIPT).digest('base64');
    expect(docs.headers['content-security-policy']).toContain(`'sha256-${hash}'`);
  });

  it('keeps the refresh token in an HttpOnly, SameSite=Strict cookie for the staff auth routes; logout clears it', async () => {
    const session = await login();
    expect(session.status).toBe(200);
    const cookie = session.headers['set-cookie'] ?? '';
    const { refreshToken } = session.body as { refreshToken: string };
    expect(cookie).toContain(`huika_staff_refresh=${refreshToken}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/api\/auth\/staff(;|$)/);
    expect(cookie).toMatch(/Max-Age=43200/);
    expect(cookie).not.toMatch(/Secure/i);
    expect((await login({ 'x-forwarded-proto': 'https' })).headers['set-cookie']).toMatch(/Secure/i);

    // The H5 app sends no token in the body: the cookie's is spent, and the next one set.
    const renewed = await app.request({
      method: 'POST',
      url: routes.staffRefresh.path,
      headers: { cookie: `huika_staff_refresh=${refreshToken}` },
      payload: {},
    });
    expect(renewed.status).toBe(200);
    const next = (renewed.body as { refreshToken: string }).refreshToken;
    expect(next).not.toBe(refreshToken);
    expect(renewed.headers['set-cookie']).toContain(`huika_staff_refresh=${next}`);

    const out = await app.request({
      method: 'POST',
      url: routes.staffLogout.path,
      headers: { cookie: `huika_staff_refresh=${next}` },
      payload: {},
    });
    expect(out.status).toBe(204);
    expect(out.headers['set-cookie']).toMatch(/huika_staff_refresh=;/);
    const after = await app.request({ method: 'POST', url: routes.staffRefresh.path, payload: { refreshToken: next } });
    expect(after).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
    const none = await app.request({ method: 'POST', url: routes.staffRefresh.path, payload: {} });
    expect(none).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
  });
});
