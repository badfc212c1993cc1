import { Inject, Injectable } from '@nestjs/common';
import { Transactions } from '../../common/transactions';
import type { StaffAuth } from '../../common/auth.types';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { newId } from '../../common/ids';
import { AuditService } from '../audit/audit.service';
import type { ExpiryCursor } from './ledger.repository';
import { LedgerService } from './ledger.service';

export const EXPIRY_BATCH_SIZE = 500;

/** Use cases on points that are not part of a purchase or a redemption. */
@Injectable()
export class PointsService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly idempotency: IdempotencyService,
    private readonly auditLog: AuditService,
    @Inject(Transactions) private readonly transactions: Transactions,
  ) {}

  /** A headquarters adjustment: one posting, audited with its reason, exactly once per Idempotency-Key. */
  async adjust(staff: StaffAuth, memberId: string, key: string | undefined, body: { points: number; reason: string }) {
    return this.idempotency.execute(
      {
        scope: `staff:${staff.staffId}`,
        key,
        route: 'adjustPoints',
        request: { memberId, ...body },
        successStatus: 201,
      },
      async (tx) => {
        const adjustmentId = newId();
        const result = await this.ledger.adjust(
          tx,
          {
            memberId,
            refType: 'adjustment',
            refId: adjustmentId,
            actor: { kind: 'staff', id: staff.staffId },
            memo: body.reason,
          },
          body.points,
        );
        await this.auditLog.record(tx, {
          actor: { kind: 'staff', id: staff.staffId },
          action: 'points.adjust',
          target: { kind: 'member', id: memberId },
          after: { adjustmentId, points: body.points, reason: body.reason, balance: result.balance },
        });
        return { postingId: result.postingId, memberId, points: body.points, pointsBalance: result.balance };
      },
    );
  }

  /** Releases every pending lot whose period is over, in batches, each its own transaction. */
  async releaseAll(): Promise<number> {
    let released = 0;
    for (;;) {
      const batch = await this.transactions.run((tx) => this.ledger.releaseDue(tx, null, EXPIRY_BATCH_SIZE));
      if (batch === 0) return released;
      released += batch;
    }
  }

  /**
   * Expires every due lot in batches of EXPIRY_BATCH_SIZE, each its own transaction. Resumable: a
   * second run after a crash expires what the first did not, and nothing twice.
   */
  async expireAll(asOf: number, onBatch?: (done: { lots: number; points: number }) => void) {
    const total = { lots: 0, points: 0 };
    let cursor: ExpiryCursor | null = null;
    for (;;) {
      const batch = await this.ledger.expireBatch(asOf, EXPIRY_BATCH_SIZE, cursor);
      if (batch.lots === 0) return total;
      cursor = batch.next;
      total.lots += batch.lots;
      total.points += batch.points;
      onBatch?.(total);
    }
  }
}
