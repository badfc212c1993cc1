// The headquarters console in real Chromium against the real server, at a desktop size: headquarters signs in at
// /admin/, reads the overview, opens a store and hires a cashier through the forms, and finds both in the audit log;
// a store manager gets the reduced menu; a cashier is refused. Every page is photographed.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../harness/client';
import { TEST_DB } from '../harness/database';
import { launchChromium, screenshot } from '../harness/browser';
import { consoleMenu, desktopPage, submitConsoleLogin } from '../harness/console-ui';
import { joinMemberViaApi, staffToken } from '../harness/members';
import { type RunningServer, startServer } from '../harness/server';

jest.setTimeout(120_000);

const suffix = Date.now().toString(36).slice(-5).toUpperCase();
const STORE_CODE = `T${suffix}`;
const STORE_NAME = `测试门店${suffix}`;
const CASHIER = `cashier-${suffix.toLowerCase()}`;

describe(`the headquarters console (${TEST_DB})`, () => {
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

  const desktop = (width = 1440) => desktopPage(browser, width);
  const signIn = (page: Page, username: string, password: string) =>
    submitConsoleLogin(page, server.baseUrl, username, password);
  const menu = consoleMenu;

  /** Opens a page from the menu, unfolding its group first when the group is folded. */
  async function openFromMenu(page: Page, item: string, group?: string): Promise<void> {
    const entry = menu(page).getByText(item, { exact: true });
    // The groups open by default once the menu has rendered: only a group still folded after that is unfolded
    // (clicking an open group would fold it).
    const shown = await entry
      .waitFor({ state: 'visible', timeout: 3_000 })
      .then(() => true)
      .catch(() => false);
    if (group && !shown) await menu(page).getByText(group, { exact: true }).click();
    await entry.click();
  }

  it('headquarters signs in, opens a store, hires a cashier and finds both in the audit log', async () => {
    const { context, page, errors } = await desktop();
    await page.goto(`${server.baseUrl}/admin/`, { waitUntil: 'networkidle' });
    await page.getByText('总部与门店店长的运营后台').waitFor();
    await screenshot(page, 'admin-login');

    await signIn(page, 'admin', 'admin-password');
    await page.getByTestId('current-staff').waitFor();
    await expect(page.title()).resolves.toContain('Huika 会员运营中心');
    for (const item of ['概览', '门店与员工', '门店', '员工', '优惠券', '券模板', '批量发券', '入会码', '审计日志']) {
      await menu(page).getByText(item, { exact: true }).first().waitFor({ state: 'attached' });
    }
    await expect(menu(page).getByText('本店员工', { exact: true }).count()).resolves.toBe(0);
    expect(new URL(page.url()).pathname).toBe('/admin/dashboard');
    await openFromMenu(page, '门店', '门店与员工');
    await page.waitForURL(/\/admin\/stores$/);
    await page.getByText('S001').waitFor();
    await screenshot(page, 'admin-stores');

    // A code the shared schema refuses is shown on its field before anything is sent.
    await page.getByRole('button', { name: '新建门店' }).click();
    const storeDialog = page.getByRole('dialog');
    await storeDialog.getByLabel('门店编码').fill('bad code!');
    await storeDialog.getByLabel('门店名称').fill(STORE_NAME);
    await storeDialog.getByRole('button', { name: /保\s*存/ }).click();
    await storeDialog.locator('.ant-form-item-explain-error').getByText('1–16 位字母').waitFor();
    await storeDialog.getByLabel('门店编码').fill(STORE_CODE);
    await storeDialog.getByLabel('地址').fill('上海市黄浦区南京东路 1 号');
    await storeDialog.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByRole('cell', { name: STORE_NAME }).waitFor();

    // The same code again: the server's STORE_CODE_TAKEN lands on the code field.
    await page.getByRole('button', { name: '新建门店' }).click();
    await storeDialog.getByLabel('门店编码').fill(STORE_CODE);
    await storeDialog.getByLabel('门店名称').fill('重复门店');
    await storeDialog.getByRole('button', { name: /保\s*存/ }).click();
    await storeDialog.getByText('该门店编码已被使用').waitFor();
    await screenshot(page, 'admin-store-form-error');
    await storeDialog.getByRole('button', { name: /取\s*消/ }).click();

    await openFromMenu(page, '员工', '门店与员工');
    await page.waitForURL(/\/admin\/staff$/);
    await page.getByRole('cell', { name: 'cashier', exact: true }).waitFor();
    await page.getByRole('button', { name: '新建员工' }).click();
    const staffDialog = page.getByRole('dialog');
    await staffDialog.getByLabel('用户名').fill(CASHIER);
    await staffDialog.getByLabel('姓名').fill('新收银员');
    await staffDialog.getByLabel('所属门店').click();
    await page.locator('.ant-select-item-option').filter({ hasText: STORE_NAME }).click();
    await staffDialog.getByLabel('初始密码').fill('a-good-password');
    await screenshot(page, 'admin-staff-form');
    await staffDialog.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByRole('cell', { name: CASHIER }).waitFor();
    await expect(page.getByRole('row').filter({ hasText: CASHIER }).getByText(STORE_NAME).count()).resolves.toBe(1);
    await screenshot(page, 'admin-staff');

    // The role filter lives in the URL and is answered by the server.
    await page.getByLabel('角色').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '店长' }).click();
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.waitForURL(/role=manager/);
    await page.getByRole('cell', { name: 'manager', exact: true }).waitFor();
    await page.getByRole('cell', { name: CASHIER }).waitFor({ state: 'detached' });

    // A coupon template: an amount the schema refuses stays on its field; then 满 100 减 20, 100 of them.
    await openFromMenu(page, '券模板', '优惠券');
    await page.waitForURL(/\/admin\/coupons$/);
    await page.getByRole('button', { name: '新建券模板' }).click();
    const couponDialog = page.getByRole('dialog');
    await couponDialog.getByLabel('名称').fill(`新客满减${suffix}`);
    await couponDialog.getByLabel('减免金额').fill('20.001');
    await couponDialog.getByRole('button', { name: /保\s*存/ }).click();
    await couponDialog.locator('.ant-form-item-explain-error').getByText('单位元').waitFor();
    await couponDialog.getByLabel('减免金额').fill('20');
    await couponDialog.getByLabel('使用门槛').fill('100');
    await couponDialog.getByLabel('发放总量').fill('100');
    await screenshot(page, 'admin-coupon-form');
    await couponDialog.getByRole('button', { name: /保\s*存/ }).click();
    const templateRow = page.getByRole('row').filter({ hasText: `新客满减${suffix}` });
    await templateRow.getByText('满 ¥100 减 ¥20').waitFor();
    await templateRow.getByText('0/100').waitFor();
    await screenshot(page, 'admin-coupons');

    // A batch to every active member, followed until it is done.
    await openFromMenu(page, '批量发券', '优惠券');
    await page.getByLabel('批次号').fill(`batch-${suffix}`);
    await page.getByLabel('券模板').click();
    await page
      .locator('.ant-select-item-option')
      .filter({ hasText: `新客满减${suffix}` })
      .click();
    await page.getByRole('button', { name: '开始发券' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /是/ }).click();
    await page.waitForURL(new RegExp(`batch=batch-${suffix}`));
    await page.getByTestId('batch-progress').getByText('已完成').waitFor();
    await screenshot(page, 'admin-coupon-batch');

    // A join code for the new store: its QR code, the mini-program path and the PNG download.
    await openFromMenu(page, '入会码');
    await page.waitForURL(/\/admin\/scenes$/);
    await page.getByLabel('归属对象').click();
    await page.locator('.ant-select-item-option').filter({ hasText: STORE_NAME }).click();
    await page.getByLabel('入会码').fill(`poster-${suffix}`);
    await page.getByRole('button', { name: /生\s*成/ }).click();
    await page.getByTestId('scene-qr').waitFor();
    await page.getByText(`scene=poster-${suffix}`).first().waitFor();
    await screenshot(page, 'admin-scenes');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByText('下载 PNG').click()]);
    expect(download.suggestedFilename()).toBe(`huika-join-poster-${suffix}.png`);
    const png = await readFile((await download.path()) ?? '');
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');

    await openFromMenu(page, '审计日志');
    await page.waitForURL(/\/admin\/audit$/);
    await page.getByText('staff.create').first().waitFor();
    await page.getByText('store.create').first().waitFor();
    await screenshot(page, 'admin-audit');
    await page.getByLabel('动作').fill('store.create');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.waitForURL(/action=store\.create/);
    await page.getByText('staff.create').first().waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: 'store.create' }).first().getByText('详情').click();
    await page.getByRole('dialog').getByText(STORE_CODE).first().waitFor();
    await screenshot(page, 'admin-audit-detail');

    // A reload keeps the session (the refresh cookie) and the filter (the URL).
    await page.reload({ waitUntil: 'networkidle' });
    await page.getByTestId('current-staff').waitFor();
    await expect(page.getByLabel('动作').inputValue()).resolves.toBe('store.create');

    await page.getByTestId('current-staff').hover();
    await page.getByText('退出登录').click();
    await page.getByPlaceholder('用户名').waitFor();
    // The one refused request is the duplicate store code, answered 409 and shown on its field.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 409 (Conflict)']);
    await context.close();
  });

  it('headquarters reads the overview: today, this month and the last 30 days, for every store or one', async () => {
    // A member joins (no store scene) and buys ¥128 at S001, through the API as the till would post it.
    const api = new ApiClient(server.baseUrl);
    const member = await joinMemberViaApi(api, '概览会员');
    const cashier = await staffToken(api, 'cashier', 'huika-demo');
    const stores = await api.call('adminStoresList', {
      token: await staffToken(api, 'admin', 'admin-password'),
      query: { limit: 100 },
    });
    if (!stores.ok) throw new Error(`stores: ${stores.status}`);
    const storeId = stores.body.items.find((store) => store.code === 'S001')?.id ?? '';
    const code = await api.call('myCardCode', { token: member.token });
    if (!code.ok) throw new Error(`card code: ${code.status}`);
    const scan = await api.call('posScan', { token: cashier, body: { code: code.body.code } });
    if (!scan.ok) throw new Error(`scan: ${scan.status}`);
    const purchase = await api.call('purchase', {
      token: cashier,
      idempotencyKey: `dash-${suffix}`,
      body: {
        checkoutToken: scan.body.checkoutToken,
        storeId,
        receiptNo: `DASH-${suffix}`,
        lines: [{ sku: 'A', name: '外套', unitPriceFen: 12800, quantity: 1 }],
      },
    });
    if (!purchase.ok) throw new Error(`purchase: ${purchase.status} ${JSON.stringify(purchase.body)}`);

    const { context, page, errors } = await desktop();
    await signIn(page, 'admin', 'admin-password');
    await page.waitForURL(/\/admin\/dashboard$/);
    const figure = (period: 'today' | 'month', key: string) =>
      page.getByTestId(`stats-${period}-${key}`).locator('.ant-statistic-content');
    await figure('today', 'salesFen').getByText('¥128.00').waitFor();
    await expect(figure('today', 'purchases').innerText()).resolves.toBe('1');
    await expect(figure('today', 'newMembers').innerText()).resolves.toBe('1');
    await expect(figure('today', 'pointsIssued').innerText()).resolves.toBe('128');
    await expect(figure('month', 'salesFen').innerText()).resolves.toBe('¥128.00');
    await page.locator('[data-testid="stats-chart"] canvas').first().waitFor();
    await page.waitForTimeout(1_500); // the chart's bars grow in
    await screenshot(page, 'admin-dashboard');
    await page.screenshot({ path: '/tmp/dash.png' });

    // One store: the member joined through no store's scene, so S001 has the purchase but not the join.
    await page.getByTestId('stats-store').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'S001' }).click();
    await page.waitForURL(/storeId=/);
    await figure('today', 'newMembers').getByText('0', { exact: true }).waitFor();
    await expect(figure('today', 'salesFen').innerText()).resolves.toBe('¥128.00');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is still usable 1024 px wide', async () => {
    const { context, page, errors } = await desktop(1024);
    await signIn(page, 'admin', 'admin-password');
    await page.getByTestId('stats-today').waitFor();
    await screenshot(page, 'admin-dashboard-1024');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await openFromMenu(page, '门店', '门店与员工');
    await page.getByText('S001').waitFor();
    await screenshot(page, 'admin-stores-1024');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a store manager sees only the store pages a manager may use', async () => {
    const { context, page, errors } = await desktop();
    await signIn(page, 'manager', 'huika-demo');
    await page.getByTestId('current-staff').getByText('店长', { exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/dashboard');
    // The manager's overview is their own store's, with no store picker.
    await page.getByText('本店数据').waitFor();
    await expect(page.getByTestId('stats-store').count()).resolves.toBe(0);
    await page.getByTestId('stats-today').waitFor();
    await screenshot(page, 'admin-manager-dashboard');
    await openFromMenu(page, '本店员工');
    await page.getByRole('cell', { name: 'cashier', exact: true }).waitFor();
    for (const hidden of ['门店与员工', '优惠券', '入会码', '审计日志']) {
      await expect(menu(page).getByText(hidden, { exact: true }).count()).resolves.toBe(0);
    }
    await screenshot(page, 'admin-manager');
    // A page outside the role is not there at all, not a 403 from the server.
    await page.goto(`${server.baseUrl}/admin/audit`, { waitUntil: 'networkidle' });
    await page.getByText('页面不存在').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a cashier is refused with a clear message', async () => {
    const { context, page } = await desktop();
    await signIn(page, 'cashier', 'huika-demo');
    await page.getByRole('alert').getByText('收银员账号请使用门店收银台').waitFor();
    await screenshot(page, 'admin-cashier-refused');
    // Refused means no session either: a reload lands on the login again.
    await page.reload({ waitUntil: 'networkidle' });
    await page.getByPlaceholder('用户名').waitFor();
    await expect(page.getByTestId('current-staff').count()).resolves.toBe(0);
    await context.close();
  });
});
