import { DevClockBody, DevLoginBody, routes } from '@huika/shared';
import { Controller, Inject } from '@nestjs/common';
import type { z } from 'zod';
import { Clock } from '../../common/clock';
import { Route, ValidBody } from '../../common/route.decorators';
import { DevService } from './dev.service';

/** Development-only routes (API.md): answered only with HUIKA_DEV=true, 404 otherwise (see AuthGuard). */
@Controller()
export class DevController {
  constructor(
    private readonly dev: DevService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Route(routes.devLogin)
  login(@ValidBody() body: z.output<typeof DevLoginBody>) {
    return this.dev.login(body.openid);
  }

  @Route(routes.devClockSet)
  async setClock(@ValidBody() body: z.output<typeof DevClockBody>) {
    await this.clock.setNow(Date.parse(body.now));
    return this.clockState();
  }

  @Route(routes.devClockReset)
  async resetClock() {
    await this.clock.reset();
    return this.clockState();
  }

  private clockState() {
    return { now: new Date(this.clock.now()).toISOString(), offsetMs: this.clock.currentOffsetMs() };
  }
}
