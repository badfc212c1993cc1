import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AppError } from '../../common/app-error';
import type { RequestAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { MemberReadLimiter } from '../../common/rate-limit/member-read-limiter';
import { contractOf } from '../../common/route.decorators';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { StaffSessions, staffSessionCheckedByUseCase } from '../staff/staff-sessions';
import { MemberSessionsRepository } from './member-sessions.repository';
import { TokenService } from './token.service';

/**
 * One guard for every route: it reads the route's contract and lets through only who the contract
 * names. A route without a contract is refused, so a new handler cannot ship unguarded by accident.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly staffSessions: StaffSessions,
    private readonly memberSessions: MemberSessionsRepository,
    @Inject(Clock) private readonly clock: Clock,
    private readonly memberReads: MemberReadLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const contract = contractOf(context);
    if (!contract)
      throw new Error(`handler ${context.getClass().name}.${context.getHandler().name} has no route contract`);
    const request = context.switchToHttp().getRequest<FastifyRequest & { auth?: RequestAuth }>();
    switch (contract.auth) {
      case 'public':
        return true;
      case 'dev':
        if (!this.config.dev) throw new AppError('NOT_FOUND', `no route ${request.method} ${request.url}`);
        return true;
      case 'member': {
        const auth = await this.authenticate(request);
        if (auth.kind !== 'member') throw new AppError('FORBIDDEN', 'this route is for members');
        // Read on every call, on every instance: a session ended anywhere refuses its tokens at once.
        if (!(await this.memberSessions.isLive(auth.sessionId, this.clock.now()))) {
          throw new AppError('SESSION_ENDED', 'the session has ended; log in again');
        }
        // Every member read, by the contract's method, so that a new list route is limited too. After the
        // session check: an ended token is refused without using up the member's allowance.
        if (contract.method === 'GET') this.memberReads.take(auth);
        request.auth = auth;
        return true;
      }
      case 'staff': {
        const auth = await this.authenticate(request);
        if (auth.kind !== 'staff') throw new AppError('FORBIDDEN', 'this route is for staff');
        if (contract.roles && !contract.roles.includes(auth.role)) {
          throw new AppError('FORBIDDEN', `this route needs the role ${contract.roles.join(' or ')}`);
        }
        if (!staffSessionCheckedByUseCase(context))
          await this.staffSessions.requireCurrent(this.dataSource.manager, auth);
        request.auth = auth;
        return true;
      }
    }
  }

  private async authenticate(request: FastifyRequest): Promise<RequestAuth> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new AppError('UNAUTHORIZED', 'a bearer token is required');
    return this.tokens.verify(match[1]);
  }
}
