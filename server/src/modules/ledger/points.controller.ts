import { ExpirePointsBody, PointsAdjustmentBody, routes } from '@huika/shared';
import { Controller, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { sendIdempotent } from '../../common/idempotent-reply';
import { Auth, IdempotencyKey, Route, ValidBody } from '../../common/route.decorators';
import { PointsService } from './points.service';

@Controller()
export class PointsController {
  constructor(
    private readonly points: PointsService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Route(routes.adjustPoints)
  async adjust(
    @Auth() staff: StaffAuth,
    @Param('id') memberId: string,
    @IdempotencyKey() key: string | undefined,
    @ValidBody() body: z.output<typeof PointsAdjustmentBody>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendIdempotent(reply, await this.points.adjust(staff, memberId, key, body));
  }

  @Route(routes.devExpirePoints)
  async expire(@ValidBody() body: z.output<typeof ExpirePointsBody>) {
    const asOf = body.asOf ? Date.parse(body.asOf) : this.clock.now();
    const result = await this.points.expireAll(asOf);
    return { asOf: new Date(asOf).toISOString(), ...result };
  }
}
