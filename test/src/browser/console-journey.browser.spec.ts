// Headquarters runs the program from the console, in real Chromium against the real server (MariaDB in CI):
// it sets 2 points per yuan and member days 8/18/28 in the rules editor, a purchase posted through the API on
// the 18th then earns 2 points per yuan with the member-day discount, and the audit log shows the change. It
// finds a member by phone, takes 50 points off with a reason on the member's page, and the page shows the new
// balance. A store manager sees only the members who joined at their store.
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../harness/client';
import { TEST_DB } from '../harness/database';
import { launchChromium, screenshot } from '../harness/browser';
import { consoleMenu, desktopPage, submitConsoleLogin } from '../harness/console-ui';
import { joinMemberViaApi, staffToken, uniquePhone, type ApiMember } from '../harness/members';
import { type RunningServer, startServer } from '../harness/server';

jest.setTimeout(180_000);

describe(`running the program from the console (${TEST_DB})`, () => {
  let server: RunningServer;
  let browser: Browser;
  let api: ApiClient;
  let admin: string;
  let cashier: string;
  let storeId: string;
  let atStore: ApiMember;
  let elsewhere: ApiMember;

  /** A member who joined from the S001 poster (the demo manager's store). */
  async function joinAtStore(name: string): Promise<ApiMember> {
    const phone = uniquePhone();
    const login = await api.call('devLogin', { body: { openid: `o-console-${phone}` } });
    if (!login.ok) throw new Error(JSON.stringify(login.body));
    const joined = await api.call('joinMember', {
      token: login.body.token,
      body: { name, birthday: '1992-03-04', phone, consentVersion: '2026-01', scene: 'console-s001' },
    });
    if (!joined.ok) throw new Error(JSON.stringify(joined.body));
    return { token: joined.body.token, memberId: joined.body.id, cardNo: joined.body.cardNo, phone, name };
  }

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    api = new ApiClient(server.baseUrl);
    admin = await staffToken(api, 'admin', 'admin-password');
    cashier = await staffToken(api, 'cashier', 'huika-demo');
    const stores = await api.call('adminStoresList', { token: admin, query: { limit: 100 } });
    if (!stores.ok) throw new Error(JSON.stringify(stores.body));
    storeId = stores.body.items.find((store) => store.code === 'S001')?.id ?? '';
    const scene = await api.call('adminScenesCreate', {
      token: admin,
      body: { kind: 'store', targetId: storeId, code: 'console-s001' },
    });
    if (!scene.ok) throw new Error(JSON.stringify(scene.body));
    atStore = await joinAtStore('店内会员');
    elsewhere = await joinMemberViaApi(api, '线上会员');
  });

  afterAll(async () => {
    await api?.call('devClockReset');
    await browser?.close();
    await server?.stop();
    await server?.database.drop();
  });

  const desktop = () => desktopPage(browser);
  const menu = consoleMenu;

  async function signIn(page: Page, username: string, password: string): Promise<void> {
    await submitConsoleLogin(page, server.baseUrl, username, password);
    await page.getByTestId('current-staff').waitFor();
  }

  /** The member shows the card's code, the cashier scans it and posts ¥100 of shirts at S001. */
  async function purchase(member: ApiMember, receiptNo: string) {
    const code = await api.call('myCardCode', { token: member.token });
    if (!code.ok) throw new Error(JSON.stringify(code.body));
    const scan = await api.call('posScan', { token: cashier, body: { code: code.body.code } });
    if (!scan.ok) throw new Error(JSON.stringify(scan.body));
    const bought = await api.call('purchase', {
      token: cashier,
      idempotencyKey: `console-${receiptNo}`,
      body: {
        checkoutToken: scan.body.checkoutToken,
        storeId,
        receiptNo,
        lines: [{ sku: 'SHIRT', name: '衬衫', unitPriceFen: 10_000, quantity: 1 }],
      },
    });
    if (!bought.ok) throw new Error(JSON.stringify(bought.body));
    return bought.body;
  }

  it('headquarters changes the rules, a purchase on the 18th follows them, and the audit log shows it', async () => {
    const { context, page, errors } = await desktop();
    await signIn(page, 'admin', 'admin-password');
    await menu(page).getByText('规则', { exact: true }).click();
    await page.waitForURL(/\/admin\/rules$/);
    await page.getByTestId('program-version').waitFor();
    const versionBefore = (await page.getByTestId('program-version').textContent()) ?? '';

    // A value the shared schema refuses is marked on its field and nothing is sent.
    const perYuan = page.getByLabel('每消费 1 元获得积分');
    await perYuan.fill('5000');
    await page.getByRole('button', { name: '检查并保存' }).click();
    await page.locator('.ant-form-item-explain-error').getByText('不能大于 1000').waitFor();
    await screenshot(page, 'admin-rules-error');

    await perYuan.fill('2');
    const days = page.getByLabel('每月会员日');
    await page.locator('.ant-select-selection-item-remove').first().waitFor();
    for (let i = 0; i < 3; i += 1) await page.locator('.ant-select-selection-item-remove').first().click();
    await days.click();
    for (const day of ['8', '18', '28']) {
      await days.pressSequentially(day);
      await page.keyboard.press('Enter');
    }
    await page.keyboard.press('Escape');

    // The preview prices a basket under the unsaved rules: ¥100 on the 18th is 9折 and 2 points a yuan.
    const preview = page.getByTestId('rules-preview');
    await preview.getByLabel('消费时间').click();
    await page.keyboard.type('2026-12-18 12:00:00');
    await page.keyboard.press('Enter');
    await preview.getByRole('button', { name: /试\s*算/ }).click();
    await preview.getByTestId('preview-payable').getByText('¥90.00').waitFor();
    await expect(preview.getByTestId('preview-points').textContent()).resolves.toBe('180');
    await screenshot(page, 'admin-rules-preview');

    await page.getByRole('button', { name: '检查并保存' }).click();
    const diff = page.getByRole('dialog');
    await diff.getByText('积分获取 · 每消费 1 元获得积分').waitFor();
    await diff.getByText('会员日 · 每月会员日').waitFor();
    await diff.getByText('8、18、28', { exact: true }).waitFor();
    await diff.getByText('9、19、29', { exact: true }).waitFor();
    await screenshot(page, 'admin-rules-diff');
    await diff.getByRole('button', { name: /保\s*存/ }).click();
    const next = Number(/v(\d+)/.exec(versionBefore)?.[1]) + 1;
    await page.getByText(`规则已保存为 v${next}`).waitFor();
    // The page reads the program again after saving: the new version, by headquarters.
    await page
      .getByTestId('program-version')
      .getByText(new RegExp(`当前版本 v${next} .* 由 总部管理员 修改`))
      .waitFor();
    await screenshot(page, 'admin-rules');

    await page.getByRole('tab', { name: '历史版本' }).click();
    await page.getByText('积分获取 · 每消费 1 元获得积分：1 → 2').waitFor();
    await screenshot(page, 'admin-rules-versions');

    // The till, on the 18th: 2 points per yuan on what was paid after the member-day discount.
    await api.call('devClockSet', { body: { now: '2026-12-18T12:00:00+08:00' } });
    const bought = await purchase(atStore, 'CONSOLE-1');
    // ¥100 at 9折 (the member-day discount; the entry tier has none) is ¥90 paid, 180 points.
    expect(bought.totals.grossFen).toBe(10_000);
    expect(bought.totals.discountFen).toBe(1_000);
    expect(bought.totals.payableFen).toBe(9_000);
    expect(bought.pointsEarned).toBe(180);

    await menu(page).getByText('审计日志', { exact: true }).click();
    await page.waitForURL(/\/admin\/audit$/);
    await page.getByLabel('动作').fill('program.update');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.waitForURL(/action=program\.update/);
    // A day range, the program's calendar days, kept in the URL: early January has no change of the rules.
    await page.locator('.ant-picker-range input').first().click();
    await page.keyboard.type('2026-01-01');
    await page.keyboard.press('Enter');
    await page.keyboard.type('2026-01-02');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.waitForURL(/from=2026-01-01&to=2026-01-02|to=2026-01-02.*from=2026-01-01/);
    await page.locator('.ant-empty-description').getByText('暂无数据').waitFor();
    await page.getByRole('button', { name: /重\s*置/ }).click();
    await page.getByLabel('动作').fill('program.update');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.waitForURL(
      (url) => url.searchParams.get('action') === 'program.update' && !url.searchParams.has('from'),
    );
    await page.getByRole('row').filter({ hasText: 'program.update' }).first().getByText('详情').click();
    await page
      .getByRole('dialog')
      .getByText(/"pointsPerYuan": 2/)
      .first()
      .waitFor();
    await screenshot(page, 'admin-audit-program');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('headquarters finds a member by phone and takes 50 points off with a reason', async () => {
    const { context, page, errors } = await desktop();
    await signIn(page, 'admin', 'admin-password');
    await menu(page).getByText('会员', { exact: true }).click();
    await page.waitForURL(/\/admin\/members/);
    await page.getByRole('cell', { name: '线上会员' }).first().waitFor();
    await screenshot(page, 'admin-members');

    await page.getByLabel('手机号 / 卡号 / 姓名').fill(atStore.phone);
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.waitForURL(new RegExp(`q=${atStore.phone}`));
    await page.getByRole('cell', { name: '线上会员' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: '店内会员' }).click();
    await page.waitForURL(new RegExp(`/admin/members/${atStore.memberId}$`));
    await page.getByTestId('member-name').getByText('店内会员').waitFor();
    const before = Number((await page.getByTestId('member-points').textContent())?.replace(/,/g, ''));
    expect(before).toBeGreaterThanOrEqual(180);
    await screenshot(page, 'admin-member');

    await page.getByRole('button', { name: '调整积分' }).click();
    const dialog = page.getByRole('dialog', { name: '调整积分' });
    await dialog.getByLabel('调整积分').fill('-50');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await dialog.locator('.ant-form-item-explain-error').getByText('2–200').waitFor();
    await dialog.getByLabel('原因').fill('重复积分更正');
    await screenshot(page, 'admin-member-adjust');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await page.locator('.ant-modal-confirm').getByText('扣减 50 积分').waitFor();
    await page.locator('.ant-modal-confirm').getByRole('button', { name: /是/ }).click();
    await page.getByText(`积分已调整，当前余额 ${before - 50}`).waitFor();
    await page
      .getByTestId('member-points')
      .getByText(String(before - 50))
      .waitFor();
    await page.getByTestId('member-entries').getByText('人工调整').first().waitFor();
    await screenshot(page, 'admin-member-adjusted');

    const overview = await api.call('adminMemberOverview', { token: admin, params: { id: atStore.memberId } });
    expect(overview.ok && overview.body.account?.points.balance).toBe(before - 50);
    await page.getByRole('tab', { name: '消费记录' }).click();
    await page.getByRole('cell', { name: 'CONSOLE-1' }).waitFor();
    await page.getByRole('tab', { name: '操作记录' }).click();
    await page.getByText('points.adjust').first().waitFor();
    await screenshot(page, 'admin-member-audit');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('headquarters keeps the gift catalog, member activities and campaigns', async () => {
    const { context, page, errors } = await desktop();
    await signIn(page, 'admin', 'admin-password');

    await menu(page).getByText('礼品', { exact: true }).click();
    await page.waitForURL(/\/admin\/gifts$/);
    await page.getByRole('button', { name: '新建礼品' }).click();
    const giftDialog = page.getByRole('dialog');
    await giftDialog.getByLabel('礼品名称').fill('会员保温杯');
    await giftDialog.getByLabel('礼品名称').fill('');
    await giftDialog.getByRole('button', { name: /保\s*存/ }).click();
    await giftDialog.locator('.ant-form-item-explain-error').getByText('请输入 1–64 个字的名称').waitFor();
    await giftDialog.getByLabel('礼品名称').fill('会员保温杯');
    await giftDialog.getByLabel('所需积分').fill('100');
    await giftDialog.getByLabel('库存').fill('5');
    await screenshot(page, 'admin-gift-form');
    await giftDialog.getByRole('button', { name: /保\s*存/ }).click();
    const giftRow = page.getByRole('row').filter({ hasText: '会员保温杯' });
    await giftRow.getByText('库存紧张').waitFor();
    await giftRow.getByText('调整库存').click();
    const stockDialog = page.getByRole('dialog');
    await stockDialog.getByLabel('增减数量').fill('-6');
    await stockDialog.getByLabel('原因').fill('盘点报损');
    await stockDialog.getByRole('button', { name: /保\s*存/ }).click();
    await stockDialog.getByText('库存不足，无法扣减这么多').waitFor();
    await stockDialog.getByLabel('增减数量').fill('20');
    await stockDialog.getByRole('button', { name: /保\s*存/ }).click();
    await giftRow.getByRole('cell', { name: '25' }).waitFor();
    await screenshot(page, 'admin-gifts');

    const activity = await api.call('createActivity', {
      token: admin,
      body: {
        name: '周末插花课',
        startsAt: '2027-01-10T14:00:00+08:00',
        signupDeadline: '2027-01-09T20:00:00+08:00',
        capacity: 10,
        pointsFee: 0,
      },
    });
    if (!activity.ok) throw new Error(JSON.stringify(activity.body));
    const signed = await api.call('signUpActivity', {
      token: atStore.token,
      params: { id: activity.body.id },
      idempotencyKey: 'console-signup',
    });
    expect(signed.ok).toBe(true);
    await menu(page).getByText('会员活动', { exact: true }).click();
    await page.waitForURL(/\/admin\/activities$/);
    const activityRow = page.getByRole('row').filter({ hasText: '周末插花课' });
    await activityRow.getByText('1 / 10').waitFor();
    await activityRow.getByText('报名名单').click();
    await page.getByTestId('activity-signups').getByRole('link', { name: '店内会员' }).waitFor();
    await screenshot(page, 'admin-activity-signups');
    await page.keyboard.press('Escape');

    await menu(page).getByText('营销活动', { exact: true }).click();
    await page.waitForURL(/\/admin\/campaigns$/);
    await page.getByRole('button', { name: '新建营销活动' }).click();
    const campaignDialog = page.getByRole('dialog');
    await campaignDialog.getByLabel('活动名称').fill('元旦双倍积分');
    await campaignDialog
      .locator('.ant-select')
      .filter({ has: page.locator('#campaign_kind') })
      .click();
    await page.locator('.ant-select-item-option').filter({ hasText: '多倍积分' }).click();
    await campaignDialog.getByRole('button', { name: /保\s*存/ }).click();
    await campaignDialog.locator('.ant-form-item-explain-error').getByText('请选择开始与结束时间').waitFor();
    await campaignDialog.getByPlaceholder('开始日期').click();
    await page.keyboard.type('2026-12-30 00:00');
    await page.keyboard.press('Enter');
    await page.keyboard.type('2027-01-03 23:59');
    await page.keyboard.press('Enter');
    await campaignDialog.getByLabel('预算上限').fill('5000');
    await screenshot(page, 'admin-campaign-form');
    await campaignDialog.getByRole('button', { name: /保\s*存/ }).click();
    const campaignRow = page.getByRole('row').filter({ hasText: '元旦双倍积分' });
    await campaignRow.getByText('0 / 5,000').waitFor();
    await campaignRow.getByText('未开始').waitFor();
    await screenshot(page, 'admin-campaigns');
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 409 (Conflict)']);
    await context.close();
  });

  it("a store manager sees only their store's members, and cannot open another's page", async () => {
    const { context, page, errors } = await desktop();
    await signIn(page, 'manager', 'huika-demo');
    await menu(page).getByText('会员', { exact: true }).click();
    await page.getByRole('cell', { name: '店内会员' }).waitFor();
    await expect(page.getByRole('cell', { name: '线上会员' }).count()).resolves.toBe(0);
    for (const hidden of ['规则', '审计日志']) {
      await expect(menu(page).getByText(hidden, { exact: true }).count()).resolves.toBe(0);
    }
    await screenshot(page, 'admin-manager-members');
    await page.getByRole('link', { name: '店内会员' }).click();
    await page.getByTestId('member-name').waitFor();
    // A manager corrects names only: the points, tier, card and closing actions are headquarters'.
    await page.getByRole('button', { name: '修改资料' }).waitFor();
    await expect(page.getByRole('button', { name: '调整积分' }).count()).resolves.toBe(0);
    await screenshot(page, 'admin-manager-member');

    await page.goto(`${server.baseUrl}/admin/members/${elsewhere.memberId}`, { waitUntil: 'networkidle' });
    await page.getByText('找不到该会员').waitFor();
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 403 (Forbidden)']);
    await context.close();
  });
});
