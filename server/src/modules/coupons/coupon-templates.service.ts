import {
  type CouponTemplateView,
  couponTemplateProblems,
  type CreateCouponTemplateBody,
  type UpdateCouponTemplateBody,
} from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { select, Transactions } from '../../common/transactions';
import { AuditService } from '../audit/audit.service';
import { templateView } from './coupon.views';
import { CouponsRepository, type TemplateFields, type TemplateRow } from './coupons.repository';

type Page<T> = { items: T[]; nextCursor: string | null };

const msOrNull = (iso: string | null | undefined) => (iso === null || iso === undefined ? null : Date.parse(iso));
const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Coupon templates (DOMAIN §9), kept by headquarters; every change is audited. */
@Injectable()
export class CouponTemplatesService {
  constructor(
    private readonly repository: CouponsRepository,
    private readonly audit: AuditService,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async list(cursor: string | undefined, limit: number): Promise<Page<z.output<typeof CouponTemplateView>>> {
    const rows = await this.repository.templates(cursor, limit + 1);
    const page = rows.slice(0, limit);
    return { items: page.map(templateView), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
  }

  async create(
    staff: StaffAuth,
    body: z.output<typeof CreateCouponTemplateBody>,
  ): Promise<z.output<typeof CouponTemplateView>> {
    return this.transactions.run(async (tx) => {
      await this.assertStores(tx, body.storeIds ?? null);
      const now = this.clock.now();
      const template: TemplateRow = {
        id: newId(),
        name: body.name,
        kind: body.kind,
        valueFen: body.valueFen ?? null,
        percent: body.percent ?? null,
        maxDiscountFen: body.maxDiscountFen ?? null,
        minSpendFen: body.minSpendFen,
        sku: body.sku ?? null,
        categories: body.categories ?? null,
        storeIds: body.storeIds ?? null,
        validFrom: msOrNull(body.validFrom),
        validTo: msOrNull(body.validTo),
        validDays: body.validDays ?? null,
        totalQuota: body.totalQuota ?? null,
        issuedCount: 0,
        perMemberLimit: body.perMemberLimit,
        stackable: body.stackable,
        active: true,
        createdBy: staff.staffId,
        createdAt: now,
        updatedAt: now,
      };
      await this.repository.insertTemplate(tx, template);
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staff.staffId },
        action: 'coupon-template.create',
        target: { kind: 'coupon-template', id: template.id },
        after: templateView(template),
      });
      return templateView(template);
    });
  }

  /**
   * Changes the template for the coupons issued from now on (issued coupons keep their terms). The merged
   * template must still be whole; the total quota never drops below what was issued.
   */
  async update(
    staff: StaffAuth,
    id: string,
    body: z.output<typeof UpdateCouponTemplateBody>,
  ): Promise<z.output<typeof CouponTemplateView>> {
    return this.transactions.run(async (tx) => {
      const before = await this.repository.lockTemplate(tx, id);
      if (!before) throw new AppError('COUPON_TEMPLATE_NOT_FOUND', `no coupon template ${id}`);
      const pick = <K extends keyof TemplateFields>(key: K, value: TemplateFields[K] | undefined): TemplateFields[K] =>
        value === undefined ? before[key] : value;
      const fields: TemplateFields = {
        name: pick('name', body.name),
        valueFen: pick('valueFen', body.valueFen),
        percent: pick('percent', body.percent),
        maxDiscountFen: pick('maxDiscountFen', body.maxDiscountFen),
        minSpendFen: pick('minSpendFen', body.minSpendFen),
        sku: pick('sku', body.sku),
        categories: pick('categories', body.categories),
        storeIds: pick('storeIds', body.storeIds),
        validFrom: body.validFrom === undefined ? before.validFrom : msOrNull(body.validFrom),
        validTo: body.validTo === undefined ? before.validTo : msOrNull(body.validTo),
        validDays: pick('validDays', body.validDays),
        totalQuota: pick('totalQuota', body.totalQuota),
        perMemberLimit: pick('perMemberLimit', body.perMemberLimit),
        stackable: pick('stackable', body.stackable),
        active: pick('active', body.active),
      };
      const problems = couponTemplateProblems({
        ...fields,
        kind: before.kind,
        validFrom: isoOrNull(fields.validFrom),
        validTo: isoOrNull(fields.validTo),
      });
      if (problems.length > 0) {
        throw new AppError('VALIDATION_FAILED', problems.map((p) => p.message).join('; '), {
          fields: problems.map((p) => ({ path: `body.${p.path}`, message: p.message })),
        });
      }
      if (body.storeIds !== undefined) await this.assertStores(tx, fields.storeIds);
      const now = this.clock.now();
      if (!(await this.repository.updateTemplate(tx, id, fields, now))) {
        throw new AppError('VALIDATION_FAILED', `totalQuota cannot be below the ${before.issuedCount} already issued`, {
          fields: [{ path: 'body.totalQuota', message: `below the ${before.issuedCount} already issued` }],
        });
      }
      const after = (await this.repository.template(tx, id)) as TemplateRow;
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staff.staffId },
        action: 'coupon-template.update',
        target: { kind: 'coupon-template', id },
        before: templateView(before),
        after: templateView(after),
      });
      return templateView(after);
    });
  }

  private async assertStores(tx: EntityManager, storeIds: string[] | null): Promise<void> {
    if (storeIds === null) return;
    const rows = await select<{ id: string }>(
      tx,
      `SELECT id FROM stores WHERE id IN (${storeIds.map(() => '?').join(', ')})`,
      storeIds,
    );
    const unknown = storeIds.filter((id) => !rows.some((r) => r.id === id));
    if (unknown.length > 0) {
      throw new AppError('VALIDATION_FAILED', `no store ${unknown.join(', ')}`, {
        fields: [{ path: 'body.storeIds', message: 'unknown store' }],
      });
    }
  }
}
