import { CreateStaffBody, routes, StaffListQuery, StoreStaffListQuery, UpdateStaffBody } from '@huika/shared';
import { Controller, Param } from '@nestjs/common';
import type { z } from 'zod';
import type { RequestAuth } from '../../common/auth.types';
import { Auth, Route, ValidBody, ValidQuery } from '../../common/route.decorators';
import { StaffService } from './staff.service';

@Controller()
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Route(routes.adminStaffList)
  list(@ValidQuery() query: z.output<typeof StaffListQuery>) {
    return this.staff.list(query);
  }

  @Route(routes.adminStaffCreate)
  create(@Auth() auth: RequestAuth, @ValidBody() body: z.output<typeof CreateStaffBody>) {
    return this.staff.create(auth, body);
  }

  @Route(routes.adminStaffUpdate)
  update(@Auth() auth: RequestAuth, @Param('id') id: string, @ValidBody() body: z.output<typeof UpdateStaffBody>) {
    return this.staff.update(auth, id, body);
  }

  @Route(routes.storeStaffList)
  listOwnStore(@Auth() auth: RequestAuth, @ValidQuery() query: z.output<typeof StoreStaffListQuery>) {
    return this.staff.listOwnStore(auth, query);
  }
}
