import { AuditLogQuery, routes } from '@huika/shared';
import { Controller } from '@nestjs/common';
import type { z } from 'zod';
import { Route, ValidQuery } from '../../common/route.decorators';
import { dayStartMs } from '../../common/time-zone';
import { ProgramService } from '../program/program.service';
import { AuditService } from './audit.service';

@Controller()
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly program: ProgramService,
  ) {}

  /** The days of `from` and `to` are the program's calendar days (the brand's time zone), both included. */
  @Route(routes.adminAuditLog)
  async list(@ValidQuery() query: z.output<typeof AuditLogQuery>) {
    if (!query.from && !query.to) return this.audit.list(query);
    const { timeZone } = await this.program.get();
    return this.audit.list(query, {
      from: query.from ? dayStartMs(query.from, timeZone) : undefined,
      before: query.to ? dayStartMs(query.to, timeZone, 1) : undefined,
    });
  }
}
