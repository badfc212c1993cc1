import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { RateLimiter } from '../../common/rate-limit/rate-limiter';
import { execute, Transactions } from '../../common/transactions';
import { type MemberLogin, MemberSessionsService } from '../auth/member-sessions.service';
import { insertIfAbsent } from '../members/insert-if-absent';
import { WECHAT_LOGIN_PER_IP } from './identity-limits';
import { PhoneVault } from './phone-vault';
import { SmsOtpService } from './sms-otp.service';
import { WECHAT_API, type WechatApi } from './wechat.api';

/**
 * Member login (DOMAIN §1): a WeChat identity `wx:<openid>` from a wx.login() code, or on H5 a phone identity
 * `phone:<lookup hash>` from an SMS one-time code. Either may not have joined yet (memberId null).
 */
@Injectable()
export class IdentityService {
  constructor(
    @Inject(WECHAT_API) private readonly wechat: WechatApi,
    private readonly otp: SmsOtpService,
    private readonly vault: PhoneVault,
    private readonly sessions: MemberSessionsService,
    private readonly limiter: RateLimiter,
    private readonly transactions: Transactions,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async wechatLogin(code: string, ip: string): Promise<MemberLogin> {
    await this.limiter.consume([{ rule: WECHAT_LOGIN_PER_IP, key: ip }]);
    const session = await this.wechat.code2session(code);
    const memberId = await this.activeMemberId('openid', session.openid);
    // The unionid ties the mini-program to the brand's other WeChat apps (the self-referral guard uses it);
    // kept for the join, which only has the openid of the token.
    await this.transactions.run(async (tx) => {
      const now = this.clock.now();
      const seen = await execute(tx, 'UPDATE wechat_accounts SET unionid = ?, last_login_at = ? WHERE openid = ?', [
        session.unionid,
        now,
        session.openid,
      ]);
      if (seen === 0) {
        await insertIfAbsent(tx, 'wechat_accounts', {
          openid: session.openid,
          unionid: session.unionid,
          last_login_at: now,
        });
      }
      if (memberId && session.unionid) {
        await execute(tx, 'UPDATE members SET unionid = ? WHERE id = ? AND unionid IS NULL', [
          session.unionid,
          memberId,
        ]);
      }
    });
    return this.login(`wx:${session.openid}`, memberId);
  }

  async smsLogin(phone: string, code: string, ip: string): Promise<MemberLogin> {
    await this.otp.verify(phone, code, ip);
    const phoneHash = await this.vault.hash(phone);
    return this.login(`phone:${phoneHash}`, await this.activeMemberId('phone_hash', phoneHash));
  }

  private login(identity: string, memberId: string | null): Promise<MemberLogin> {
    return this.sessions.open(identity, memberId);
  }

  private async activeMemberId(column: 'openid' | 'phone_hash', value: string): Promise<string | null> {
    const rows = (await this.dataSource.query(`SELECT id FROM members WHERE ${column} = ? AND status = 'active'`, [
      value,
    ])) as { id: string }[];
    return rows[0]?.id ?? null;
  }
}
