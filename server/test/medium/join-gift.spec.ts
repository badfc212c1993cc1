import { type ProgramConfig, routes } from '@huika/shared';
import { ReconcileService } from '../../src/modules/ledger/reconcile.service';
import { SeedService } from '../../src/modules/seed/seed.service';
import { scalar } from './fixtures';
import { bearer, joinedMember, type MembershipHarness, staffHeaders, startMembershipApp } from './members.helpers';
import { TEST_DB } from './test-app';

jest.setTimeout(120_000);

interface WalletItem {
  name: string;
  kind: string;
  valueFen: number | null;
}

/** 入会有礼 (DOMAIN §1) is the program's default, not the demo's: a database started without the demo has it. */
describe(`the join gift without the demo on ${TEST_DB}`, () => {
  let harness: MembershipHarness;
  let admin: Record<string, string>;

  beforeAll(async () => {
    harness = await startMembershipApp({ demo: false });
    admin = await staffHeaders(harness.app, 'admin');
  });

  afterAll(async () => harness.close());

  const wallet = async (who: { token: string }) => {
    const response = await harness.app.request({ method: 'GET', url: '/api/me/coupons', headers: bearer(who.token) });
    expect(response.status).toBe(200);
    return (response.body as { items: WalletItem[] }).items.map((c) => ({
      name: c.name,
      kind: c.kind,
      valueFen: c.valueFen,
    }));
  };

  async function program(): Promise<{ version: number; config: ProgramConfig }> {
    const response = await harness.app.request({ method: 'GET', url: routes.adminProgram.path, headers: admin });
    expect(response.status).toBe(200);
    return response.body as { version: number; config: ProgramConfig };
  }

  it('gives a new member the ¥10 join gift coupon, which headquarters can change and remove', async () => {
    expect(await scalar(harness.app.huika.dataSource, 'SELECT COUNT(*) FROM stores')).toBe(0);
    const installed = await program();
    expect(installed.version).toBe(1);
    expect(installed.config.coupons.joinGiftTemplateIds).toHaveLength(1);

    const first = await joinedMember(harness);
    expect(await wallet(first)).toEqual([{ name: '¥10 入会礼券', kind: 'cashOff', valueFen: 1000 }]);

    // Headquarters changes the template: the next member gets the new value.
    const templateId = installed.config.coupons.joinGiftTemplateIds[0] as string;
    const patched = await harness.app.request({
      method: 'PATCH',
      url: `/api/admin/coupon-templates/${templateId}`,
      headers: admin,
      payload: { name: '¥20 入会礼券', valueFen: 2000 },
    });
    expect(patched.status).toBe(200);
    expect(await wallet(await joinedMember(harness))).toEqual([
      { name: '¥20 入会礼券', kind: 'cashOff', valueFen: 2000 },
    ]);

    // ...and takes it out of the program: the next member gets none, and a restart does not bring it back.
    const config = structuredClone(installed.config);
    config.coupons.joinGiftTemplateIds = [];
    const saved = await harness.app.request({
      method: 'PUT',
      url: routes.adminProgramUpdate.path,
      headers: { ...admin, 'if-match': `"${installed.version}"` },
      payload: { config },
    });
    expect(saved.status).toBe(200);
    expect(await wallet(await joinedMember(harness))).toEqual([]);
    await harness.app.huika.app.get(SeedService).prepare({ demo: false });
    expect((await program()).config.coupons.joinGiftTemplateIds).toEqual([]);
    expect((await harness.app.huika.app.get(ReconcileService).run()).differences).toEqual([]);
  });
});
