import { AuditLogQuery, routes } from '@huika/shared';
import { Controller } from '@nestjs/common';
import type { z } from 'zod';
import { Route, ValidQuery } from '../../common/route.decorators';
import { AuditService } from './audit.service';

@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Route(routes.adminAuditLog)
  list(@ValidQuery() query: z.output<typeof AuditLogQuery>) {
    return this.audit.list(query);
  }
}
