import type { JoinBody, JoinResponse, ProgramConfig } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import { isBirthdayInFuture } from '../../common/time-zone';
import type { MemberAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { RateLimiter } from '../../common/rate-limit/rate-limiter';
import { execute, select, Transactions } from '../../common/transactions';
import { AuditService } from '../audit/audit.service';
import { MemberSessionsService } from '../auth/member-sessions.service';
import { CardCodeService } from '../card/card-code.service';
import { withNewCardNo } from '../card/card-number';
import { CouponsService } from '../coupons/coupons.service';
import { PhoneVault, type ProtectedPhone } from '../identity/phone-vault';
import { WECHAT_API, type WechatApi } from '../identity/wechat.api';
import { LedgerService } from '../ledger/ledger.service';
import { MeService } from '../me/me.service';
import { ProgramService } from '../program/program.service';
import { ReferralService } from '../referral/referral.service';
import { JOIN_PER_IDENTITY, JOIN_PER_IP } from './members-limits';
import { type SceneRow, ScenesService } from './scenes.service';
import { violatedUniqueKey } from './unique-key';

type Join = z.output<typeof JoinBody>;

/** Who is joining, as their login proved it. */
interface Joiner {
  channel: 'wechat' | 'h5';
  openid: string | null;
  /** From the WeChat login, when the mini-program is bound to an Open Platform account. */
  unionid: string | null;
  phone: string;
}

/** Where the join came from (DOMAIN §1), resolved from the scene. */
interface Attribution {
  scene: SceneRow | null;
  storeId: string | null;
  staffId: string | null;
  campaign: string | null;
  referrerId: string | null;
}

/** The entry tier: the ladder's rank 0 (the lowest rank, whatever order headquarters listed them in). */
function entryTier(program: ProgramConfig): string {
  const [first, ...rest] = program.tiers.ladder;
  if (!first) throw new Error('the program has no tiers');
  return rest.reduce((lowest, tier) => (tier.rank < lowest.rank ? tier : lowest), first).code;
}

/**
 * Joining (DOMAIN §1): one member per person (unique openid, unique phone, held by unique indexes under any
 * concurrency), attributed to the scene, with consent recorded, a Luhn-checked card number, the entry tier,
 * the card's validity, the member's own invite scene, the referral if an invite led here, and the join gift
 * posted once — all in one transaction.
 */
@Injectable()
export class MembersService {
  constructor(
    @Inject(WECHAT_API) private readonly wechat: WechatApi,
    private readonly vault: PhoneVault,
    private readonly scenes: ScenesService,
    private readonly program: ProgramService,
    private readonly ledger: LedgerService,
    private readonly coupons: CouponsService,
    private readonly cardCodes: CardCodeService,
    private readonly referrals: ReferralService,
    private readonly audit: AuditService,
    private readonly sessions: MemberSessionsService,
    private readonly me: MeService,
    private readonly limiter: RateLimiter,
    private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async join(auth: MemberAuth, body: Join, ip: string): Promise<z.output<typeof JoinResponse>> {
    await this.limiter.consume([
      { rule: JOIN_PER_IDENTITY, key: auth.identity },
      { rule: JOIN_PER_IP, key: ip },
    ]);
    const joiner = await this.joinerOf(auth, body);
    if (await this.hasMember(joiner, auth.identity)) {
      throw new AppError('ALREADY_MEMBER', 'this login is a member already');
    }
    const phone = await this.vault.protect(joiner.phone);
    const deviceHash = body.deviceId ? await this.vault.keyedHash('device', body.deviceId) : null;
    const attribution = await this.attribution(body.scene);
    const memberId = await withNewCardNo((cardNo) =>
      this.transactions.run(async (tx) => {
        const id = await this.create(tx, { body, joiner, phone, deviceHash, attribution, cardNo });
        await this.sessions.joined(tx, [auth.identity, `phone:${phone.phoneHash}`], id);
        return id;
      }),
    );
    const joined = { ...auth, memberId };
    return { ...(await this.me.me(joined)), token: await this.sessions.accessToken(joined) };
  }

  private async create(
    tx: EntityManager,
    input: {
      body: Join;
      joiner: Joiner;
      phone: ProtectedPhone;
      deviceHash: string | null;
      attribution: Attribution;
      cardNo: string;
    },
  ): Promise<string> {
    const { body, joiner, phone, attribution } = input;
    const program = await this.program.get(tx);
    const now = this.clock.now();
    if (isBirthdayInFuture(body.birthday, now, program.timeZone)) {
      throw new AppError('VALIDATION_FAILED', 'a birthday cannot be in the future', {
        fields: [{ path: 'body.birthday', message: 'in the future' }],
      });
    }
    const months = program.card.validityMonths;
    const cardValidUntil =
      months === null ? null : DateTime.fromMillis(now, { zone: program.timeZone }).plus({ months }).toMillis();
    const memberId = newId();
    try {
      await execute(
        tx,
        `INSERT INTO members (id, card_no, openid, unionid, phone_hash, phone_enc, phone_last4, name, birthday, tier_code,
           points_balance, points_pending, balance_fen, card_valid_until, status, consent_version, join_scene,
           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, 'active', ?, ?, ?, ?)`,
        [
          memberId,
          input.cardNo,
          joiner.openid,
          joiner.unionid,
          phone.phoneHash,
          phone.phoneEnc,
          phone.phoneLast4,
          body.name,
          body.birthday,
          entryTier(program),
          cardValidUntil,
          body.consentVersion,
          attribution.scene?.code ?? null,
          now,
          now,
        ],
      );
    } catch (error) {
      // The unique indexes decide between concurrent joins; the losers learn why here.
      const key = violatedUniqueKey(error);
      if (key?.includes('openid')) throw new AppError('ALREADY_MEMBER', 'this WeChat account is a member already');
      if (key?.includes('phone_hash')) throw new AppError('PHONE_TAKEN', 'this phone number belongs to another member');
      throw error;
    }
    await execute(
      tx,
      `INSERT INTO member_joins (member_id, channel, scene, scene_kind, store_id, staff_id, campaign, referrer_id,
         device_hash, consent_version, consented_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        memberId,
        joiner.channel,
        attribution.scene?.code ?? null,
        attribution.scene?.kind ?? null,
        attribution.storeId,
        attribution.staffId,
        attribution.campaign,
        attribution.referrerId,
        input.deviceHash,
        body.consentVersion,
        now,
        now,
      ],
    );
    await this.cardCodes.createState(tx, memberId);
    await this.referrals.createInvite(tx, memberId);
    const referral =
      attribution.referrerId && attribution.scene
        ? await this.referrals.recordJoin(tx, {
            referrerId: attribution.referrerId,
            scene: attribution.scene.code,
            invitee: {
              id: memberId,
              phoneHash: phone.phoneHash,
              openid: joiner.openid,
              unionid: joiner.unionid,
              deviceHash: input.deviceHash,
            },
            program,
          })
        : null;
    // 入会有礼: the posting's cause (join, member id) is unique, so the gift can never be posted twice.
    const giftPoints = program.earning.joinGiftPoints;
    if (giftPoints > 0) {
      await this.ledger.earn(
        tx,
        { memberId, refType: 'join', refId: memberId, actor: { kind: 'member', id: memberId } },
        giftPoints,
        { source: 'join', program },
      );
    }
    // The join-gift coupons: the trigger (join, member id) is unique per template, so they too come once.
    const giftCoupons = await this.coupons.issueOnJoin(tx, memberId, program);
    await this.audit.record(tx, {
      actor: { kind: 'member', id: memberId },
      action: 'member.join',
      target: { kind: 'member', id: memberId },
      after: {
        channel: joiner.channel,
        scene: attribution.scene?.code ?? null,
        consentVersion: body.consentVersion,
        joinGiftPoints: giftPoints,
        joinGiftCoupons: giftCoupons.map((c) => c.id),
        referral: referral ? { state: referral.state, reason: referral.reason } : null,
      },
    });
    return memberId;
  }

  /**
   * The phone of the joiner. WeChat: the phone in the body, or the getPhoneNumber code exchanged with
   * WeChat. H5: the login proved the phone, so the body must name that same phone.
   */
  private async joinerOf(auth: MemberAuth, body: Join): Promise<Joiner> {
    const phone = body.phoneCode !== undefined ? await this.wechat.phoneNumber(body.phoneCode) : body.phone;
    if (!phone) throw new AppError('VALIDATION_FAILED', 'a phone number is required');
    if (auth.identity.startsWith('wx:')) {
      const openid = auth.identity.slice(3);
      const accounts = await select<{ unionid: string | null }>(
        this.dataSource.manager,
        'SELECT unionid FROM wechat_accounts WHERE openid = ?',
        [openid],
      );
      return { channel: 'wechat', openid, unionid: accounts[0]?.unionid ?? null, phone };
    }
    if (auth.identity.startsWith('phone:')) {
      if ((await this.vault.hash(phone)) !== auth.identity.slice(6)) {
        throw new AppError('PHONE_MISMATCH', 'join with the phone number you logged in with');
      }
      return { channel: 'h5', openid: null, unionid: null, phone };
    }
    throw new AppError('FORBIDDEN', 'this login cannot join');
  }

  private async hasMember(joiner: Joiner, identity: string): Promise<boolean> {
    const rows = joiner.openid
      ? await select(this.dataSource.manager, "SELECT id FROM members WHERE openid = ? AND status = 'active'", [
          joiner.openid,
        ])
      : await select(this.dataSource.manager, "SELECT id FROM members WHERE phone_hash = ? AND status = 'active'", [
          identity.slice(6),
        ]);
    return rows.length > 0;
  }

  /** An unknown scene (a stale poster) does not stop anyone from joining: the join is just not attributed. */
  private async attribution(code: string | undefined): Promise<Attribution> {
    const scene = code ? await this.scenes.find(code) : null;
    // A staff member's code also counts for their store.
    const staffStore =
      scene?.kind === 'staff'
        ? ((
            await select<{ store_id: string | null }>(
              this.dataSource.manager,
              'SELECT store_id FROM staff WHERE id = ?',
              [scene.target_id],
            )
          )[0]?.store_id ?? null)
        : null;
    return {
      scene,
      storeId: scene?.kind === 'store' ? scene.target_id : staffStore,
      staffId: scene?.kind === 'staff' ? scene.target_id : null,
      campaign: scene?.kind === 'campaign' ? scene.target_id : null,
      referrerId: scene?.kind === 'referrer' ? scene.target_id : null,
    };
  }
}
