import { routes, sortedLadder } from '@huika/shared';
import { Controller } from '@nestjs/common';
import { Route } from '../../common/route.decorators';
import { ProgramService } from './program.service';

/** The rules a member may read: shown on the tier benefits table and the points pages. */
@Controller()
export class ProgramController {
  constructor(private readonly program: ProgramService) {}

  @Route(routes.program)
  async summary() {
    const program = await this.program.get();
    return {
      name: program.name,
      timeZone: program.timeZone,
      tiers: sortedLadder(program).map((t) => ({
        code: t.code,
        name: t.name,
        rank: t.rank,
        discountPercent: t.discountPercent,
        pointsMultiplier: t.pointsMultiplier,
        birthdayMultiplier: t.birthdayMultiplier,
        everyDayMemberDay: t.everyDayMemberDay,
        singlePurchaseFen: t.singlePurchaseFen,
        windowSpendFen: t.windowSpendFen,
      })),
      tierMeasure: program.tiers.measure,
      tierWindowDays: program.tiers.windowDays,
      earning: { pointsPerYuan: program.earning.pointsPerYuan },
      pointsAsCash: program.pointsAsCash,
      memberDays: program.memberDays,
      expiry: program.expiry,
    };
  }
}
