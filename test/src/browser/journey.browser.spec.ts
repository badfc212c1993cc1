// The whole loop in real browsers against the real server and the built H5 app: a new member opens a store's
// scene link and joins with an SMS code (read from the development SMS provider's log line), shows the card;
// the cashier, in a second browser whose camera is Chromium's fake camera playing a screenshot of that card's QR
// code, scans it and posts ¥1,000; the member sees 1,000 points and the 银卡 badge, redeems a gift, and the
// cashier scans its pickup code (a third launch, the camera now showing the pickup QR) and hands it over.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiClient } from '../harness/client';
import { TEST_DB } from '../harness/database';
import { expireTokenOnce, launchChromium, phoneContext, watchConsole } from '../harness/browser';
import { fakeCameraArgs, writeFakeCamera } from '../harness/fake-camera';
import { staffToken, uniquePhone } from '../harness/members';
import { type RunningServer, startServer } from '../harness/server';
import { smsCodeFor } from '../harness/server-output';
import { pageShot, signInAsStaff, unexpectedErrors, waitForStillPage } from '../harness/staff-ui';

jest.setTimeout(180_000);

const MEMBER_NAME = '林晓雨';

/** The member pages not walked through below, each shot once at the end with the member signed in. */
const OTHER_MEMBER_PAGES = ['index', 'me', 'coupons', 'invite', 'activities', 'purchases', 'terms'] as const;

describe(`a member's first visit, purchase and gift, with the store's staff (${TEST_DB})`, () => {
  let server: RunningServer;
  let api: ApiClient;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    // Info level: the development SMS provider logs the one-time code there.
    server = await startServer({ env: { LOG_LEVEL: 'info' } });
    api = new ApiClient(server.baseUrl);
  });

  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
    await server?.database.drop();
  });

  async function launch(args: string[] = []): Promise<Browser> {
    const browser = await launchChromium(args);
    browsers.push(browser);
    return browser;
  }

  async function phonePage(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    return { page, errors: watchConsole(page) };
  }

  it('joins from a scene link, is scanned at the till, earns 1,000 points and 银卡, and collects a gift', async () => {
    // Headquarters makes a poster scene for store S001.
    const admin = await staffToken(api, 'admin', 'admin-password');
    const stores = await api.call('adminStoresList', { token: admin, query: { limit: 10 } });
    const store = stores.ok ? stores.body.items.find((found) => found.code === 'S001') : undefined;
    if (!store) throw new Error(`no store S001: ${JSON.stringify(stores.body)}`);
    const scene = await api.call('adminScenesCreate', {
      token: admin,
      body: { kind: 'store', targetId: store.id, code: 'S001-POSTER' },
    });
    if (!scene.ok) throw new Error(`scene: ${JSON.stringify(scene.body)}`);
    const sceneLink = `${server.baseUrl}/${scene.body.path}`;

    // The member opens the link and verifies the phone with the texted code.
    const memberBrowser = await launch();
    const memberContext = await phoneContext(memberBrowser);
    const { page: member, errors: memberErrors } = await phonePage(memberContext);
    await member.goto(sceneLink);
    const phone = uniquePhone();
    await member.locator('input[name="phone"]').fill(phone);
    const outputBefore = server.output().length;
    await member.locator('.join-field__send').click();
    await member.locator('.join-form__message--info').waitFor();
    const code = await smsCodeFor(server, phone, outputBefore);
    await member.locator('input[name="code"]').fill(code);
    await pageShot(member, 'member-join-sms');
    await member.locator('.join-form__submit').click();

    // The join form: name, birthday, consent.
    await member.locator('input[name="name"]').waitFor();
    await member.locator('input[name="name"]').fill(MEMBER_NAME);
    await member.locator('.join-field__control--picker').click();
    await member.locator('.nut-picker-confirm-btn').click();
    await member.locator('.join-field__value', { hasText: /^\d{4}-\d{2}-\d{2}$/ }).waitFor();
    await member.locator('.join-consent__box').click();
    await pageShot(member, 'member-join-form');
    await member.locator('.join-form__submit').click();

    // The card, with its dynamic QR code.
    await member.waitForURL('**/pages/card/index');
    const cardQr = member.locator('.card-qr');
    await cardQr.waitFor();
    await member.locator('.tier-badge', { hasText: '普通' }).waitFor();
    await pageShot(member, 'member-card');
    const qrShot = await cardQr.screenshot();

    // The join is attributed to the poster's scene and its store.
    const memberToken = await member.evaluate(
      () => (JSON.parse(window.localStorage.getItem('huika.token') ?? '{}') as { data?: string }).data ?? '',
    );
    const exported = await api.call('exportMe', { token: memberToken });
    expect(exported.ok && exported.body.join).toMatchObject({ scene: 'S001-POSTER', storeId: store.id });

    // The cashier's phone: its camera plays the screenshot of the member's QR code.
    const cashierBrowser = await launch(fakeCameraArgs(writeFakeCamera(qrShot)));
    const cashierContext = await phoneContext(cashierBrowser);
    const { page: cashier, errors: cashierErrors } = await phonePage(cashierContext);
    await signInAsStaff(cashier, server.baseUrl, 'cashier', 'huika-demo');
    await cashier.locator('.member-summary__name', { hasText: MEMBER_NAME }).waitFor({ timeout: 20_000 });
    await cashier.locator('.member-summary__tier', { hasText: '普通' }).waitFor();
    await cashier.locator('.staff-scan__checkout').click();
    await cashier.waitForURL('**/pages/staff/checkout/index');
    await cashier.locator('.checkout-line__sku input').fill('COAT-001');
    await cashier.locator('.checkout-line__name input').fill('羊毛大衣');
    await cashier.locator('.checkout-line__price input').fill('1000');
    await cashier.locator('.amount-list__row--payable', { hasText: '¥1,000.00' }).waitFor();
    await cashier.locator('.checkout__earn-points', { hasText: '+1,000' }).waitFor();
    await cashier.locator('.checkout__confirm', { hasText: '确认收款 ¥1,000.00' }).click();
    await cashier.waitForURL('**/pages/staff/receipt/index');
    await cashier.locator('.receipt__payable', { hasText: '¥1,000.00' }).waitFor();
    await cashier.locator('.amount-list__row--earned', { hasText: '+1,000' }).waitFor();
    await cashier.getByText('升级为 银卡').waitFor();
    await pageShot(cashier, 'journey-staff-receipt');
    const cashierSession = await cashierContext.storageState();
    expect(unexpectedErrors(cashierErrors)).toEqual([]);
    await cashierBrowser.close();

    // The member's points page shows the purchase's points, and the card the new tier.
    await member.goto(`${server.baseUrl}/pages/points/index`);
    await member.locator('.points-summary__balance', { hasText: /^1,000$/ }).waitFor();
    await member.locator('.points-entry__kind').first().waitFor();
    await pageShot(member, 'member-points');
    await member.goto(`${server.baseUrl}/pages/card/index`);
    await member.locator('.tier-badge', { hasText: '银卡' }).waitFor();
    await member.locator('.card-stats__value', { hasText: /^1,000$/ }).waitFor();
    await pageShot(member, 'member-card-silver');

    // The member redeems the gift the points afford (品牌帆布袋, 300 points; the 1,200-point cup is out of reach).
    await member.goto(`${server.baseUrl}/pages/gifts/index`);
    const bag = member.locator('.gift-card', { hasText: '品牌帆布袋' });
    await bag.locator('.gift-card__action').waitFor();
    await member.locator('.gift-card', { hasText: '保温杯 350ml' }).locator('.gift-card__reason').waitFor();
    await pageShot(member, 'member-gifts');
    await bag.locator('.gift-card__action').click();
    await member.locator('.gift-confirm .nut-dialog-footer-ok').click();
    const pickupCode = (await member.locator('.gift-result__code').textContent())?.trim() ?? '';
    expect(pickupCode).toMatch(/^[A-Z2-9]{10}$/);
    const pickupQr = member.locator('.pickup-qr');
    await pickupQr.waitFor();
    await waitForStillPage(member);
    await pageShot(member, 'member-gift-redeemed', { keepScroll: true });
    const pickupShot = await pickupQr.screenshot();

    // The cashier, still signed in, scans the pickup code on the pickups page.
    const pickupBrowser = await launch(fakeCameraArgs(writeFakeCamera(pickupShot)));
    const pickupContext = await phoneContext(pickupBrowser, { storageState: cashierSession });
    const { page: counter, errors: counterErrors } = await phonePage(pickupContext);
    await counter.goto(`${server.baseUrl}/pages/staff/pickups/index`);
    await counter.locator('.pickups__result--collected').waitFor({ timeout: 20_000 });
    await counter.locator('.pickups__gift', { hasText: '品牌帆布袋' }).waitFor();
    await counter.locator('.pickups__code', { hasText: pickupCode }).waitFor();
    await counter.locator('.pickups__row', { hasText: MEMBER_NAME }).waitFor();
    await pageShot(counter, 'journey-staff-pickup');
    expect(unexpectedErrors(counterErrors)).toEqual([]);

    // The member's redemptions now say collected; then every other member page, once each.
    await member.goto(`${server.baseUrl}/pages/redemptions/index`);
    await member.locator('.redemption-card--collected', { hasText: '品牌帆布袋' }).waitFor();
    await pageShot(member, 'member-redemptions');
    for (const name of OTHER_MEMBER_PAGES) {
      await member.goto(`${server.baseUrl}/pages/${name}/index`, { waitUntil: 'networkidle' });
      await member.locator('.page-state--loading').first().waitFor({ state: 'detached' });
      await expect(member.locator('.page-state--error').count()).resolves.toBe(0);
      await pageShot(member, `member-${name}`);
    }
    expect(unexpectedErrors(memberErrors)).toEqual([]);

    // The hour-long access token lapses: the first call is answered TOKEN_EXPIRED, as the server does past the
    // hour. The app renews the token once with its refresh token and repeats the call; the page loads as before,
    // without a new sign-in.
    const authorizations = await expireTokenOnce(member, '**/api/me/points/entries*');
    const renewal = member.waitForResponse((response) => response.url().endsWith('/api/auth/member/refresh'));
    await member.goto(`${server.baseUrl}/pages/points/index`);
    expect((await renewal).status()).toBe(200);
    await member.locator('.points-entry__kind').first().waitFor();
    expect(authorizations).toHaveLength(2);
    expect(authorizations[1]).not.toBe(authorizations[0]);
    await member.unroute('**/api/me/points/entries*');
    await member.locator('.points-summary__balance', { hasText: /^700$/ }).waitFor();
    const renewedToken = await member.evaluate(
      () => (JSON.parse(window.localStorage.getItem('huika.token') ?? '{}') as { data?: string }).data ?? '',
    );
    expect(renewedToken).not.toBe(memberToken);

    // 退出所有设备, confirmed: this phone is signed out, and a token copied from it is refused at once.
    await member.goto(`${server.baseUrl}/pages/me/index`, { waitUntil: 'networkidle' });
    await member.locator('.me-link--end-all').click();
    await member.locator('.me-end-all-dialog', { hasText: '所有设备上的登录都将失效' }).waitFor();
    await pageShot(member, 'member-end-all-sessions');
    await member.locator('.me-end-all-dialog .nut-dialog-footer-ok').click();
    await member.waitForURL((url) => !url.pathname.includes('/pages/me/'));
    expect(await member.evaluate(() => window.localStorage.getItem('huika.token'))).toBeNull();
    expect(await api.call('me', { token: renewedToken })).toMatchObject({
      ok: false,
      status: 401,
      body: { code: 'SESSION_ENDED' },
    });
    // The lapsed token's 401 TOKEN_EXPIRED before the renewal is the one expected refusal.
    expect(unexpectedErrors(memberErrors, [401])).toEqual([]);
  });
});
