import {
  type AdminProgramView,
  diffProgram,
  type ProgramConfig,
  type ProgramPreviewBody,
  type ProgramPreviewResponse,
  type ProgramVersionsQuery,
  type ProgramVersionView,
  priceBasket,
  PricingError,
  type UpdateProgramBody,
} from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { Transactions } from '../../common/transactions';
import { validationFailed } from '../../common/validation';
import { AuditService, auditActorOf } from '../audit/audit.service';
import { isBirthday, isMemberDay } from '../checkout/calendar';
import { pricingView } from '../checkout/pricing.view';
import { tierOf } from '../tiers/tier.service';
import { programProblems, versionOfIfMatch } from './program-rules';
import { ProgramRepository } from './program.repository';
import { ProgramService, versionConflict } from './program.service';

type VersionPage = { items: z.output<typeof ProgramVersionView>[]; nextCursor: string | null };

/** 400 VALIDATION_FAILED naming each field as the validation of the body does (`body.config.<path>`). */
function assertSound(config: ProgramConfig): void {
  const problems = programProblems(config);
  if (problems.length === 0) return;
  throw validationFailed(
    'body',
    problems.map((p) => ({ path: `body.config.${p.path}`, message: p.message })),
  );
}

/** Headquarters runs the program: reads it, changes it version by version, and tries a change out first. */
@Injectable()
export class ProgramAdminService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly transactions: Transactions,
    private readonly program: ProgramService,
    private readonly repository: ProgramRepository,
    private readonly audit: AuditService,
  ) {}

  async view(): Promise<z.output<typeof AdminProgramView>> {
    const current = await this.program.current();
    return {
      version: current.version,
      config: current.config,
      updatedAt: new Date(current.updatedAt).toISOString(),
      updatedBy: current.updatedBy,
    };
  }

  /**
   * Replaces the whole program if `ifMatch` names the current version. The check is made twice: first on the
   * version read, so that a stale change is refused before anything is written, then by the conditional
   * update itself, which decides between two changes made on one version at once.
   */
  async update(
    staff: StaffAuth,
    ifMatch: string | undefined,
    body: z.output<typeof UpdateProgramBody>,
  ): Promise<{ version: number }> {
    const expected = versionOfIfMatch(ifMatch);
    if (expected === null) throw versionConflict(null);
    assertSound(body.config);
    return this.transactions.run(async (tx) => {
      const before = await this.program.current(tx);
      if (before.version !== expected) throw versionConflict(expected, before.version);
      const version = await this.program.replace(tx, {
        expected,
        config: body.config,
        by: staff.staffId,
        at: this.clock.now(),
      });
      await this.audit.record(tx, {
        actor: auditActorOf(staff),
        action: 'program.update',
        target: { kind: 'program', id: String(version) },
        before: { version: before.version, config: before.config },
        after: { version, config: body.config },
      });
      return { version };
    });
  }

  /** Newest first; each version with what it changed from the one before it. */
  async versions(query: z.output<typeof ProgramVersionsQuery>): Promise<VersionPage> {
    const below = query.cursor === undefined ? null : Number(query.cursor);
    // One more than the page tells whether there is a next page; one more again is the version the page's
    // last item is compared with.
    const rows = await this.repository.versions(this.dataSource.manager, below, query.limit + 2);
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((row, i) => {
        const previous = rows[i + 1];
        return {
          version: row.version,
          createdAt: new Date(row.createdAt).toISOString(),
          createdBy: row.createdBy,
          diff: previous && previous.version === row.version - 1 ? diffProgram(previous.config, row.config) : [],
        };
      }),
      nextCursor: rows.length > query.limit ? String(page.at(-1)?.version) : null,
    };
  }

  /**
   * What a basket would cost and earn under `config`, with the pricing of every purchase: the member's tier,
   * member day and birthday under that config at that moment. Running campaigns and coupons are left out (they
   * are not part of the program), and no points were earned earlier that day (the daily cap is whole).
   */
  preview(body: z.output<typeof ProgramPreviewBody>): z.output<typeof ProgramPreviewResponse> {
    const program = body.config;
    assertSound(program);
    const at = body.at === undefined ? this.clock.now() : Date.parse(body.at);
    const memberDay = isMemberDay(program, at);
    const birthday = isBirthday(program, body.member.birthday ?? null, at);
    try {
      const pricing = priceBasket({
        lines: body.basket.lines,
        program,
        tier: tierOf(program, body.member.tierCode),
        isMemberDay: memberDay,
        isBirthday: birthday,
        campaigns: [],
        coupons: [],
        pointsToUse: body.basket.pointsToUse ?? 0,
        payWithBalanceFen: 0,
        earnedToday: 0,
      });
      return { ...pricingView(pricing), isMemberDay: memberDay, isBirthday: birthday };
    } catch (error) {
      if (error instanceof PricingError) throw new AppError(error.code, error.message);
      throw error;
    }
  }
}
