import type { Browser, BrowserContext, Page } from 'playwright-core';
import { watchConsole } from './browser';

/** A desktop browser window for the headquarters console (1440×900 unless narrower), in Shanghai, in Chinese. */
export async function desktopPage(
  browser: Browser,
  width = 1440,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  return { context, page, errors: watchConsole(page) };
}

/** Opens /admin/ and submits the login form (what follows, a session or a refusal, is the caller's to check). */
export async function submitConsoleLogin(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(`${baseUrl}/admin/`, { waitUntil: 'networkidle' });
  await page.getByPlaceholder('用户名').fill(username);
  await page.getByPlaceholder('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
}

/** The console's side menu. */
export const consoleMenu = (page: Page) => page.locator('.ant-pro-sider-menu, .ant-menu').first();
