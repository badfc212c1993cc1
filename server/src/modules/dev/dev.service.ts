import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MemberEntity } from '../../database/entities';
import { type MemberLogin, MemberSessionsService } from '../auth/member-sessions.service';

@Injectable()
export class DevService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly sessions: MemberSessionsService,
  ) {}

  /** Stands in for WeChat login: the openid is taken on trust, which is why this is dev-only. */
  async login(openid: string): Promise<MemberLogin> {
    const member = await this.dataSource
      .getRepository(MemberEntity)
      .findOne({ where: { openid, status: 'active' }, select: { id: true } });
    return this.sessions.open(`wx:${openid}`, member?.id ?? null);
  }
}
