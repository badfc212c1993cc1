import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { hashPassword, verifyPassword } from '../../common/password';
import { ConfigError, PUBLISHED_DEMO_PASSWORD, type AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { withMigrationLock } from '../../database/migration-lock';
import { AppSettingEntity, GiftEntity, StaffEntity, StoreEntity } from '../../database/entities';
import { CouponsRepository } from '../coupons/coupons.repository';
import { defaultJoinGiftTemplate } from '../coupons/join-gift';
import { ProgramService } from '../program/program.service';

const DEMO_SEEDED = 'demo_seeded';
const DEMO_STAFF = ['cashier', 'manager'];

export interface SeedOutcome {
  /** Set when this start created the headquarters admin with a generated password (dev mode only). */
  generatedAdminPassword: string | null;
  demoSeededNow: boolean;
}

/** What a fresh database needs before it can serve: the program, the admin, and (optionally) the demo. */
@Injectable()
export class SeedService {
  private readonly logger = new Logger('Seed');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly program: ProgramService,
    private readonly coupons: CouponsRepository,
  ) {}

  /** Runs on every start; safe with several instances starting at once (named lock, insert-if-absent). */
  async prepare(options: { demo: boolean }): Promise<SeedOutcome> {
    // The demo staff log in with a published password: a production database never gets them.
    if (options.demo && !this.config.dev) {
      throw new ConfigError('HUIKA_DEMO', 'the demo program is installed only in dev mode (HUIKA_DEV=true)');
    }
    return withMigrationLock(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        const now = this.clock.now();
        await this.program.ensureDefault(manager, now);
        const generatedAdminPassword = await this.ensureAdmin(manager, now);
        const demoSeededNow = options.demo ? await this.seedDemo(manager, now) : false;
        return { generatedAdminPassword, demoSeededNow };
      }),
    );
  }

  /** The usernames of active demo staff who still log in with the published password. */
  async demoStaffWithPublishedPassword(): Promise<string[]> {
    const staff = await this.dataSource
      .getRepository(StaffEntity)
      .find({ where: { username: In(DEMO_STAFF), active: true }, select: { username: true, passwordHash: true } });
    const published = await Promise.all(
      staff.map(async (row) =>
        (await verifyPassword(PUBLISHED_DEMO_PASSWORD, row.passwordHash)) ? row.username : null,
      ),
    );
    return published.filter((username): username is string => username !== null).sort();
  }

  private async ensureAdmin(manager: EntityManager, now: number): Promise<string | null> {
    const staff = manager.getRepository(StaffEntity);
    if (await staff.exists({ where: { role: 'admin' } })) return null;
    let password = this.config.adminPassword;
    let generated: string | null = null;
    if (!password) {
      if (!this.config.dev) {
        throw new ConfigError(
          'HUIKA_ADMIN_PASSWORD',
          'required on the first start of a new database, to create the headquarters admin "admin"',
        );
      }
      password = randomBytes(9).toString('base64url');
      generated = password;
    }
    await staff.insert({
      id: newId(),
      username: 'admin',
      passwordHash: await hashPassword(password),
      displayName: '总部管理员',
      role: 'admin',
      storeId: null,
      active: true,
      createdAt: now,
      updatedAt: now,
    });
    this.logger.log('created the headquarters admin "admin"');
    return generated;
  }

  /**
   * The demo program (README): store S001 旗舰店, a cashier and a manager, three gifts, and the join gift of
   * DOMAIN §1 (a ¥10 coupon: ¥10 off from ¥50, valid 30 days). Once per database.
   */
  private async seedDemo(manager: EntityManager, now: number): Promise<boolean> {
    const settings = manager.getRepository(AppSettingEntity);
    if (await settings.exists({ where: { name: DEMO_SEEDED } })) return false;
    const storeId = newId();
    await manager.getRepository(StoreEntity).insert({
      id: storeId,
      code: 'S001',
      name: '旗舰店',
      address: '上海市静安区南京西路 1 号',
      active: true,
      createdAt: now,
    });
    const passwordHash = await hashPassword(this.config.demoPassword);
    await manager.getRepository(StaffEntity).insert([
      {
        id: newId(),
        username: 'cashier',
        passwordHash,
        displayName: '收银员 小王',
        role: 'cashier',
        storeId,
        active: true,
        demo: true,
        createdAt: now,
        updatedAt: now,
      },
      {
        id: newId(),
        username: 'manager',
        passwordHash,
        displayName: '店长 李静',
        role: 'manager',
        storeId,
        active: true,
        demo: true,
        createdAt: now,
        updatedAt: now,
      },
    ]);
    const gift = (
      name: string,
      description: string,
      pointsPrice: number,
      stock: number,
      perMemberLimit: number | null,
    ) => ({
      id: newId(),
      name,
      description,
      imageUrl: null,
      pointsPrice,
      stock,
      perMemberLimit,
      tiers: null,
      exchangeWindow: null,
      active: true,
      createdAt: now,
      updatedAt: now,
    });
    await manager
      .getRepository(GiftEntity)
      .insert([
        gift('品牌帆布袋', '环保帆布托特包，门店领取', 300, 200, 2),
        gift('保温杯 350ml', '316 不锈钢真空保温杯', 1200, 80, 1),
        gift('¥20 代金券礼包', '满 ¥100 可用，兑换后到店核销', 2000, 500, 5),
      ]);
    await this.seedJoinGift(manager, now);
    await settings.insert({ name: DEMO_SEEDED, value: new Date(now).toISOString(), updatedAt: now });
    this.logger.log('seeded the demo program: store S001, staff cashier and manager, three gifts, the join gift');
    return true;
  }

  /**
   * 入会有礼 on a program installed before the default had it: the default's "¥10 入会礼券", made the program's
   * join gift unless one is configured already.
   */
  private async seedJoinGift(manager: EntityManager, now: number): Promise<void> {
    const { config: program, version } = await this.program.current(manager);
    if (program.coupons.joinGiftTemplateIds.length > 0) return;
    const templateId = newId();
    await this.coupons.insertTemplate(manager, defaultJoinGiftTemplate(templateId, now));
    // The program read is shared and frozen: the change is a new object.
    const withJoinGift = { ...program, coupons: { ...program.coupons, joinGiftTemplateIds: [templateId] } };
    await this.program.replace(manager, { expected: version, config: withJoinGift, by: null, at: now });
  }
}
