// Smoke test of the WeChat build (miniapp/dist/weapp) without WeChat DevTools: checks the files the WeChat
// runtime needs, then runs the bundles in a Node `vm` context with a stub `wx` and simulates each page's launch.
// It builds nothing: build first with `node scripts/pnpm.mjs --filter @huika/miniapp build:weapp`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { type ResponseOf, routes } from '@huika/shared';
import { WEAPP_DIR } from '../harness/paths';
import { MiniProgramSandbox, type PageHandle, UNSUPPORTED_API_WARNING, type WxResponder } from './wx-stub';

jest.setTimeout(30_000);

const BUILD_HINT = 'run the weapp build first: node scripts/pnpm.mjs --filter @huika/miniapp build:weapp';

const HOME_PAGE = 'pages/index/index';

/** WeChat refuses to upload a main package over 2 MB (each subpackage has its own 2 MB). */
const MAIN_PACKAGE_LIMIT_BYTES = 2 * 1024 * 1024;

const HEALTH: ResponseOf<typeof routes.health> = { status: 'ok', db: 'sqlite', version: 'test' };

interface AppJson {
  pages: string[];
  subPackages?: { root: string; pages: string[] }[];
  subpackages?: { root: string; pages: string[] }[];
  usingComponents?: Record<string, string>;
  sitemapLocation?: string;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

function readAppJson(): AppJson {
  const file = join(WEAPP_DIR, 'app.json');
  if (!existsSync(file)) {
    throw new Error(`No weapp build: ${file} is missing; ${BUILD_HINT}`);
  }
  const json = readJson(file) as AppJson;
  if (!Array.isArray(json.pages)) {
    throw new Error(`${file} has no "pages" array; ${BUILD_HINT}`);
  }
  return json;
}

/** Main package pages, then subpackage pages, as routes (`pages/index/index`). */
function routesOf(appJson: AppJson): string[] {
  const subpackages = appJson.subPackages ?? appJson.subpackages ?? [];
  return [
    ...appJson.pages,
    ...subpackages.flatMap((subpackage) =>
      subpackage.pages.map((page) => `${subpackage.root.replace(/\/$/, '')}/${page}`),
    ),
  ];
}

function toRoute(file: string): string {
  return relative(WEAPP_DIR, file).split(sep).join('/');
}

/** Components reachable through `usingComponents` from app.json and the pages, as routes; plugins skipped. */
function componentsOf(appJson: AppJson, pages: string[]): string[] {
  const found = new Set<string>();
  const visit = (usingComponents: Record<string, string> | undefined, fromDir: string): void => {
    for (const target of Object.values(usingComponents ?? {})) {
      if (target.startsWith('plugin://')) {
        continue;
      }
      const route = toRoute(target.startsWith('/') ? join(WEAPP_DIR, target) : resolve(fromDir, target));
      if (found.has(route)) {
        continue;
      }
      found.add(route);
      const json = join(WEAPP_DIR, `${route}.json`);
      if (existsSync(json)) {
        visit((readJson(json) as { usingComponents?: Record<string, string> }).usingComponents, dirname(json));
      }
    }
  };
  visit(appJson.usingComponents, WEAPP_DIR);
  for (const page of pages) {
    const json = join(WEAPP_DIR, `${page}.json`);
    if (existsSync(json)) {
      visit((readJson(json) as { usingComponents?: Record<string, string> }).usingComponents, dirname(json));
    }
  }
  return [...found];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** `src` of <import>, <include> and <wxs> in WXML, and `@import` targets in WXSS. */
function referencesIn(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern = file.endsWith('.wxml')
    ? /<(?:import|include|wxs)\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/g
    : /@import\s+(?:url\()?\s*["']([^"']+)["']/g;
  return [...text.matchAll(pattern)].map((match) => match[1] ?? '');
}

function pathOf(url: string): string {
  return new URL(url, 'http://weapp.invalid').pathname;
}

const answerHealth: WxResponder = (request) =>
  pathOf(request.url) === routes.health.path ? { statusCode: 200, data: HEALTH } : undefined;

const appJson = readAppJson();
const pages = routesOf(appJson);
const components = componentsOf(appJson, pages);

describe('the WeChat mini-program build (dist/weapp)', () => {
  const sandboxes: MiniProgramSandbox[] = [];

  /** A fresh app service: app.js, then every page and component bundle, as WeChat evaluates them at start. */
  function startApp(respond: WxResponder = answerHealth, storage: Record<string, unknown> = {}): MiniProgramSandbox {
    const sandbox = new MiniProgramSandbox(WEAPP_DIR, { respond, storage });
    sandboxes.push(sandbox);
    sandbox.load('app.js');
    pages.forEach((page) => sandbox.load(`${page}.js`));
    components.forEach((component) => sandbox.load(`${component}.js`));
    return sandbox;
  }

  /** Launches the app on `route`, opens that page and waits for rendering and requests to finish. */
  async function openPage(sandbox: MiniProgramSandbox, route: string): Promise<PageHandle> {
    sandbox.launch({ path: route });
    const page = sandbox.openPage(route);
    await sandbox.settle();
    return page;
  }

  function expectNoTrouble(sandbox: MiniProgramSandbox): void {
    expect(sandbox.errors).toEqual([]);
    expect(sandbox.consoleAt('error')).toEqual([]);
    expect(sandbox.consoleAt('warn', 'log', 'error').filter((text) => UNSUPPORTED_API_WARNING.test(text))).toEqual([]);
  }

  afterEach(() => {
    sandboxes.splice(0).forEach((sandbox) => sandbox.dispose());
  });

  it('has app.json pages, each with its .js, .json and .wxml, and the app files', () => {
    expect(pages.length).toBeGreaterThan(0);
    expect(new Set(pages).size).toBe(pages.length);
    expect(pages).toContain(HOME_PAGE);
    const missing = ['app.js', 'app.json', 'app.wxss', 'project.config.json']
      .concat(pages.flatMap((page) => ['js', 'json', 'wxml'].map((extension) => `${page}.${extension}`)))
      .concat(appJson.sitemapLocation ? [appJson.sitemapLocation] : [])
      .filter((file) => !existsSync(join(WEAPP_DIR, file)));
    expect(missing).toEqual([]);
    for (const page of pages) {
      expect(readJson(join(WEAPP_DIR, `${page}.json`))).toEqual(expect.any(Object));
    }
  });

  it('has every component the app and pages use, marked as a component', () => {
    const missing = components
      .flatMap((component) => ['js', 'json', 'wxml'].map((extension) => `${component}.${extension}`))
      .filter((file) => !existsSync(join(WEAPP_DIR, file)));
    expect(missing).toEqual([]);
    for (const component of components) {
      expect(readJson(join(WEAPP_DIR, `${component}.json`))).toMatchObject({ component: true });
    }
  });

  it('resolves every WXML import, include and wxs and every WXSS @import', () => {
    const broken = filesUnder(WEAPP_DIR)
      .filter((file) => file.endsWith('.wxml') || file.endsWith('.wxss'))
      .flatMap((file) =>
        referencesIn(file)
          .filter((target) => {
            const resolved = target.startsWith('/') ? join(WEAPP_DIR, target) : resolve(dirname(file), target);
            return relative(WEAPP_DIR, resolved).startsWith('..') || !existsSync(resolved);
          })
          .map((target) => `${toRoute(file)} -> ${target}`),
      );
    expect(broken).toEqual([]);
  });

  it("keeps the main package within WeChat's 2 MB upload limit", () => {
    const subpackageRoots = (appJson.subPackages ?? appJson.subpackages ?? []).map((subpackage) =>
      join(WEAPP_DIR, subpackage.root),
    );
    const mainPackageBytes = filesUnder(WEAPP_DIR)
      .filter((file) => !subpackageRoots.some((root) => file.startsWith(root + sep)))
      .reduce((total, file) => total + statSync(file).size, 0);
    expect(mainPackageBytes).toBeLessThanOrEqual(MAIN_PACKAGE_LIMIT_BYTES);
  });

  it('registers one App from app.js, a page for every app.json page and each used component', async () => {
    const sandbox = startApp();
    const apps = sandbox.registrations.filter((registration) => registration.kind === 'App');
    expect(apps.map((registration) => registration.file)).toEqual(['app.js']);
    for (const page of pages) {
      const kinds = sandbox.registrationsOf(page).map((registration) => registration.kind);
      expect({ page, registered: kinds.filter((kind) => kind === 'Page' || kind === 'Component').length }).toEqual({
        page,
        registered: 1,
      });
    }
    for (const component of components) {
      const kinds = sandbox.registrationsOf(component).map((registration) => registration.kind);
      expect({ component, kinds }).toEqual({ component, kinds: ['Component'] });
    }
    await sandbox.settle();
    expectNoTrouble(sandbox);
  });

  it.each(pages)('launches on %s and renders it without errors', async (route) => {
    const sandbox = startApp();
    const page = await openPage(sandbox, route);
    expect(page.setDataCalls.length).toBeGreaterThan(0);
    expect(page.currentText().join('').trim()).not.toBe('');
    expect(sandbox.pageStack.map((opened) => opened.route)).toEqual([route]);
    expectNoTrouble(sandbox);
  });

  it('shows the home page brand and join entry and the health from GET /api/health', async () => {
    const sandbox = startApp();
    const page = await openPage(sandbox, HOME_PAGE);

    const health = sandbox.requests.filter((request) => pathOf(request.url).endsWith(routes.health.path));
    expect(health).toHaveLength(1);
    expect(health[0]).toMatchObject({ method: 'GET', url: expect.stringMatching(/^https?:\/\/.+\/api\/health$/) });

    const payloads = page.payloadText();
    expect(payloads).toContain('Huika');
    expect(payloads).toContain('加入会员');
    const text = page.currentText();
    expect(text).toContain('加入会员');
    expect(text.some((line) => line.includes(`数据库 ${HEALTH.db}`))).toBe(true);
    expectNoTrouble(sandbox);
  });

  it('renders the card page with its dynamic QR code for a signed-in member', async () => {
    const CARD_CODE = 'HK1.test-card-code.0123456789abcdef0123456789abcdef';
    const me: ResponseOf<typeof routes.me> = {
      id: '01MEMBER000000000000000000',
      cardNo: '831179097967',
      name: '林晓雨',
      phoneMasked: '138****5678',
      tier: { code: 'silver', name: '银卡', discountPercent: 90 },
      points: { balance: 1000, pending: 0, expiring: [] },
      nextTier: { code: 'gold', name: '金卡', spendNeededFen: 500000 },
      balanceFen: 0,
      cardValidUntil: '2027-11-23T00:00:00.000Z',
      birthday: '1990-11-05',
    };
    const answers: Record<string, unknown> = {
      [routes.me.path]: me,
      [routes.myCardCode.path]: { code: CARD_CODE, expiresAt: '2099-01-01T00:00:00.000Z', refreshInSeconds: 25 },
    };
    const sandbox = startApp(
      (request) => {
        const data = answers[pathOf(request.url)];
        return data === undefined ? undefined : { statusCode: 200, data };
      },
      { 'huika.token': 'member-token' },
    );
    const page = await openPage(sandbox, 'pages/card/index');
    const requested = sandbox.requests.map((request) => pathOf(request.url));
    expect(requested).toEqual(expect.arrayContaining([routes.me.path, routes.myCardCode.path]));
    const payloads = page.payloadText();
    // The QR is drawn as a grid of modules carrying its text; a version-4+ code has hundreds of dark modules.
    expect(payloads).toContain(CARD_CODE);
    expect(payloads.split('qr-code__module').length - 1).toBeGreaterThan(200);
    expect(page.currentText().join(' ')).toContain('银卡');
    expectNoTrouble(sandbox);
  });

  it('shows the home page with a service-unavailable line when the request fails', async () => {
    const sandbox = startApp(() => ({ errMsg: 'request:fail net::ERR_CONNECTION_REFUSED' }));
    const page = await openPage(sandbox, HOME_PAGE);
    expect(sandbox.requests.map((request) => pathOf(request.url))).toEqual([routes.health.path]);
    const text = page.currentText();
    expect(text).toContain('加入会员');
    expect(text.some((line) => line.startsWith('服务暂不可用'))).toBe(true);
    expect(text).toContain('重试');
    expectNoTrouble(sandbox);
  });
});
