import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MemberEntity } from '../../database/entities';
import { TokenService } from '../auth/token.service';

@Injectable()
export class DevService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
  ) {}

  /** Stands in for WeChat login: the openid is taken on trust, which is why this is dev-only. */
  async login(openid: string): Promise<{ token: string; memberId: string | null }> {
    const member = await this.dataSource
      .getRepository(MemberEntity)
      .findOne({ where: { openid, status: 'active' }, select: { id: true } });
    const memberId = member?.id ?? null;
    return { token: await this.tokens.signMember({ identity: `wx:${openid}`, memberId }), memberId };
  }
}
