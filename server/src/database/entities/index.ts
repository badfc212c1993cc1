import { AppSettingEntity } from './app-setting.entity';
import { AuditLogEntity } from './audit-log.entity';
import { GiftEntity } from './gift.entity';
import { MemberEntity } from './member.entity';
import { ProgramConfigEntity } from './program-config.entity';
import { StaffEntity } from './staff.entity';
import { StoreEntity } from './store.entity';

export { AppSettingEntity, AuditLogEntity, GiftEntity, MemberEntity, ProgramConfigEntity, StaffEntity, StoreEntity };

export const ENTITIES = [
  AppSettingEntity,
  AuditLogEntity,
  GiftEntity,
  MemberEntity,
  ProgramConfigEntity,
  StaffEntity,
  StoreEntity,
];
