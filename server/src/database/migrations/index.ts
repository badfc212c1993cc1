import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { PointsLedger1764000000100 } from './1764000000100-points-ledger';
import { StaffSessionsAndRateLimits1795381355007 } from './1795381355007-staff-sessions-and-rate-limits';
import { Checkout1795390000000 } from './1795390000000-checkout';
import { Membership1795400000000 } from './1795400000000-membership';
import { Gifts1795410000000 } from './1795410000000-gifts';
import { Coupons1795420000000 } from './1795420000000-coupons';
import { LotExpiryKeyset1795430000000 } from './1795430000000-lot-expiry-keyset';
import { StaffDemo1795441000000 } from './1795441000000-staff-demo';
import { MemberSessions1795442000000 } from './1795442000000-member-sessions';
import { MoneyColumnsBigint1795443000000 } from './1795443000000-money-columns-bigint';
import { StaffSessionVersion1795444000000 } from './1795444000000-staff-session-version';
import { ProgramVersions1795455000000 } from './1795455000000-program-versions';
import { MemberSearch1795456000000 } from './1795456000000-member-search';
import { MemberLastPurchaseIndex1795464000000 } from './1795464000000-member-last-purchase-index';
import { ActivitySignupsByActivity1795465000000 } from './1795465000000-activity-signups-by-activity';
import { StatsIndexes1795470000000 } from './1795470000000-stats-indexes';
import { CampaignBudgetSpends1795480000000 } from './1795480000000-campaign-budget-spends';

/** Every migration, oldest first. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  PointsLedger1764000000100,
  StaffSessionsAndRateLimits1795381355007,
  Checkout1795390000000,
  Membership1795400000000,
  Gifts1795410000000,
  Coupons1795420000000,
  LotExpiryKeyset1795430000000,
  StaffDemo1795441000000,
  MemberSessions1795442000000,
  MoneyColumnsBigint1795443000000,
  StaffSessionVersion1795444000000,
  ProgramVersions1795455000000,
  MemberSearch1795456000000,
  MemberLastPurchaseIndex1795464000000,
  ActivitySignupsByActivity1795465000000,
  StatsIndexes1795470000000,
  CampaignBudgetSpends1795480000000,
];
