import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import type { MemberAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { Transactions } from '../../common/transactions';
import type { MemberSessionEnd } from '../../database/entities/member-session.entity';
import { AuditService } from '../audit/audit.service';
import { MemberSessionsRepository, type SessionHolder } from './member-sessions.repository';
import { MEMBER_TOKEN_TTL_SECONDS, TokenService } from './token.service';

/** A session lasts 30 days from its login, however often it is refreshed; then the member logs in again. */
const MEMBER_SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface MemberLogin {
  token: string;
  memberId: string | null;
  refreshToken: string;
  expiresIn: number;
}

type RefreshOutcome =
  | { kind: 'ok'; auth: Omit<MemberAuth, 'kind'>; refreshToken: string }
  | { kind: 'invalid' | 'expired' | 'ended' | 'reused' };

/**
 * Member sessions: a login opens one, its refresh tokens rotate as staff ones do (a spent token presented
 * again ends the session), and a session ends when the member logs out everywhere, reissues the card, closes
 * the account, or headquarters ends it. The guard refuses an ended session's access tokens at once.
 */
@Injectable()
export class MemberSessionsService {
  constructor(
    private readonly repository: MemberSessionsRepository,
    private readonly tokens: TokenService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async open(identity: string, memberId: string | null): Promise<MemberLogin> {
    const now = this.clock.now();
    const session = { id: newId(), identity, memberId, expiresAt: now + MEMBER_SESSION_TTL_MS, createdAt: now };
    const refreshToken = await this.transactions.run((tx) => this.repository.start(tx, session));
    return this.login({ identity, memberId, sessionId: session.id }, refreshToken);
  }

  async refresh(token: string, ip: string): Promise<MemberLogin> {
    const outcome = await this.transactions.run(async (tx): Promise<RefreshOutcome> => {
      const now = this.clock.now();
      const spent = await this.repository.spendRefreshToken(tx, token, now);
      if (spent.kind === 'invalid' || spent.kind === 'expired') return spent;
      const session = await this.repository.find(tx, spent.familyId);
      if (!session) return { kind: 'invalid' };
      if (spent.kind === 'reused') {
        if (await this.repository.end(tx, session.id, 'reuse', now)) {
          await this.audit.record(tx, {
            actor: null,
            action: 'member.refresh_reused',
            target: { kind: 'member_session', id: session.id },
            after: { ip, memberId: session.memberId },
          });
        }
        return { kind: 'reused' };
      }
      if (session.endedAt !== null || session.expiresAt <= now) return { kind: 'ended' };
      const refreshToken = await this.repository.issueRefreshToken(tx, session, now);
      return {
        kind: 'ok',
        auth: { identity: session.identity, memberId: session.memberId, sessionId: session.id },
        refreshToken,
      };
    });
    if (outcome.kind !== 'ok') {
      throw new AppError('REFRESH_TOKEN_INVALID', 'the session has ended; log in again', { reason: outcome.kind });
    }
    return this.login(outcome.auth, outcome.refreshToken);
  }

  /** The sessions of the identities that have just joined (the login's, the phone's) are the new member's. */
  joined(tx: EntityManager, identities: readonly string[], memberId: string): Promise<void> {
    return this.repository.assignMember(tx, identities, memberId);
  }

  /** Ends every live session of a member, but `except`; how many ended. The caller audits it. */
  endAll(
    tx: EntityManager,
    holder: SessionHolder,
    reason: MemberSessionEnd,
    except: string | null = null,
  ): Promise<number> {
    return this.repository.endAllOf(tx, holder, reason, this.clock.now(), except);
  }

  /** An access token for the session (the join's, with its new member id). */
  accessToken(auth: MemberAuth): Promise<string> {
    return this.tokens.signMember(auth);
  }

  private async login(auth: Omit<MemberAuth, 'kind'>, refreshToken: string): Promise<MemberLogin> {
    return {
      token: await this.tokens.signMember(auth),
      memberId: auth.memberId,
      refreshToken,
      expiresIn: MEMBER_TOKEN_TTL_SECONDS,
    };
  }
}
