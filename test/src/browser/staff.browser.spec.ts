// The staff pages in real Chromium against the real server: login, scanning a member's dynamic QR code through
// Chromium's fake camera (a Y4M made from a screenshot of the code on a plain page), checkout with a live quote,
// the receipt, a refund that needs a manager's approval, and gift pickups (scanned, then a repeat refused).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { ApiClient } from '../harness/client';
import { TEST_DB } from '../harness/database';
import { expireTokenOnce, launchChromium, phoneContext, watchConsole } from '../harness/browser';
import { fakeCameraArgs, writeFakeCamera } from '../harness/fake-camera';
import { type ApiMember, joinMemberViaApi, staffToken } from '../harness/members';
import { type RunningServer, startServer } from '../harness/server';
import { lookUpByCardNumber, pageShot, signInAsStaff, unexpectedErrors } from '../harness/staff-ui';

jest.setTimeout(120_000);

/** A screenshot of `png` shown on a plain page: what the camera would see of a phone screen. */
async function screenshotOfImage(browser: Browser, png: Buffer): Promise<Buffer> {
  const page = await browser.newPage();
  await page.setContent(
    `<body style="margin:0;background:#fff"><img class="qr" style="display:block;margin:24px" src="data:image/png;base64,${png.toString('base64')}"></body>`,
  );
  const shot = await page.locator('.qr').screenshot();
  await page.close();
  return shot;
}

describe(`the staff pages (${TEST_DB})`, () => {
  let server: RunningServer;
  let api: ApiClient;
  let plain: Browser;
  const browsers: Browser[] = [];
  let member: ApiMember;
  let receiptNo = '';

  beforeAll(async () => {
    server = await startServer();
    api = new ApiClient(server.baseUrl);
    // A fake camera without a file shows Chromium's test pattern: the scanner runs and finds nothing.
    plain = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    browsers.push(plain);
    member = await joinMemberViaApi(api, '王小明');
  });

  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
    await server?.database.drop();
  });

  async function openPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    return { context, page, errors: watchConsole(page) };
  }

  /** A browser whose camera shows `png`. */
  async function cameraShowing(png: Buffer): Promise<Browser> {
    const video = writeFakeCamera(await screenshotOfImage(plain, png));
    const browser = await launchChromium(fakeCameraArgs(video));
    browsers.push(browser);
    return browser;
  }

  it('refuses a wrong password with its message, then signs in and looks a member up by card number', async () => {
    const { context, page, errors } = await openPage(plain);
    await page.goto(`${server.baseUrl}/pages/staff/login/index`);
    await page.locator('.staff-login__submit').waitFor();
    await pageShot(page, 'staff-login');
    await page.locator('.field--username input').fill('cashier');
    await page.locator('.field--password input').fill('wrong-password');
    await page.locator('.staff-login__submit').click();
    await page.getByText('账号或密码错误').waitFor();

    await page.locator('.field--password input').fill('huika-demo');
    await page.locator('.staff-login__submit').click();
    await page.waitForURL('**/pages/staff/scan/index');
    await page.locator('.code-scanner__viewport--running').waitFor();
    await pageShot(page, 'staff-scan');

    await page.locator('.field--card-no input').fill(member.cardNo);
    await page.locator('.field--phone-last4 input').fill('0000');
    await page.locator('.staff-scan__lookup').click();
    await page.locator('[data-code="CARD_NOT_FOUND"]').waitFor();

    await page.locator('.field--phone-last4 input').fill(member.phone.slice(-4));
    await page.locator('.staff-scan__lookup').click();
    await page.locator('.member-summary__name', { hasText: member.name }).waitFor();
    await page.getByText(`${member.phone.slice(0, 3)}****${member.phone.slice(-4)}`).waitFor();
    await pageShot(page, 'staff-scan-member');

    // The checkout opens with the member; a blank basket asks for goods, and a bad price says which line.
    await page.locator('.staff-scan__checkout').click();
    await page.waitForURL('**/pages/staff/checkout/index');
    await page.getByText('请添加商品或输入金额').waitFor();
    await page.locator('.checkout-line__sku input').fill('SKU-1');
    await page.locator('.checkout-line__name input').fill('羊毛围巾');
    await page.locator('.checkout-line__price input').fill('12.345');
    await page.getByText('第 1 行：请填写货号、品名和正确的单价').waitFor();
    await page.locator('.checkout-line__price input').fill('199');
    await page.locator('.checkout-line__plus').click();
    await page.locator('.amount-list__row--payable', { hasText: '¥398.00' }).waitFor();
    await page.locator('.checkout__confirm', { hasText: '确认收款 ¥398.00' }).waitFor();
    // Found by card number, the member earns only: no coupons or points are offered.
    await page.locator('.checkout__earn-only', { hasText: '本单仅累积积分' }).waitFor();
    expect(await page.locator('.checkout__coupon').count()).toBe(0);
    expect(await page.locator('.checkout__points').count()).toBe(0);
    await pageShot(page, 'staff-checkout', { keepScroll: true });

    expect(unexpectedErrors(errors, [401, 404])).toEqual([]);
    await context.close();
  });

  it("scans the member's QR code through the fake camera, posts ¥1,200 and shows the upgrade on the receipt", async () => {
    const card = await api.call('myCardCode', { token: member.token });
    if (!card.ok) throw new Error(`card code: ${JSON.stringify(card.body)}`);
    const camera = await cameraShowing(await QRCode.toBuffer(card.body.code, { margin: 2, width: 300 }));
    const { context, page, errors } = await openPage(camera);

    await signInAsStaff(page, server.baseUrl, 'cashier', 'huika-demo');
    await page.locator('.member-summary__name', { hasText: member.name }).waitFor({ timeout: 20_000 });
    await page.locator('.staff-scan__checkout').click();
    await page.waitForURL('**/pages/staff/checkout/index');

    await page.locator('.checkout__mode--quick').click();
    await page.locator('.checkout__quick-input input').fill('1200');
    await page.locator('.amount-list__row--payable', { hasText: '¥1,200.00' }).waitFor();
    // Scanned with the dynamic code, the coupons can be spent: the join gift (¥10 off from ¥50) applied takes
    // ¥10 off the quote; taken off again, the basket is back to ¥1,200.
    expect(await page.locator('.checkout__earn-only').count()).toBe(0);
    await page.locator('.checkout__coupon', { hasText: '¥10 入会礼券' }).click();
    await page.locator('.amount-list__row', { hasText: '-¥10.00' }).waitFor();
    await page.locator('.amount-list__row--payable', { hasText: '¥1,190.00' }).waitFor();
    await page.locator('.checkout__coupon', { hasText: '¥10 入会礼券' }).click();
    await page.locator('.amount-list__row--payable', { hasText: '¥1,200.00' }).waitFor();
    await page.getByText('+1,200').waitFor();
    await pageShot(page, 'staff-checkout-quick');
    await page.locator('.checkout__confirm', { hasText: '¥1,200.00' }).click();

    await page.waitForURL('**/pages/staff/receipt/index');
    await page.locator('.receipt__payable', { hasText: '¥1,200.00' }).waitFor();
    await page.locator('.amount-list__row--earned', { hasText: '+1,200' }).waitFor();
    await page.getByText('升级为 银卡').waitFor();
    receiptNo = ((await page.locator('.receipt__meta').first().textContent()) ?? '').replace('小票号', '').trim();
    expect(receiptNo).toMatch(/^H\d{14}[0-9A-Z]{4}$/);
    await pageShot(page, 'staff-receipt');

    const me = await api.call('me', { token: member.token });
    expect(me.ok && me.body).toMatchObject({ points: { balance: 1200 }, tier: { name: '银卡' } });
    expect(unexpectedErrors(errors)).toEqual([]);
    await context.close();
  });

  it("refunds part of that purchase once a store manager approves it (above the manager's threshold)", async () => {
    const { context, page, errors } = await openPage(plain);
    await signInAsStaff(page, server.baseUrl, 'cashier', 'huika-demo');
    await page.locator('.staff-shell__tab', { hasText: '退款' }).click();
    await page.waitForURL('**/pages/staff/refunds/index');
    await page.getByText('输入小票号查找本店的订单').waitFor();

    await page.locator('.field--receipt-no input').fill('NO-SUCH-RECEIPT');
    await page.locator('.refunds__find').click();
    await page.locator('[data-code="PURCHASE_NOT_FOUND"]').waitFor();

    await page.locator('.field--receipt-no input').fill(receiptNo);
    await page.locator('.refunds__find').click();
    await page.locator('.refunds__receipt', { hasText: receiptNo }).waitFor();
    await page.locator('.refunds__confirm').click();
    await page.getByText('请选择要退的商品和数量').waitFor();

    await page.locator('.refunds__all').click();
    await page.locator('.refunds__confirm').click();
    await page.locator('.refunds__approval').waitFor();
    await page.locator('[data-code="MANAGER_APPROVAL_REQUIRED"]').waitFor();
    await page.locator('.field--manager-username input').fill('manager');
    await page.locator('.field--manager-password input').fill('huika-demo');
    await pageShot(page, 'staff-refunds-approval', { keepScroll: true });
    await page.locator('.refunds__confirm', { hasText: '授权并退款' }).click();

    await page.getByText('退款成功').waitFor();
    await page.locator('.amount-list__row--refund', { hasText: '¥1,200.00' }).waitFor();
    await page.getByText('-1,200').waitFor();
    await pageShot(page, 'staff-refunds');

    const me = await api.call('me', { token: member.token });
    expect(me.ok && me.body.points.balance).toBe(0);
    expect(unexpectedErrors(errors, [403, 404])).toEqual([]);
    await context.close();
  });

  it('hands over a redeemed gift by scanning its pickup code, and refuses the same code again', async () => {
    const admin = await staffToken(api, 'admin', 'admin-password');
    const fund = await api.call('adjustPoints', {
      token: admin,
      params: { id: member.memberId },
      idempotencyKey: `fund-${member.memberId}`,
      body: { points: 500, reason: '浏览器测试积分' },
    });
    expect(fund.ok).toBe(true);
    const catalog = await api.call('giftCatalog', { token: member.token, query: { limit: 100 } });
    const bag = catalog.ok ? catalog.body.items.find((gift) => gift.name === '品牌帆布袋') : undefined;
    if (!bag) throw new Error(`no demo gift: ${JSON.stringify(catalog.body)}`);
    const redeemed = await api.call('redeemGift', {
      token: member.token,
      params: { id: bag.id },
      idempotencyKey: `redeem-${member.memberId}`,
      body: { quantity: 1 },
    });
    if (!redeemed.ok) throw new Error(`redeem: ${JSON.stringify(redeemed.body)}`);
    const qr = await fetch(`${server.baseUrl}/api/me/redemptions/${redeemed.body.id}/qr.png`, {
      headers: { authorization: `Bearer ${member.token}` },
    });
    expect(qr.status).toBe(200);

    const camera = await cameraShowing(Buffer.from(await qr.arrayBuffer()));
    const { context, page, errors } = await openPage(camera);
    await signInAsStaff(page, server.baseUrl, 'cashier', 'huika-demo');
    await page.locator('.staff-shell__tab', { hasText: '核销' }).click();
    await page.waitForURL('**/pages/staff/pickups/index');
    await page.locator('.pickups__result--collected').waitFor({ timeout: 20_000 });
    await page.locator('.pickups__gift', { hasText: '品牌帆布袋' }).waitFor();
    await page.locator('.pickups__code', { hasText: redeemed.body.pickupCode }).waitFor();
    await pageShot(page, 'staff-pickups');

    // The camera still shows the same code: the next round is refused, and typed in by hand too.
    await page.locator('.pickups__another').click();
    await page.locator('.pickups__result--already').waitFor({ timeout: 20_000 });
    await page.getByText('该取货码已核销，请勿重复发放').waitFor();
    await pageShot(page, 'staff-pickups-already');

    // 401: the scan page, open first after login, read the pickup code as a card code and was refused.
    expect(unexpectedErrors(errors, [401, 409])).toEqual([]);
    await context.close();
  });

  it('refreshes the access token shortly before it expires, before the call that needs it', async () => {
    const { context, page, errors } = await openPage(plain);
    const login = page.waitForResponse((response) => response.url().endsWith('/api/auth/staff'));
    await signInAsStaff(page, server.baseUrl, 'cashier', 'huika-demo');
    // The refresh token lives only in the HttpOnly cookie: no script on the page can read it from storage.
    const { refreshToken } = (await (await login).json()) as { refreshToken: string };
    const storedValues = () =>
      page.evaluate(() =>
        [window.localStorage, window.sessionStorage].flatMap((storage) =>
          Object.keys(storage).map((key) => storage.getItem(key) ?? ''),
        ),
      );
    expect((await storedValues()).filter((value) => value.includes(refreshToken))).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).not.toContain(refreshToken);
    // The stored session says the access token runs out now (Taro keeps storage as {"data": ...}).
    await page.evaluate(() => {
      const stored = JSON.parse(window.localStorage.getItem('huika.staff.session') ?? '{}') as {
        data: { expiresAt: number };
      };
      stored.data.expiresAt = Date.now();
      window.localStorage.setItem('huika.staff.session', JSON.stringify(stored));
    });
    const refreshed = page.waitForResponse((response) => response.url().endsWith('/api/auth/staff/refresh'));
    await lookUpByCardNumber(page, member);
    const refresh = await refreshed;
    expect(refresh.status()).toBe(200);
    // The renewal sent no token of its own: the cookie carried it.
    expect(refresh.request().postDataJSON()).toEqual({});
    const renewed = (await refresh.json()) as { refreshToken: string };
    await page.locator('.member-summary__name', { hasText: member.name }).waitFor();
    expect((await storedValues()).filter((value) => value.includes(renewed.refreshToken))).toEqual([]);
    const session = await page.evaluate(() => window.localStorage.getItem('huika.staff.session') ?? '');
    expect((JSON.parse(session) as { data: { expiresAt: number } }).data.expiresAt).toBeGreaterThan(Date.now());
    expect(unexpectedErrors(errors)).toEqual([]);
    await context.close();
  });

  it('answers TOKEN_EXPIRED with one refresh and repeats the call with the new token', async () => {
    const { context, page, errors } = await openPage(plain);
    await signInAsStaff(page, server.baseUrl, 'cashier', 'huika-demo');
    // The server's own clock decides expiry; the first scan is answered as if the token had just lapsed.
    const authorizations = await expireTokenOnce(page, '**/api/pos/scan');
    // Waiting from before the lookup is typed: no refresh can slip past unseen.
    const refreshed = page.waitForResponse((response) => response.url().endsWith('/api/auth/staff/refresh'));
    await lookUpByCardNumber(page, member);
    expect((await refreshed).status()).toBe(200);
    await page.locator('.member-summary__name', { hasText: member.name }).waitFor();
    expect(authorizations).toHaveLength(2);
    expect(unexpectedErrors(errors, [401])).toEqual([]);
    await context.close();
  });
});
