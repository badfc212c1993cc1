import type { CouponKind, CouponStatus } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { execute, select, Transactions } from '../../common/transactions';
import type { CouponTerms } from './coupon-engine';

export interface TemplateRow {
  id: string;
  name: string;
  kind: CouponKind;
  valueFen: number | null;
  percent: number | null;
  maxDiscountFen: number | null;
  minSpendFen: number;
  sku: string | null;
  categories: string[] | null;
  storeIds: string[] | null;
  validFrom: number | null;
  validTo: number | null;
  validDays: number | null;
  totalQuota: number | null;
  issuedCount: number;
  perMemberLimit: number;
  stackable: boolean;
  active: boolean;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The fields of a template that headquarters may change. */
export type TemplateFields = Omit<TemplateRow, 'id' | 'kind' | 'issuedCount' | 'createdBy' | 'createdAt' | 'updatedAt'>;

export interface CouponRow extends CouponTerms {
  templateId: string;
  memberId: string;
  triggerKind: string;
  purchaseId: string | null;
  usedAt: number | null;
  discountFen: number | null;
  issuedAt: number;
}

export interface NewCoupon {
  id: string;
  templateId: string;
  memberId: string;
  triggerKind: string;
  triggerKey: string;
  validFrom: number;
  validTo: number;
  now: number;
}

type Raw = Record<string, unknown>;

const num = (value: unknown) => Number(value);
const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const strOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));
const bool = (value: unknown) => Boolean(Number(value));
const json = (value: unknown) =>
  value === null || value === undefined ? null : (JSON.parse(String(value)) as string[]);
const toJson = (value: string[] | null) => (value === null ? null : JSON.stringify(value));
const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

const TEMPLATE_COLUMNS = `id, name, kind, value_fen, percent, max_discount_fen, min_spend_fen, sku, categories, store_ids,
  valid_from, valid_to, valid_days, total_quota, issued_count, per_member_limit, stackable, active, created_by, created_at, updated_at`;

function toTemplate(r: Raw): TemplateRow {
  return {
    id: String(r.id),
    name: String(r.name),
    kind: r.kind as CouponKind,
    valueFen: numOrNull(r.value_fen),
    percent: numOrNull(r.percent),
    maxDiscountFen: numOrNull(r.max_discount_fen),
    minSpendFen: num(r.min_spend_fen),
    sku: strOrNull(r.sku),
    categories: json(r.categories),
    storeIds: json(r.store_ids),
    validFrom: numOrNull(r.valid_from),
    validTo: numOrNull(r.valid_to),
    validDays: numOrNull(r.valid_days),
    totalQuota: numOrNull(r.total_quota),
    issuedCount: num(r.issued_count),
    perMemberLimit: num(r.per_member_limit),
    stackable: bool(r.stackable),
    active: bool(r.active),
    createdBy: strOrNull(r.created_by),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

const COUPON_COLUMNS = `id, template_id, member_id, trigger_kind, name, kind, value_fen, percent, max_discount_fen, min_spend_fen,
  sku, categories, store_ids, stackable, valid_from, valid_to, status, purchase_id, used_at, discount_fen, issued_at`;

function toCoupon(r: Raw): CouponRow {
  return {
    id: String(r.id),
    templateId: String(r.template_id),
    memberId: String(r.member_id),
    triggerKind: String(r.trigger_kind),
    name: String(r.name),
    kind: r.kind as CouponKind,
    valueFen: numOrNull(r.value_fen),
    percent: numOrNull(r.percent),
    maxDiscountFen: numOrNull(r.max_discount_fen),
    minSpendFen: num(r.min_spend_fen),
    sku: strOrNull(r.sku),
    categories: json(r.categories),
    storeIds: json(r.store_ids),
    stackable: bool(r.stackable),
    validFrom: num(r.valid_from),
    validTo: num(r.valid_to),
    status: r.status as CouponStatus,
    purchaseId: strOrNull(r.purchase_id),
    usedAt: numOrNull(r.used_at),
    discountFen: numOrNull(r.discount_fen),
    issuedAt: num(r.issued_at),
  };
}

/**
 * The SQL of coupon templates and coupons. Quota, per-member counts and a coupon's status change only by
 * conditional UPDATEs on rows the transaction has locked; the unique (template, trigger) key is the last word
 * on whether a trigger already issued.
 */
@Injectable()
export class CouponsRepository {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Transactions) private readonly transactions: Transactions,
  ) {}

  private get forUpdate(): string {
    // SQLite transactions hold the database's single write lock already.
    return this.transactions.dialect === 'mysql' ? ' FOR UPDATE' : '';
  }

  private get insertIgnore(): string {
    return this.transactions.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  }

  // ── templates ──────────────────────────────────────────────────────────────────────────────────────

  async insertTemplate(tx: EntityManager, t: TemplateRow): Promise<void> {
    await execute(tx, `INSERT INTO coupon_templates (${TEMPLATE_COLUMNS}) VALUES (${placeholders(21)})`, [
      t.id,
      t.name,
      t.kind,
      t.valueFen,
      t.percent,
      t.maxDiscountFen,
      t.minSpendFen,
      t.sku,
      toJson(t.categories),
      toJson(t.storeIds),
      t.validFrom,
      t.validTo,
      t.validDays,
      t.totalQuota,
      t.issuedCount,
      t.perMemberLimit,
      t.stackable ? 1 : 0,
      t.active ? 1 : 0,
      t.createdBy,
      t.createdAt,
      t.updatedAt,
    ]);
  }

  async template(manager: EntityManager, id: string): Promise<TemplateRow | null> {
    const rows = await select<Raw>(manager, `SELECT ${TEMPLATE_COLUMNS} FROM coupon_templates WHERE id = ?`, [id]);
    return rows[0] ? toTemplate(rows[0]) : null;
  }

  /** The template with its row locked: quota and terms cannot change under the caller until it commits. */
  async lockTemplate(tx: EntityManager, id: string): Promise<TemplateRow | null> {
    const rows = await select<Raw>(
      tx,
      `SELECT ${TEMPLATE_COLUMNS} FROM coupon_templates WHERE id = ?${this.forUpdate}`,
      [id],
    );
    return rows[0] ? toTemplate(rows[0]) : null;
  }

  /** Templates in creation order after the cursor (a template id). */
  async templates(after: string | undefined, limit: number): Promise<TemplateRow[]> {
    const rows = await select<Raw>(
      this.dataSource.manager,
      `SELECT ${TEMPLATE_COLUMNS} FROM coupon_templates${after ? ' WHERE id > ?' : ''} ORDER BY id LIMIT ${Math.trunc(limit)}`,
      after ? [after.toUpperCase()] : [],
    );
    return rows.map(toTemplate);
  }

  /** Writes the fields; the total quota only if it stays at or above what was issued. False when refused. */
  async updateTemplate(tx: EntityManager, id: string, f: TemplateFields, now: number): Promise<boolean> {
    const changed = await execute(
      tx,
      `UPDATE coupon_templates SET name = ?, value_fen = ?, percent = ?, max_discount_fen = ?, min_spend_fen = ?, sku = ?,
         categories = ?, store_ids = ?, valid_from = ?, valid_to = ?, valid_days = ?, total_quota = ?, per_member_limit = ?,
         stackable = ?, active = ?, updated_at = ?
       WHERE id = ? AND (? IS NULL OR issued_count <= ?)`,
      [
        f.name,
        f.valueFen,
        f.percent,
        f.maxDiscountFen,
        f.minSpendFen,
        f.sku,
        toJson(f.categories),
        toJson(f.storeIds),
        f.validFrom,
        f.validTo,
        f.validDays,
        f.totalQuota,
        f.perMemberLimit,
        f.stackable ? 1 : 0,
        f.active ? 1 : 0,
        now,
        id,
        f.totalQuota,
        f.totalQuota,
      ],
    );
    return changed === 1;
  }

  /** Counts `count` more coupons against the quota of a template whose row the caller has locked. */
  async addIssued(tx: EntityManager, id: string, count: number, now: number): Promise<void> {
    const changed = await execute(
      tx,
      `UPDATE coupon_templates SET issued_count = issued_count + ?, updated_at = ?
       WHERE id = ? AND (total_quota IS NULL OR issued_count + ? <= total_quota)`,
      [count, now, id, count],
    );
    if (changed !== 1) throw new Error(`coupon template ${id}: the quota moved under a locked row`);
  }

  // ── issuing ────────────────────────────────────────────────────────────────────────────────────────

  /** Which of these trigger keys already issued the template. */
  async issuedKeys(tx: EntityManager, templateId: string, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await select<{ trigger_key: string }>(
      tx,
      `SELECT trigger_key FROM coupons WHERE template_id = ? AND trigger_key IN (${placeholders(keys.length)})`,
      [templateId, ...keys],
    );
    return new Set(rows.map((r) => r.trigger_key));
  }

  /**
   * How many coupons of the template each member was issued, with their counter rows locked (created at 0
   * where missing), in member order. On MySQL the upsert takes the exclusive lock at once, even on a row
   * that exists: a plain INSERT IGNORE would take a shared one, and two issuers to the same member holding
   * it would deadlock asking for the exclusive lock next.
   */
  async lockMemberCounts(
    tx: EntityManager,
    templateId: string,
    memberIds: string[],
    now: number,
  ): Promise<Map<string, number>> {
    const sorted = [...memberIds].sort();
    const values = sorted.map(() => '(?, ?, 0, ?)').join(', ');
    const params = sorted.flatMap((memberId) => [templateId, memberId, now]);
    await execute(
      tx,
      this.transactions.dialect === 'mysql'
        ? `INSERT INTO coupon_member_counts (template_id, member_id, issued, updated_at) VALUES ${values}
           ON DUPLICATE KEY UPDATE issued = issued`
        : `INSERT OR IGNORE INTO coupon_member_counts (template_id, member_id, issued, updated_at) VALUES ${values}`,
      params,
    );
    const rows = await select<{ member_id: string; issued: number | string }>(
      tx,
      `SELECT member_id, issued FROM coupon_member_counts WHERE template_id = ? AND member_id IN (${placeholders(sorted.length)})
       ORDER BY member_id${this.forUpdate}`,
      [templateId, ...sorted],
    );
    return new Map(rows.map((r) => [r.member_id, Number(r.issued)]));
  }

  async addMemberCounts(tx: EntityManager, templateId: string, memberIds: string[], now: number): Promise<void> {
    if (memberIds.length === 0) return;
    await execute(
      tx,
      `UPDATE coupon_member_counts SET issued = issued + 1, updated_at = ?
       WHERE template_id = ? AND member_id IN (${placeholders(memberIds.length)})`,
      [now, templateId, ...memberIds],
    );
  }

  /**
   * Inserts the coupons with the template's terms; a coupon whose (template, trigger) is taken is left out.
   * Returns the ids that were inserted.
   */
  async insertCoupons(tx: EntityManager, template: TemplateRow, coupons: NewCoupon[]): Promise<Set<string>> {
    if (coupons.length === 0) return new Set();
    const inserted = await execute(
      tx,
      `${this.insertIgnore} INTO coupons (id, template_id, member_id, trigger_kind, trigger_key, name, kind, value_fen, percent,
         max_discount_fen, min_spend_fen, sku, categories, store_ids, stackable, valid_from, valid_to, status, issued_at, updated_at)
       VALUES ${coupons.map(() => `(${placeholders(17)}, 'available', ?, ?)`).join(', ')}`,
      coupons.flatMap((c) => [
        c.id,
        c.templateId,
        c.memberId,
        c.triggerKind,
        c.triggerKey,
        template.name,
        template.kind,
        template.valueFen,
        template.percent,
        template.maxDiscountFen,
        template.minSpendFen,
        template.sku,
        toJson(template.categories),
        toJson(template.storeIds),
        template.stackable ? 1 : 0,
        c.validFrom,
        c.validTo,
        c.now,
        c.now,
      ]),
    );
    const ids = coupons.map((c) => c.id);
    if (inserted === coupons.length) return new Set(ids);
    // Someone issued some of these triggers at the same moment: ours are the ids that made it.
    const rows = await select<{ id: string }>(
      tx,
      `SELECT id FROM coupons WHERE id IN (${placeholders(ids.length)})`,
      ids,
    );
    return new Set(rows.map((r) => r.id));
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────────────────

  async coupon(manager: EntityManager, id: string): Promise<CouponRow | null> {
    const rows = await select<Raw>(manager, `SELECT ${COUPON_COLUMNS} FROM coupons WHERE id = ?`, [id]);
    return rows[0] ? toCoupon(rows[0]) : null;
  }

  /** The member's coupons among `ids` (another member's, or a withdrawn one, are as good as absent). */
  async couponsOfMember(manager: EntityManager, memberId: string, ids: string[]): Promise<CouponRow[]> {
    if (ids.length === 0) return [];
    const rows = await select<Raw>(
      manager,
      `SELECT ${COUPON_COLUMNS} FROM coupons WHERE member_id = ? AND status <> 'withdrawn' AND id IN (${placeholders(ids.length)})`,
      [memberId, ...ids.map((id) => id.toUpperCase())],
    );
    return rows.map(toCoupon);
  }

  /**
   * The wallet: newest first before the cursor, by status as of `now` (past validTo counts as expired).
   * Withdrawn coupons were never the member's to keep: no wallet shows them.
   */
  async wallet(
    memberId: string,
    status: CouponStatus | undefined,
    before: string | undefined,
    limit: number,
    now: number,
  ): Promise<CouponRow[]> {
    const where = ['member_id = ?'];
    const params: unknown[] = [memberId];
    if (status === 'available') {
      where.push("status = 'available' AND valid_to >= ?");
      params.push(now);
    } else if (status === 'expired') {
      where.push("(status = 'expired' OR (status = 'available' AND valid_to < ?))");
      params.push(now);
    } else if (status === 'used') {
      where.push("status = 'used'");
    } else {
      where.push("status <> 'withdrawn'");
    }
    if (before) {
      where.push('id < ?');
      params.push(before.toUpperCase());
    }
    const rows = await select<Raw>(
      this.dataSource.manager,
      `SELECT ${COUPON_COLUMNS} FROM coupons WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${Math.trunc(limit)}`,
      params,
    );
    return rows.map(toCoupon);
  }

  /** What the till can offer: available now, valid now, for this store; soonest to expire first. */
  async usableAt(memberId: string, storeId: string | null, now: number, limit: number): Promise<CouponRow[]> {
    const rows = await select<Raw>(
      this.dataSource.manager,
      `SELECT ${COUPON_COLUMNS} FROM coupons WHERE member_id = ? AND status = 'available' AND valid_from <= ? AND valid_to >= ?
       ORDER BY valid_to, id LIMIT ${Math.trunc(limit)}`,
      [memberId, now, now],
    );
    return rows.map(toCoupon).filter((c) => c.storeIds === null || (storeId !== null && c.storeIds.includes(storeId)));
  }

  // ── using and restoring ────────────────────────────────────────────────────────────────────────────

  /**
   * Available to used, once: the statement that settles which of two purchases with the same coupon gets it.
   * Only a coupon of this member, still valid at `now`.
   */
  async markUsed(
    tx: EntityManager,
    c: { id: string; memberId: string; purchaseId: string; discountFen: number; now: number },
  ): Promise<boolean> {
    const changed = await execute(
      tx,
      `UPDATE coupons SET status = 'used', purchase_id = ?, used_at = ?, discount_fen = ?, updated_at = ?
       WHERE id = ? AND member_id = ? AND status = 'available' AND valid_from <= ? AND valid_to >= ?`,
      [c.purchaseId, c.now, c.discountFen, c.now, c.id, c.memberId, c.now, c.now],
    );
    return changed === 1;
  }

  async usedBy(tx: EntityManager, purchaseId: string): Promise<CouponRow[]> {
    const rows = await select<Raw>(
      tx,
      `SELECT ${COUPON_COLUMNS} FROM coupons WHERE purchase_id = ? AND status = 'used' ORDER BY id`,
      [purchaseId],
    );
    return rows.map(toCoupon);
  }

  /** Used to available again (a full refund), if still valid at `now`; false when it was not. */
  async restore(tx: EntityManager, id: string, purchaseId: string, now: number): Promise<boolean> {
    const changed = await execute(
      tx,
      `UPDATE coupons SET status = 'available', purchase_id = NULL, used_at = NULL, discount_fen = NULL, updated_at = ?
       WHERE id = ? AND purchase_id = ? AND status = 'used' AND valid_to >= ?`,
      [now, id, purchaseId, now],
    );
    return changed === 1;
  }

  /** A used coupon whose purchase was refunded in full after its validity: it does not come back. */
  async expireRefunded(tx: EntityManager, id: string, purchaseId: string, now: number): Promise<void> {
    await execute(
      tx,
      `UPDATE coupons SET status = 'expired', purchase_id = NULL, used_at = NULL, discount_fen = NULL, updated_at = ?
       WHERE id = ? AND purchase_id = ? AND status = 'used'`,
      [now, id, purchaseId],
    );
  }

  // ── jobs ───────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Withdraws the member's unused tier-upgrade coupons with these trigger keys issued since `issuedSince`
   * (DOMAIN §9): a refund undid the upgrade that issued them. Used coupons stay used. The stored status `withdrawn` is
   * no wallet status: withdrawn coupons are left out of every read a member or the till sees. Returns the
   * ids withdrawn.
   */
  async withdrawTierUpgrade(
    tx: EntityManager,
    memberId: string,
    keys: string[],
    issuedSince: number,
    now: number,
  ): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await select<{ id: string }>(
      tx,
      `SELECT id FROM coupons WHERE member_id = ? AND trigger_kind = 'tierUpgrade' AND status = 'available'
       AND issued_at >= ? AND trigger_key IN (${placeholders(keys.length)}) ORDER BY id${this.forUpdate}`,
      [memberId, issuedSince, ...keys],
    );
    const withdrawn: string[] = [];
    for (const { id } of rows) {
      // Conditional: a coupon used meanwhile stays used.
      const changed = await execute(
        tx,
        "UPDATE coupons SET status = 'withdrawn', updated_at = ? WHERE id = ? AND status = 'available'",
        [now, id],
      );
      if (changed === 1) withdrawn.push(String(id));
    }
    return withdrawn;
  }

  async dueToExpire(asOf: number, limit: number): Promise<string[]> {
    const rows = await select<{ id: string }>(
      this.dataSource.manager,
      `SELECT id FROM coupons WHERE status = 'available' AND valid_to < ? ORDER BY valid_to, id LIMIT ${Math.trunc(limit)}`,
      [asOf],
    );
    return rows.map((r) => r.id);
  }

  async markExpired(tx: EntityManager, ids: string[], asOf: number, now: number): Promise<number> {
    if (ids.length === 0) return 0;
    return execute(
      tx,
      `UPDATE coupons SET status = 'expired', updated_at = ?
       WHERE id IN (${placeholders(ids.length)}) AND status = 'available' AND valid_to < ?`,
      [now, ...ids, asOf],
    );
  }

  /** Active members born in `month` (two digits), in id order after the cursor. */
  async membersBornIn(month: string, after: string, limit: number): Promise<string[]> {
    const rows = await select<{ id: string }>(
      this.dataSource.manager,
      `SELECT id FROM members WHERE status = 'active' AND birthday IS NOT NULL AND SUBSTR(birthday, 6, 2) = ? AND id > ?
       ORDER BY id LIMIT ${Math.trunc(limit)}`,
      [month, after],
    );
    return rows.map((r) => r.id);
  }

  async memberIsActive(manager: EntityManager, memberId: string): Promise<boolean> {
    const rows = await select(manager, "SELECT id FROM members WHERE id = ? AND status = 'active'", [memberId]);
    return rows.length > 0;
  }
}
