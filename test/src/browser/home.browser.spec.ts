import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { TEST_DB } from '../harness/database';
import { launchChromium, phoneContext, screenshot, watchConsole } from '../harness/browser';
import { type RunningServer, startServer } from '../harness/server';

jest.setTimeout(90_000);

describe(`the H5 app served by the real server (${TEST_DB})`, () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await server?.database.drop();
  });

  it('shows the first screen with the join entry and a live service status', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto(server.baseUrl, { waitUntil: 'networkidle' });
    await page.getByText('加入会员').first().waitFor({ state: 'visible' });
    await page.getByText(`数据库 ${TEST_DB}`).waitFor({ state: 'visible', timeout: 15_000 });
    const path = await screenshot(page, 'home');
    expect(existsSync(path)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('serves index.html for client-side routes (history fallback) and keeps /api JSON', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${server.baseUrl}/pages/index/index`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toContain('text/html');
    const api = await page.request.get(`${server.baseUrl}/api/nothing-here`);
    expect(api.status()).toBe(404);
    expect(await api.json()).toMatchObject({ code: 'NOT_FOUND' });
    await page.close();
  });
});
