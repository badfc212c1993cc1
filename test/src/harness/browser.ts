import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type LaunchOptions,
  type Page,
} from 'playwright-core';
import { ARTIFACTS_DIR } from './paths';

export const CHROMIUM_PATH = process.env.HUIKA_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(ARTIFACTS_DIR, 'screenshots');

/** The flags that keep Chromium from reaching for the network this machine does not have (TOOLCHAIN.md). */
const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...QUIET_FLAGS, ...extraArgs],
    ...options,
  });
}

/** A phone-sized context (375×812, touch, zh-CN) like the members' own; `options` add to it (storageState). */
export async function phoneContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({
    ...options,
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
}

/** Collects console errors and uncaught page errors, so a test can insist there are none. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // Finite CSS animations (a drawer sliding in, a dialog fading out) are run to their end first.
  await page.screenshot({ path, fullPage: false, animations: 'disabled' });
  return path;
}

/**
 * Answers the first request to `pattern` with 401 TOKEN_EXPIRED, as the server does once an access token has
 * lapsed (its own clock decides), and lets the later ones through. Returns the Authorization header of each
 * request seen, so a test can tell that the repeat carried a new token.
 */
export async function expireTokenOnce(page: Page, pattern: string): Promise<string[]> {
  const authorizations: string[] = [];
  await page.route(pattern, async (route) => {
    authorizations.push(route.request().headers().authorization ?? '');
    if (authorizations.length === 1) {
      await route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({ code: 'TOKEN_EXPIRED', message: 'token expired' }),
      });
    } else {
      await route.continue();
    }
  });
  return authorizations;
}
