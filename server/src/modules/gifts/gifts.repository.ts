import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, MoreThan } from 'typeorm';
import { execute, select, Transactions } from '../../common/transactions';
import { GiftEntity } from '../../database/entities';
import { isUniqueViolation } from '../../database/unique-violation';
import { newPickupCode } from './pickup-code';

export type RedemptionStatus = 'pending' | 'collected' | 'exchanged';

export interface RedemptionRow {
  id: string;
  giftId: string;
  giftName: string;
  memberId: string;
  memberName: string;
  quantity: number;
  pointsSpent: number;
  pickupCode: string;
  status: RedemptionStatus;
  createdAt: number;
  collectedAt: number | null;
  collectedStoreId: string | null;
  collectedBy: string | null;
  exchangedAt: number | null;
}

export interface NewRedemption {
  id: string;
  giftId: string;
  memberId: string;
  quantity: number;
  pointsPrice: number;
  pointsSpent: number;
  spendPostingId: string;
  now: number;
}

export type GiftFields = Partial<
  Pick<
    GiftEntity,
    'name' | 'description' | 'imageUrl' | 'pointsPrice' | 'perMemberLimit' | 'tiers' | 'exchangeWindow' | 'active'
  >
>;

type RedemptionSelectRow = {
  id: string;
  gift_id: string;
  gift_name: string;
  member_id: string;
  member_name: string;
  quantity: number | string;
  points_spent: number | string;
  pickup_code: string;
  status: RedemptionStatus;
  created_at: number | string;
  collected_at: number | string | null;
  collected_store_id: string | null;
  collected_by: string | null;
  exchanged_at: number | string | null;
};

const REDEMPTION_SELECT = `SELECT r.id, r.gift_id, g.name AS gift_name, r.member_id, m.name AS member_name, r.quantity, r.points_spent,
    r.pickup_code, r.status, r.created_at, r.collected_at, r.collected_store_id, r.collected_by, r.exchanged_at
  FROM gift_redemptions r JOIN gifts g ON g.id = r.gift_id JOIN members m ON m.id = r.member_id`;

const orNull = (value: number | string | null) => (value === null ? null : Number(value));

function toRedemption(r: RedemptionSelectRow): RedemptionRow {
  return {
    id: r.id,
    giftId: r.gift_id,
    giftName: r.gift_name,
    memberId: r.member_id,
    memberName: r.member_name,
    quantity: Number(r.quantity),
    pointsSpent: Number(r.points_spent),
    pickupCode: r.pickup_code,
    status: r.status,
    createdAt: Number(r.created_at),
    collectedAt: orNull(r.collected_at),
    collectedStoreId: r.collected_store_id,
    collectedBy: r.collected_by,
    exchangedAt: orNull(r.exchanged_at),
  };
}

/** Attempts at a fresh pickup code before giving up: with 50 random bits a second one is already rare. */
const PICKUP_CODE_ATTEMPTS = 5;

/** The SQL of gifts, redemptions, pickups and exchanges. Stock and counts change only by conditional UPDATEs. */
@Injectable()
export class GiftsRepository {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Transactions) private readonly transactions: Transactions,
  ) {}

  private get forUpdate(): string {
    // SQLite transactions hold the database's single write lock already.
    return this.transactions.dialect === 'mysql' ? ' FOR UPDATE' : '';
  }

  async gift(manager: EntityManager, id: string): Promise<GiftEntity | null> {
    return manager.getRepository(GiftEntity).findOneBy({ id });
  }

  /** Locks a gift's row for a configuration change; false when there is none. */
  async lockGift(tx: EntityManager, id: string): Promise<boolean> {
    return (await select(tx, `SELECT id FROM gifts WHERE id = ?${this.forUpdate}`, [id])).length > 0;
  }

  /** Gifts in creation order after the cursor (a gift id). */
  async gifts(after: string | undefined, limit: number, activeOnly: boolean): Promise<GiftEntity[]> {
    return this.dataSource.getRepository(GiftEntity).find({
      where: { ...(after ? { id: MoreThan(after.toUpperCase()) } : {}), ...(activeOnly ? { active: true } : {}) },
      order: { id: 'ASC' },
      take: limit,
    });
  }

  async insertGift(tx: EntityManager, gift: GiftEntity): Promise<void> {
    await tx.getRepository(GiftEntity).insert(gift);
  }

  async updateGift(tx: EntityManager, id: string, fields: GiftFields, now: number): Promise<void> {
    await tx.getRepository(GiftEntity).update({ id }, { ...fields, updatedAt: now });
  }

  /** Adds `delta` to the stock unless that would take it below zero; returns the new stock, or null if refused. */
  async adjustStock(tx: EntityManager, id: string, delta: number, now: number): Promise<number | null> {
    const changed = await execute(
      tx,
      'UPDATE gifts SET stock = stock + ?, updated_at = ? WHERE id = ? AND stock + ? >= 0',
      [delta, now, id, delta],
    );
    if (changed !== 1) return null;
    const rows = await select<{ stock: number | string }>(tx, 'SELECT stock FROM gifts WHERE id = ?', [id]);
    return Number(rows[0]?.stock ?? 0);
  }

  /** Takes `quantity` from the stock if it holds that many: the statement that settles who gets the last one. */
  async takeStock(tx: EntityManager, id: string, quantity: number): Promise<boolean> {
    return (
      (await execute(tx, 'UPDATE gifts SET stock = stock - ? WHERE id = ? AND stock >= ?', [
        quantity,
        id,
        quantity,
      ])) === 1
    );
  }

  /**
   * The redeeming member's tier and balance, with the member's row locked: every redemption of one member
   * queues here, before it touches that member's count or points.
   */
  async lockMember(tx: EntityManager, memberId: string): Promise<{ tierCode: string; balance: number } | null> {
    const rows = await select<{ tier_code: string; points_balance: number | string }>(
      tx,
      `SELECT tier_code, points_balance FROM members WHERE id = ? AND status = 'active'${this.forUpdate}`,
      [memberId],
    );
    const row = rows[0];
    return row ? { tierCode: row.tier_code, balance: Number(row.points_balance) } : null;
  }

  async member(memberId: string): Promise<{ tierCode: string; balance: number } | null> {
    const rows = (await this.dataSource.query(
      "SELECT tier_code, points_balance FROM members WHERE id = ? AND status = 'active'",
      [memberId],
    )) as {
      tier_code: string;
      points_balance: number | string;
    }[];
    const row = rows[0];
    return row ? { tierCode: row.tier_code, balance: Number(row.points_balance) } : null;
  }

  /**
   * Counts `quantity` more of a gift against the member: refused (false) when that would pass the limit.
   * The count is kept whether or not the gift has a limit, so a limit set later counts what came before.
   */
  async countRedeemed(
    tx: EntityManager,
    giftId: string,
    memberId: string,
    quantity: number,
    limit: number | null,
    now: number,
  ): Promise<boolean> {
    const verb = this.transactions.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    await execute(
      tx,
      `${verb} INTO gift_member_counts (gift_id, member_id, redeemed, updated_at) VALUES (?, ?, 0, ?)`,
      [giftId, memberId, now],
    );
    const changed =
      limit === null
        ? await execute(
            tx,
            'UPDATE gift_member_counts SET redeemed = redeemed + ?, updated_at = ? WHERE gift_id = ? AND member_id = ?',
            [quantity, now, giftId, memberId],
          )
        : await execute(
            tx,
            'UPDATE gift_member_counts SET redeemed = redeemed + ?, updated_at = ? WHERE gift_id = ? AND member_id = ? AND redeemed + ? <= ?',
            [quantity, now, giftId, memberId, quantity, limit],
          );
    return changed === 1;
  }

  /** How many of each gift the member has redeemed. */
  async redeemedCounts(memberId: string, giftIds: string[]): Promise<Map<string, number>> {
    if (giftIds.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT gift_id, redeemed FROM gift_member_counts WHERE member_id = ? AND gift_id IN (${giftIds.map(() => '?').join(', ')})`,
      [memberId, ...giftIds],
    )) as { gift_id: string; redeemed: number | string }[];
    return new Map(rows.map((r) => [r.gift_id, Number(r.redeemed)]));
  }

  /** Inserts the redemption with a fresh pickup code and returns the code. */
  async insertRedemption(tx: EntityManager, r: NewRedemption): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      const pickupCode = newPickupCode();
      try {
        await execute(
          tx,
          `INSERT INTO gift_redemptions (id, gift_id, member_id, quantity, points_price, points_spent, pickup_code, status, spend_posting_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
          [r.id, r.giftId, r.memberId, r.quantity, r.pointsPrice, r.pointsSpent, pickupCode, r.spendPostingId, r.now],
        );
        return pickupCode;
      } catch (error) {
        // Only the pickup code can collide (the id is new); a failed INSERT leaves the transaction usable.
        if (!isUniqueViolation(error) || attempt >= PICKUP_CODE_ATTEMPTS) throw error;
      }
    }
  }

  async redemption(manager: EntityManager, id: string): Promise<RedemptionRow | null> {
    const rows = await select<RedemptionSelectRow>(manager, `${REDEMPTION_SELECT} WHERE r.id = ?`, [id]);
    return rows[0] ? toRedemption(rows[0]) : null;
  }

  async redemptionByCode(code: string): Promise<RedemptionRow | null> {
    const rows = await select<RedemptionSelectRow>(
      this.dataSource.manager,
      `${REDEMPTION_SELECT} WHERE r.pickup_code = ?`,
      [code],
    );
    return rows[0] ? toRedemption(rows[0]) : null;
  }

  /** One of the member's redemptions; another member's is as good as absent. */
  async redemptionOfMember(memberId: string, id: string): Promise<RedemptionRow | null> {
    const rows = await select<RedemptionSelectRow>(
      this.dataSource.manager,
      `${REDEMPTION_SELECT} WHERE r.id = ? AND r.member_id = ?`,
      [id, memberId],
    );
    return rows[0] ? toRedemption(rows[0]) : null;
  }

  /** The member's redemptions, newest first, before the cursor (a redemption id; ULIDs sort by time). */
  async redemptionsOfMember(memberId: string, before: string | undefined, limit: number): Promise<RedemptionRow[]> {
    const rows = await select<RedemptionSelectRow>(
      this.dataSource.manager,
      `${REDEMPTION_SELECT} WHERE r.member_id = ?${before ? ' AND r.id < ?' : ''} ORDER BY r.id DESC LIMIT ${Math.trunc(limit)}`,
      before ? [memberId, before.toUpperCase()] : [memberId],
    );
    return rows.map(toRedemption);
  }

  /** Pending to collected, once: the second verification of a code changes nothing. */
  async markCollected(
    tx: EntityManager,
    id: string,
    storeId: string | null,
    staffId: string,
    now: number,
  ): Promise<boolean> {
    const changed = await execute(
      tx,
      "UPDATE gift_redemptions SET status = 'collected', collected_at = ?, collected_store_id = ?, collected_by = ? WHERE id = ? AND status = 'pending'",
      [now, storeId, staffId, id],
    );
    return changed === 1;
  }

  /**
   * Collected to exchanged, once, and only if it was collected at or after `collectedSince` — and, unless
   * `collectedStoreId` is null (any store), at that store.
   */
  async markExchanged(
    tx: EntityManager,
    id: string,
    collectedSince: number,
    collectedStoreId: string | null,
    now: number,
  ): Promise<boolean> {
    const changed = await execute(
      tx,
      `UPDATE gift_redemptions SET status = 'exchanged', exchanged_at = ? WHERE id = ? AND status = 'collected' AND collected_at >= ?${collectedStoreId === null ? '' : ' AND collected_store_id = ?'}`,
      collectedStoreId === null ? [now, id, collectedSince] : [now, id, collectedSince, collectedStoreId],
    );
    return changed === 1;
  }

  async insertExchange(
    tx: EntityManager,
    exchange: {
      id: string;
      redemptionId: string;
      staffId: string;
      storeId: string | null;
      reason: string;
      now: number;
    },
  ): Promise<void> {
    await execute(
      tx,
      'INSERT INTO gift_exchanges (id, redemption_id, staff_id, store_id, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [exchange.id, exchange.redemptionId, exchange.staffId, exchange.storeId, exchange.reason, exchange.now],
    );
  }
}
