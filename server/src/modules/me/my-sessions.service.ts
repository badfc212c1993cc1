import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import type { MemberAuth, StaffAuth } from '../../common/auth.types';
import { Transactions } from '../../common/transactions';
import { AuditService, auditActorOf } from '../audit/audit.service';
import type { SessionHolder } from '../auth/member-sessions.repository';
import { MemberSessionsService } from '../auth/member-sessions.service';
import { MeRepository } from './me.repository';

/** Ending a member's sessions on request: the member's "log out everywhere", or headquarters for a lost phone. */
@Injectable()
export class MySessionsService {
  constructor(
    private readonly repository: MeRepository,
    private readonly sessions: MemberSessionsService,
    private readonly audit: AuditService,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Every session of the caller ends, its own included: "everywhere" is what a member who lost a phone means,
   * and the app that asked simply logs in again (silently, in WeChat).
   */
  async endAll(auth: MemberAuth): Promise<{ ended: number }> {
    return this.transactions.run(async (tx) => {
      const memberId = auth.memberId ?? (await this.repository.memberIdOfIdentity(auth.identity));
      const holder = memberId ? await this.repository.sessionHolderOf(tx, memberId) : null;
      const ended = await this.sessions.endAll(
        tx,
        { memberId, identities: [auth.identity, ...(holder?.identities ?? [])] },
        'logout_all',
      );
      await this.audit.record(tx, {
        actor: auditActorOf({ ...auth, memberId }),
        action: 'member.sessions_end',
        target: memberId ? { kind: 'member', id: memberId } : { kind: 'member_session', id: auth.sessionId },
        after: { ended },
      });
      return { ended };
    });
  }

  /** Headquarters ends every session of a member (audited with who did it). */
  async endAllByHeadquarters(staff: StaffAuth, memberId: string): Promise<{ ended: number }> {
    return this.transactions.run(async (tx) => {
      const holder = await this.holderOf(tx, memberId);
      const ended = await this.sessions.endAll(tx, holder, 'headquarters');
      await this.audit.record(tx, {
        actor: auditActorOf(staff),
        action: 'member.sessions_end',
        target: { kind: 'member', id: memberId },
        after: { ended },
      });
      return { ended };
    });
  }

  private async holderOf(tx: EntityManager, memberId: string): Promise<SessionHolder> {
    const holder = await this.repository.sessionHolderOf(tx, memberId);
    if (!holder) throw new AppError('MEMBER_NOT_FOUND', 'no such member');
    return holder;
  }
}
