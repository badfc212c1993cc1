import type { StaffView } from '@huika/shared';
import type { z } from 'zod';
import type { StaffEntity } from '../../database/entities';

/** How the API and the audit log show a staff account: every field but the password hash. */
export function staffView(staff: StaffEntity): z.output<typeof StaffView> {
  return {
    id: staff.id,
    username: staff.username,
    displayName: staff.displayName,
    role: staff.role,
    storeId: staff.storeId,
    active: staff.active,
    createdAt: new Date(staff.createdAt).toISOString(),
    updatedAt: new Date(staff.updatedAt).toISOString(),
  };
}
