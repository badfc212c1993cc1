import { AppSettingEntity } from './app-setting.entity';
import { AuditLogEntity } from './audit-log.entity';
import { GiftEntity } from './gift.entity';
import { MemberEntity } from './member.entity';
import { MemberRefreshTokenEntity } from './member-refresh-token.entity';
import { MemberSessionEntity } from './member-session.entity';
import { ProgramConfigEntity } from './program-config.entity';
import { ProgramVersionEntity } from './program-version.entity';
import { RateLimitCounterEntity } from './rate-limit-counter.entity';
import { StaffEntity } from './staff.entity';
import { StaffRefreshTokenEntity } from './staff-refresh-token.entity';
import { StoreEntity } from './store.entity';

export {
  AppSettingEntity,
  AuditLogEntity,
  GiftEntity,
  MemberEntity,
  MemberRefreshTokenEntity,
  MemberSessionEntity,
  ProgramConfigEntity,
  ProgramVersionEntity,
  RateLimitCounterEntity,
  StaffEntity,
  StaffRefreshTokenEntity,
  StoreEntity,
};

export const ENTITIES = [
  AppSettingEntity,
  AuditLogEntity,
  GiftEntity,
  MemberEntity,
  MemberRefreshTokenEntity,
  MemberSessionEntity,
  ProgramConfigEntity,
  ProgramVersionEntity,
  RateLimitCounterEntity,
  StaffEntity,
  StaffRefreshTokenEntity,
  StoreEntity,
];
