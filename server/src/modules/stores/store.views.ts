import type { StoreView } from '@huika/shared';
import type { z } from 'zod';
import type { StoreEntity } from '../../database/entities';

export function storeView(store: StoreEntity): z.output<typeof StoreView> {
  return {
    id: store.id,
    code: store.code,
    name: store.name,
    address: store.address,
    active: store.active,
    createdAt: new Date(store.createdAt).toISOString(),
  };
}
