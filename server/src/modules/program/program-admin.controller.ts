import { type ProgramPreviewBody, type ProgramVersionsQuery, routes, type UpdateProgramBody } from '@huika/shared';
import { Controller, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { StaffAuth } from '../../common/auth.types';
import { Auth, IfMatch, Route, ValidBody, ValidQuery } from '../../common/route.decorators';
import { ProgramAdminService } from './program-admin.service';

/** The version is the ETag: a change sends it back in If-Match. */
const etag = (version: number) => `"${version}"`;

/** Headquarters' program editor. */
@Controller()
export class ProgramAdminController {
  constructor(private readonly programs: ProgramAdminService) {}

  @Route(routes.adminProgram)
  async view(@Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.programs.view();
    reply.header('etag', etag(view.version));
    return view;
  }

  @Route(routes.adminProgramUpdate)
  async update(
    @Auth() staff: StaffAuth,
    @IfMatch() ifMatch: string | undefined,
    @ValidBody() body: z.output<typeof UpdateProgramBody>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.programs.update(staff, ifMatch, body);
    reply.header('etag', etag(result.version));
    return result;
  }

  @Route(routes.adminProgramVersions)
  versions(@ValidQuery() query: z.output<typeof ProgramVersionsQuery>) {
    return this.programs.versions(query);
  }

  @Route(routes.adminProgramPreview)
  preview(@ValidBody() body: z.output<typeof ProgramPreviewBody>) {
    return this.programs.preview(body);
  }
}
