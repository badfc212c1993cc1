import { CreateStoreBody, routes, StoreListQuery, UpdateStoreBody } from '@huika/shared';
import { Controller, Param } from '@nestjs/common';
import type { z } from 'zod';
import type { RequestAuth } from '../../common/auth.types';
import { Auth, Route, ValidBody, ValidQuery } from '../../common/route.decorators';
import { StoresService } from './stores.service';

@Controller()
export class StoresController {
  constructor(private readonly stores: StoresService) {}

  @Route(routes.adminStoresList)
  list(@ValidQuery() query: z.output<typeof StoreListQuery>) {
    return this.stores.list(query);
  }

  @Route(routes.adminStoresCreate)
  create(@Auth() auth: RequestAuth, @ValidBody() body: z.output<typeof CreateStoreBody>) {
    return this.stores.create(auth, body);
  }

  @Route(routes.adminStoresUpdate)
  update(@Auth() auth: RequestAuth, @Param('id') id: string, @ValidBody() body: z.output<typeof UpdateStoreBody>) {
    return this.stores.update(auth, id, body);
  }
}
