import type { PricedLine, PricingResult } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error';
import { onUniqueViolation } from '../../database/unique-violation';
import { newId } from '../../common/ids';
import { defer, execute, select, Transactions } from '../../common/transactions';

export interface MemberAtTill {
  id: string;
  name: string;
  birthday: string | null;
  tierCode: string;
  tierSince: number | null;
  tierManualUntil: number | null;
  cardValidUntil: number | null;
  balanceFen: number;
  /** The points balance; with `lock`, the member row is locked until the transaction ends, so it stays this. */
  pointsBalance: number;
  /** A referral waits for this member's first paid purchase (read with the member: no round trip of its own). */
  referralOpen: boolean;
}

export interface PurchaseRow {
  id: string;
  storeId: string;
  receiptNo: string;
  memberId: string;
  paidFen: number;
  refundedFen: number;
  /** What refunds paid back of `paidFen` so far. */
  refundedPaidFen: number;
  pointsEarned: number;
  pointsSpent: number;
  earnPostingId: string | null;
  spendPostingId: string | null;
  tierBefore: string;
  tierAfter: string;
  status: 'completed' | 'partially_refunded' | 'refunded';
  grossFen: number;
  discountFen: number;
  couponFen: number;
  pointsCashFen: number;
  balancePaidFen: number;
  payableFen: number;
  createdAt: number;
}

export interface PurchaseLineRow {
  id: string;
  lineNo: number;
  sku: string;
  name: string;
  quantity: number;
  refundedQuantity: number;
  paidFen: number;
  balancePaidFen: number;
  /** The member discount the line had (its share of the purchase's). */
  discountFen: number;
  pointsEarned: number;
  pointsSpent: number;
}

const n = (value: unknown) => Number(value);

const PURCHASE_COLUMNS = `id, store_id, receipt_no, member_id, paid_fen, refunded_fen, refunded_paid_fen, points_earned, points_spent, earn_posting_id,
  spend_posting_id, tier_before, tier_after, status, gross_fen, discount_fen, coupon_fen, points_cash_fen, balance_paid_fen,
  payable_fen, created_at`;

/** A purchase row's totals, as the API answers them. */
function totalsOf(r: Record<string, unknown>) {
  return {
    grossFen: n(r.gross_fen),
    discountFen: n(r.discount_fen),
    couponFen: n(r.coupon_fen),
    pointsCashFen: n(r.points_cash_fen),
    balancePaidFen: n(r.balance_paid_fen),
    payableFen: n(r.payable_fen),
  };
}

function toPurchase(r: Record<string, unknown>): PurchaseRow {
  return {
    id: String(r.id),
    storeId: String(r.store_id),
    receiptNo: String(r.receipt_no),
    memberId: String(r.member_id),
    paidFen: n(r.paid_fen),
    refundedFen: n(r.refunded_fen),
    refundedPaidFen: n(r.refunded_paid_fen),
    pointsEarned: n(r.points_earned),
    pointsSpent: n(r.points_spent),
    earnPostingId: (r.earn_posting_id as string | null) ?? null,
    spendPostingId: (r.spend_posting_id as string | null) ?? null,
    tierBefore: String(r.tier_before),
    tierAfter: String(r.tier_after),
    status: r.status as PurchaseRow['status'],
    ...totalsOf(r),
    createdAt: n(r.created_at),
  };
}

/** A purchase in the member's history: its store's name and its lines with it. */
export interface MemberPurchase {
  id: string;
  storeId: string;
  storeName: string;
  receiptNo: string;
  totals: Pick<
    PurchaseRow,
    'grossFen' | 'discountFen' | 'couponFen' | 'pointsCashFen' | 'balancePaidFen' | 'payableFen'
  >;
  pointsEarned: number;
  pointsSpent: number;
  refundedFen: number;
  status: PurchaseRow['status'];
  createdAt: number;
  lines: { sku: string; name: string; quantity: number; refundedQuantity: number; paidFen: number }[];
}

/** The checkout's SQL: purchases, their lines and refunds. */
@Injectable()
export class CheckoutRepository {
  constructor(
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  private get forUpdate(): string {
    // SQLite transactions hold the database's single write lock already.
    return this.transactions.dialect === 'mysql' ? ' FOR UPDATE' : '';
  }

  /**
   * The member at the till. With `lock` (a purchase), the member row stays locked until the transaction ends
   * (MySQL: `FOR UPDATE`, which locks the member row only, not the referrals the subquery reads; SQLite's
   * transactions hold the database's one write lock already): the balances read stay the balances.
   */
  async memberAtTill(tx: EntityManager, memberId: string, { lock = false } = {}): Promise<MemberAtTill> {
    const rows = await select<Record<string, unknown>>(
      tx,
      `SELECT id, name, birthday, tier_code, tier_since, tier_manual_until, card_valid_until, balance_fen,
         points_balance,
         EXISTS (SELECT 1 FROM referrals r WHERE r.invitee_id = members.id AND r.state = 'pending'
                 AND r.qualifying_purchase_id IS NULL) AS referral_open
       FROM members WHERE id = ? AND status = 'active'${lock && this.transactions.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
      [memberId],
    );
    const r = rows[0];
    if (!r) throw new AppError('CARD_NOT_FOUND', 'no active member for this checkout');
    return {
      id: String(r.id),
      name: String(r.name),
      birthday: (r.birthday as string | null) ?? null,
      tierCode: String(r.tier_code),
      tierSince: r.tier_since === null ? null : n(r.tier_since),
      tierManualUntil: r.tier_manual_until === null ? null : n(r.tier_manual_until),
      cardValidUntil: r.card_valid_until === null ? null : n(r.card_valid_until),
      balanceFen: n(r.balance_fen),
      pointsBalance: n(r.points_balance),
      referralOpen: n(r.referral_open) === 1,
    };
  }

  async storeExists(tx: EntityManager, storeId: string): Promise<boolean> {
    return (await select(tx, 'SELECT id FROM stores WHERE id = ? AND active = 1', [storeId])).length === 1;
  }

  /** Points the member earned today (for the daily cap). */
  async earnedSince(tx: EntityManager, memberId: string, from: number): Promise<number> {
    const rows = await select<{ total: number | string | null }>(
      tx,
      'SELECT COALESCE(SUM(points_earned), 0) AS total FROM purchases WHERE member_id = ? AND created_at >= ?',
      [memberId, from],
    );
    return n(rows[0]?.total ?? 0);
  }

  async insertPurchase(
    tx: EntityManager,
    p: {
      id: string;
      storeId: string;
      receiptNo: string;
      memberId: string;
      staffId: string;
      pricing: PricingResult;
      tierBefore: string;
      cardCodeHash: string | null;
      /** The ids the ledger will give the purchase's postings (made beforehand, so written here). */
      postings: { earn: string | null; spend: string | null };
      now: number;
    },
  ): Promise<void> {
    const t = p.pricing.totals;
    await defer(
      tx,
      `INSERT INTO purchases (id, store_id, receipt_no, member_id, staff_id, gross_fen, discount_fen, coupon_fen, points_cash_fen,
         balance_paid_fen, payable_fen, paid_fen, refunded_paid_fen, refunded_fen, points_earned, points_spent, discount_source,
         campaign_id, earn_posting_id, spend_posting_id, tier_before, tier_after, card_code_hash, status, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'completed', ?)`,
      [
        p.id,
        p.storeId,
        p.receiptNo,
        p.memberId,
        p.staffId,
        t.grossFen,
        t.discountFen,
        t.couponFen,
        t.pointsCashFen,
        t.balancePaidFen,
        t.payableFen,
        p.pricing.paidFen,
        p.pricing.pointsEarned,
        p.pricing.pointsSpent,
        p.pricing.discount.source,
        p.pricing.discount.campaignId,
        p.postings.earn,
        p.postings.spend,
        p.tierBefore,
        p.tierBefore,
        p.cardCodeHash,
        p.now,
      ],
      {
        onError: onUniqueViolation(
          () => new AppError('DUPLICATE_RECEIPT', `receipt ${p.receiptNo} was already posted at this store`),
        ),
      },
    );
  }

  async insertLines(
    tx: EntityManager,
    purchaseId: string,
    lines: PricedLine[],
    pointsSpentByLine: number[],
  ): Promise<void> {
    const values = lines.map((line, i) => [
      newId(),
      purchaseId,
      i + 1,
      line.sku,
      line.name,
      line.category,
      line.unitPriceFen,
      line.quantity,
      line.pointsEligible ? 1 : 0,
      line.grossFen,
      line.discountFen,
      line.couponFen,
      line.pointsCashFen,
      pointsSpentByLine[i] ?? 0,
      line.balancePaidFen,
      line.paidFen,
      line.pointsEarned,
    ]);
    await defer(
      tx,
      `INSERT INTO purchase_lines (id, purchase_id, line_no, sku, name, category, unit_price_fen, quantity, points_eligible, gross_fen,
         discount_fen, coupon_fen, points_cash_fen, points_spent, balance_paid_fen, paid_fen, points_earned, refunded_quantity)
       VALUES ${values.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)').join(', ')}`,
      values.flat(),
    );
  }

  /** The tier the purchase lifted the member to (written with the purchase as the tier before it). */
  async setTierAfter(tx: EntityManager, id: string, tierAfter: string): Promise<void> {
    await execute(tx, 'UPDATE purchases SET tier_after = ? WHERE id = ?', [tierAfter, id]);
  }

  async takeBalance(tx: EntityManager, memberId: string, fen: number, now: number): Promise<boolean> {
    if (fen === 0) return true;
    const changed = await execute(
      tx,
      'UPDATE members SET balance_fen = balance_fen - ?, updated_at = ? WHERE id = ? AND balance_fen >= ?',
      [fen, now, memberId, fen],
    );
    return changed === 1;
  }

  async returnBalance(tx: EntityManager, memberId: string, fen: number, now: number): Promise<void> {
    if (fen === 0) return;
    await execute(tx, 'UPDATE members SET balance_fen = balance_fen + ?, updated_at = ? WHERE id = ?', [
      fen,
      now,
      memberId,
    ]);
  }

  /** Extends the card's validity on a purchase (DOMAIN §2): never shortens it. */
  async extendCard(tx: EntityManager, memberId: string, until: number, now: number): Promise<void> {
    await defer(
      tx,
      'UPDATE members SET card_valid_until = ?, updated_at = ? WHERE id = ? AND (card_valid_until IS NULL OR card_valid_until < ?)',
      [until, now, memberId, until],
    );
  }

  /**
   * With `lock` (a refund), the purchase row stays locked until the transaction ends (MySQL: `FOR UPDATE`;
   * SQLite's transactions hold the one write lock already): refunds of one purchase take turns, each reading
   * what the ones before it committed.
   */
  async purchase(tx: EntityManager, id: string, { lock = false } = {}): Promise<PurchaseRow | null> {
    const rows = await select<Record<string, unknown>>(
      tx,
      `SELECT ${PURCHASE_COLUMNS} FROM purchases WHERE id = ?${lock && this.transactions.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toPurchase(rows[0]) : null;
  }

  async purchaseByReceipt(tx: EntityManager, storeId: string, receiptNo: string): Promise<PurchaseRow | null> {
    const rows = await select<Record<string, unknown>>(
      tx,
      `SELECT ${PURCHASE_COLUMNS} FROM purchases WHERE store_id = ? AND receipt_no = ?`,
      [storeId, receiptNo],
    );
    return rows[0] ? toPurchase(rows[0]) : null;
  }

  /** The purchase's lines; with `lock` (a refund), a locking read of them as committed (MySQL: `FOR UPDATE`). */
  async lines(tx: EntityManager, purchaseId: string, { lock = false } = {}): Promise<PurchaseLineRow[]> {
    const rows = await select<Record<string, unknown>>(
      tx,
      `SELECT id, line_no, sku, name, quantity, refunded_quantity, paid_fen, balance_paid_fen, discount_fen, points_earned,
         points_spent
       FROM purchase_lines WHERE purchase_id = ? ORDER BY line_no${lock ? this.forUpdate : ''}`,
      [purchaseId],
    );
    return rows.map((r) => ({
      id: String(r.id),
      lineNo: n(r.line_no),
      sku: String(r.sku),
      name: String(r.name),
      quantity: n(r.quantity),
      refundedQuantity: n(r.refunded_quantity),
      paidFen: n(r.paid_fen),
      balancePaidFen: n(r.balance_paid_fen),
      discountFen: n(r.discount_fen),
      pointsEarned: n(r.points_earned),
      pointsSpent: n(r.points_spent),
    }));
  }

  /**
   * Counts `quantity` more units of a line as refunded, only if that stays within what was bought: the
   * check is the UPDATE's own condition, so concurrent refunds can never refund more than the purchase.
   * Returns the units refunded before this one, read under the row lock the UPDATE took.
   */
  async refundUnits(tx: EntityManager, lineId: string, quantity: number): Promise<number | null> {
    const changed = await execute(
      tx,
      'UPDATE purchase_lines SET refunded_quantity = refunded_quantity + ? WHERE id = ? AND refunded_quantity + ? <= quantity',
      [quantity, lineId, quantity],
    );
    if (changed !== 1) return null;
    const rows = await select<{ refunded_quantity: number | string }>(
      tx,
      'SELECT refunded_quantity FROM purchase_lines WHERE id = ?',
      [lineId],
    );
    return n(rows[0]?.refunded_quantity) - quantity;
  }

  /**
   * Points earlier refunds of the purchase took back. A locking read on MySQL (SQLite's transactions hold
   * the one write lock already): it sees what the refunds this one waited for committed, not an older snapshot.
   */
  async pointsReversedBefore(tx: EntityManager, purchaseId: string): Promise<number> {
    const rows = await select<{ points: number | string | null }>(
      tx,
      `SELECT COALESCE(SUM(points_reversed), 0) AS points FROM refunds WHERE purchase_id = ?${this.forUpdate}`,
      [purchaseId],
    );
    return n(rows[0]?.points ?? 0);
  }

  /**
   * Whether every unit of the purchase is refunded now, counted from the lines as committed plus this
   * transaction's own updates (a locking read on MySQL, not the snapshot an earlier plain read fixed): of
   * two concurrent refunds that together refund everything, the second one sees it.
   */
  async fullyRefunded(tx: EntityManager, purchaseId: string): Promise<boolean> {
    const rows = await select<{ open: number | string }>(
      tx,
      `SELECT COUNT(*) AS open FROM purchase_lines WHERE purchase_id = ? AND refunded_quantity < quantity${this.forUpdate}`,
      [purchaseId],
    );
    return n(rows[0]?.open) === 0;
  }

  async insertRefund(
    tx: EntityManager,
    refund: {
      id: string;
      purchaseId: string;
      staffId: string;
      approvedBy: string | null;
      refundFen: number;
      paidFen: number;
      pointsReversed: number;
      pointsRestored: number;
      balanceRestoredFen: number;
      now: number;
      lines: {
        lineId: string;
        quantity: number;
        refundFen: number;
        pointsReversed: number;
        pointsRestored: number;
        balanceRestoredFen: number;
      }[];
    },
  ): Promise<void> {
    await execute(
      tx,
      `INSERT INTO refunds (id, purchase_id, staff_id, approved_by, refund_fen, paid_fen, points_reversed, points_restored, balance_restored_fen, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        refund.id,
        refund.purchaseId,
        refund.staffId,
        refund.approvedBy,
        refund.refundFen,
        refund.paidFen,
        refund.pointsReversed,
        refund.pointsRestored,
        refund.balanceRestoredFen,
        refund.now,
      ],
    );
    await execute(
      tx,
      `INSERT INTO refund_lines (id, refund_id, line_id, quantity, refund_fen, points_reversed, points_restored, balance_restored_fen)
       VALUES ${refund.lines.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      refund.lines.flatMap((l) => [
        newId(),
        refund.id,
        l.lineId,
        l.quantity,
        l.refundFen,
        l.pointsReversed,
        l.pointsRestored,
        l.balanceRestoredFen,
      ]),
    );
  }

  async addRefunded(
    tx: EntityManager,
    purchaseId: string,
    refundFen: number,
    paidFen: number,
    fullyRefunded: boolean,
  ): Promise<void> {
    await execute(
      tx,
      'UPDATE purchases SET refunded_fen = refunded_fen + ?, refunded_paid_fen = refunded_paid_fen + ?, status = ? WHERE id = ?',
      [refundFen, paidFen, fullyRefunded ? 'refunded' : 'partially_refunded', purchaseId],
    );
  }

  /**
   * A page of the member's purchases, newest first, each with its store's name and its lines: one query,
   * outside any transaction (a history read takes no lock and waits for none).
   */
  async memberPurchasePage(memberId: string, before: string | undefined, limit: number): Promise<MemberPurchase[]> {
    const rows = await select<Record<string, unknown>>(
      this.dataSource.manager,
      `SELECT p.id, p.store_id, s.name AS store_name, p.receipt_no, p.gross_fen, p.discount_fen, p.coupon_fen,
              p.points_cash_fen, p.balance_paid_fen, p.payable_fen, p.points_earned, p.points_spent, p.refunded_fen,
              p.status, p.created_at, l.sku, l.name AS line_name, l.quantity, l.refunded_quantity, l.paid_fen AS line_paid_fen
       FROM (SELECT * FROM purchases WHERE member_id = ?${before ? ' AND id < ?' : ''}
             ORDER BY id DESC LIMIT ${Math.trunc(limit)}) p
       JOIN stores s ON s.id = p.store_id
       LEFT JOIN purchase_lines l ON l.purchase_id = p.id
       ORDER BY p.id DESC, l.line_no`,
      before ? [memberId, before] : [memberId],
    );
    const page = new Map<string, MemberPurchase>();
    for (const r of rows) {
      const id = String(r.id);
      let purchase = page.get(id);
      if (!purchase) {
        purchase = {
          id,
          storeId: String(r.store_id),
          storeName: String(r.store_name),
          receiptNo: String(r.receipt_no),
          totals: totalsOf(r),
          pointsEarned: n(r.points_earned),
          pointsSpent: n(r.points_spent),
          refundedFen: n(r.refunded_fen),
          status: r.status as PurchaseRow['status'],
          createdAt: n(r.created_at),
          lines: [],
        };
        page.set(id, purchase);
      }
      if (r.sku !== null && r.sku !== undefined) {
        purchase.lines.push({
          sku: String(r.sku),
          name: String(r.line_name),
          quantity: n(r.quantity),
          refundedQuantity: n(r.refunded_quantity),
          paidFen: n(r.line_paid_fen),
        });
      }
    }
    return [...page.values()];
  }

  async storeName(tx: EntityManager, storeId: string): Promise<string> {
    const rows = await select<{ name: string }>(tx, 'SELECT name FROM stores WHERE id = ?', [storeId]);
    return rows[0]?.name ?? '';
  }
}
