import { CampaignBody, CampaignPatch, routes } from '@huika/shared';
import { Controller, Param } from '@nestjs/common';
import type { z } from 'zod';
import type { StaffAuth } from '../../common/auth.types';
import { Auth, Route, ValidBody } from '../../common/route.decorators';
import { CampaignsService } from './campaigns.service';

@Controller()
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Route(routes.listCampaigns)
  list() {
    return this.campaigns.list();
  }

  @Route(routes.createCampaign)
  create(@Auth() staff: StaffAuth, @ValidBody() body: z.output<typeof CampaignBody>) {
    return this.campaigns.create(staff.staffId, body);
  }

  @Route(routes.updateCampaign)
  update(@Auth() staff: StaffAuth, @Param('id') id: string, @ValidBody() body: z.output<typeof CampaignPatch>) {
    return this.campaigns.update(staff.staffId, id, body);
  }
}
