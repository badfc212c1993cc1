import type { AdminMemberList, AdminMembersQuery } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { StaffAuth } from '../../common/auth.types';
import { dayStartMs } from '../../common/time-zone';
import { PhoneVault } from '../identity/phone-vault';
import { ProgramService } from '../program/program.service';
import { tierOf } from '../tiers/tier.service';
import { MembersRepository } from './members.repository';
import { searchTermOf } from './search-term';

type Query = z.output<typeof AdminMembersQuery>;

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

/** The opaque cursor: the sort key (join or last-purchase time) and id of the page's last member, base64url-encoded. */
function encodeCursor(key: number, id: string): string {
  return Buffer.from(`${key}.${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { key: number; id: string } {
  const match = /^(\d{1,15})\.([0-9A-Za-z]{1,64})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) {
    throw new AppError('VALIDATION_FAILED', 'invalid query: query.cursor: not a cursor from a previous page', {
      fields: [{ path: 'query.cursor', message: 'not a cursor from a previous page' }],
    });
  }
  return { key: Number(match[1]), id: match[2] };
}

/** Headquarters' and store managers' member search (GET /api/admin/members). */
@Injectable()
export class MemberSearchService {
  constructor(
    private readonly members: MembersRepository,
    private readonly vault: PhoneVault,
    private readonly program: ProgramService,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async search(staff: StaffAuth, query: Query): Promise<z.output<typeof AdminMemberList>> {
    const storeId = this.storeScope(staff, query.storeId);
    const program = await this.program.get(this.dataSource.manager);
    // Calendar days are the program's (DOMAIN: the brand's time zone), "to" and "before" days excluded/included as named.
    const dayStart = (day: string | undefined, plusDays = 0) =>
      day === undefined ? undefined : dayStartMs(day, program.timeZone, plusDays);
    const parsed = query.q === undefined ? undefined : searchTermOf(query.q);
    const term = parsed?.kind === 'phone' ? { ...parsed, phoneHash: await this.vault.hash(parsed.phone) } : parsed;
    const rows = await this.members.search({
      term,
      tierCode: query.tier,
      storeId,
      scene: query.scene,
      inviteCode: query.inviteCode,
      joinedFrom: dayStart(query.joinedFrom),
      joinedBefore: dayStart(query.joinedTo, 1),
      lastPurchaseFrom: dayStart(query.lastPurchaseFrom),
      lastPurchaseBefore: dayStart(query.lastPurchaseBefore),
      pointsMin: query.pointsMin,
      pointsMax: query.pointsMax,
      birthdayMonth: query.birthdayMonth,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const items = await Promise.all(
      page.map(async (row) => {
        const tier = tierOf(program, row.tier_code);
        return {
          id: row.id,
          cardNo: row.card_no,
          name: row.name,
          phoneMasked: await this.vault.masked(row.phone_enc, row.phone_last4),
          tier: { code: tier.code, name: tier.name },
          points: Number(row.points_balance),
          joinedAt: iso(row.created_at),
          lastPurchaseAt: row.last_purchase_at === null ? null : iso(row.last_purchase_at),
        };
      }),
    );
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor(Number(last.sort_key), last.id) : null,
    };
  }

  /** A store manager sees the members who joined at their store, and only those (DOMAIN §12). */
  private storeScope(staff: StaffAuth, requested: string | undefined): string | undefined {
    if (staff.role === 'admin') return requested;
    if (!staff.storeId || (requested !== undefined && requested !== staff.storeId)) {
      throw new AppError('FORBIDDEN', "a store manager sees only their own store's members");
    }
    return staff.storeId;
  }
}
