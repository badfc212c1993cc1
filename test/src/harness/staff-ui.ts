import type { Page } from 'playwright-core';
import { screenshot } from './browser';

export const STAFF_LOGIN_PATH = '/pages/staff/login/index';

/** Signs in on the staff login page and waits for the scan page. */
export async function signInAsStaff(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}${STAFF_LOGIN_PATH}`);
  await page.locator('.field--username input').fill(username);
  await page.locator('.field--password input').fill(password);
  await page.locator('.staff-login__submit').click();
  await page.waitForURL('**/pages/staff/scan/index');
}

/**
 * Looks a member up by card number and phone on the scan page, as a cashier does once the page stands: its camera
 * has started (or said why not) and nothing moves, so neither the typing nor the click can land on a page still
 * settling. The typed values are checked before the click.
 */
export async function lookUpByCardNumber(page: Page, member: { cardNo: string; phone: string }): Promise<void> {
  await page.locator('.code-scanner__viewport--running, .code-scanner__viewport--failed').waitFor();
  await waitForStillPage(page);
  const cardNo = page.locator('.field--card-no input');
  const phoneLast4 = page.locator('.field--phone-last4 input');
  await cardNo.fill(member.cardNo);
  await phoneLast4.fill(member.phone.slice(-4));
  const typed = [await cardNo.inputValue(), await phoneLast4.inputValue()];
  if (typed[0] !== member.cardNo || typed[1] !== member.phone.slice(-4)) {
    throw new Error(`the scan page kept ${JSON.stringify(typed)} of what was typed`);
  }
  await page.locator('.staff-scan__lookup').click();
}

/**
 * Console errors other than Chromium's own line for an HTTP error status the test provoked on purpose
 * ("Failed to load resource: the server responded with a status of 409").
 */
export function unexpectedErrors(errors: string[], expectedStatuses: number[] = []): string[] {
  return errors.filter((error) => {
    const status = /the server responded with a status of (\d{3})/.exec(error)?.[1];
    return !(status && expectedStatuses.includes(Number(status)));
  });
}

/**
 * Waits until the page has stopped moving: Taro's H5 router slides a new page in and marks it
 * `taro_page_stationed` when it has arrived, and no other finite animation or transition runs (endless ones,
 * a spinner, do not count). A screenshot then shows the page and not half of the one before.
 */
export async function waitForStillPage(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const pages = document.querySelectorAll('.taro_router > .taro_page');
    const current = pages[pages.length - 1];
    const arrived = !current || current.classList.contains('taro_page_stationed');
    return (
      arrived &&
      document
        .getAnimations()
        .every(
          (animation) => animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity,
        )
    );
  });
}

/** A screenshot once the page has stopped moving, scrolled to its top unless `keepScroll`. */
export async function pageShot(page: Page, name: string, { keepScroll = false } = {}): Promise<string> {
  if (!keepScroll) await page.evaluate(() => window.scrollTo(0, 0));
  await waitForStillPage(page);
  return screenshot(page, name);
}
