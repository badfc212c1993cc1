import { routes, StatsSummaryQuery } from '@huika/shared';
import { Controller } from '@nestjs/common';
import type { z } from 'zod';
import type { StaffAuth } from '../../common/auth.types';
import { Auth, Route, ValidQuery } from '../../common/route.decorators';
import { StatsService } from './stats.service';

@Controller()
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Route(routes.adminStatsSummary)
  summary(@Auth() staff: StaffAuth, @ValidQuery() query: z.output<typeof StatsSummaryQuery>) {
    return this.stats.summary(staff, query);
  }
}
