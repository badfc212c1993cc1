import { createHash } from 'node:crypto';
import type { CouponBatchBody, CouponBatchView } from '@huika/shared';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { Transactions } from '../../common/transactions';
import { AuditService } from '../audit/audit.service';
import { ProgramService } from '../program/program.service';
import { type BatchAudience, type BatchRow, CouponBatchesRepository } from './coupon-batches.repository';
import { COUPON_CHUNK, CouponsService, isSkipped } from './coupons.service';
import { CouponsRepository } from './coupons.repository';

/** How long a runner holds a batch without renewing (each chunk renews); after that another may resume it. */
const LEASE_MS = 60_000;

type BatchView = z.output<typeof CouponBatchView>;

export interface RunOptions {
  /** Stop after this many chunks (the batch is handed back for a later run to resume). */
  maxChunks?: number;
  /** Walk the whole audience again from the first member (a finished batch too): nobody gets a second coupon. */
  rescan?: boolean;
  chunkSize?: number;
}

/**
 * Headquarters batches (DOMAIN §9: a coupon to a list of members or a segment). A batch walks its audience
 * in member-id order, a chunk per transaction that issues the chunk's coupons and records the progress
 * together, so a batch killed at any moment resumes where its last chunk committed. The trigger of each
 * coupon is `batch:<batchId>:<member>`, unique per template: the same batch never issues twice to anyone,
 * however often it is run. One runner at a time holds a batch through a lease.
 */
@Injectable()
export class CouponBatchesService implements OnModuleDestroy {
  private readonly logger = new Logger('CouponBatches');
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly repository: CouponBatchesRepository,
    private readonly coupons: CouponsRepository,
    private readonly issuer: CouponsService,
    private readonly program: ProgramService,
    private readonly audit: AuditService,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /**
   * Creates the batch, or finds the one with this id (the same request: its progress; another request:
   * 409 COUPON_BATCH_ID_TAKEN). Issues nothing yet: `run` does.
   */
  async create(staff: StaffAuth, body: z.output<typeof CouponBatchBody>): Promise<BatchView> {
    const memberIds = body.memberIds ? [...new Set(body.memberIds.map((id) => id.toUpperCase()))].sort() : null;
    const tiers = body.segment?.tiers ? [...new Set(body.segment.tiers)].sort() : null;
    const audience: BatchAudience = memberIds ? { kind: 'members' } : { kind: 'segment', tiers };
    const requestHash = createHash('sha256')
      .update(JSON.stringify({ templateId: body.templateId, memberIds, tiers }))
      .digest('hex');
    const existing = await this.repository.batch(this.dataSource.manager, body.batchId);
    if (existing) return this.sameOrTaken(existing, requestHash);

    const template = await this.coupons.template(this.dataSource.manager, body.templateId);
    if (!template) throw new AppError('COUPON_TEMPLATE_NOT_FOUND', `no coupon template ${body.templateId}`);
    if (!template.active) throw new AppError('COUPON_TEMPLATE_INACTIVE', 'the template is not active');
    if (tiers) {
      const program = await this.program.get();
      const unknown = tiers.filter((code) => !program.tiers.ladder.some((t) => t.code === code));
      if (unknown.length > 0) {
        throw new AppError('VALIDATION_FAILED', `no tier ${unknown.join(', ')} in the program`, {
          fields: [{ path: 'body.segment.tiers', message: 'unknown tier' }],
        });
      }
    }
    const total = memberIds ? memberIds.length : await this.repository.countSegment(tiers);
    return this.transactions.run(async (tx) => {
      const now = this.clock.now();
      const created = await this.repository.insertIfAbsent(tx, {
        id: body.batchId,
        templateId: body.templateId,
        staffId: staff.staffId,
        audience,
        requestHash,
        total,
        now,
      });
      if (!created) {
        // Another request created it a moment ago.
        return this.sameOrTaken((await this.repository.batch(tx, body.batchId)) as BatchRow, requestHash);
      }
      if (memberIds) await this.repository.insertMembers(tx, body.batchId, memberIds);
      await this.audit.record(tx, {
        actor: { kind: 'staff', id: staff.staffId },
        action: 'coupon-batch.create',
        target: { kind: 'coupon-batch', id: body.batchId },
        after: { templateId: body.templateId, audience: memberIds ? { memberIds: memberIds.length } : audience, total },
      });
      return this.view((await this.repository.batch(tx, body.batchId)) as BatchRow);
    });
  }

  /** POST /api/admin/coupon-batches: create (or find) the batch and run it in the background unless done. */
  async submit(staff: StaffAuth, body: z.output<typeof CouponBatchBody>): Promise<BatchView> {
    const view = await this.create(staff, body);
    if (view.state === 'pending' || view.state === 'interrupted') {
      this.runInBackground(body.batchId);
      return { ...view, state: 'running' };
    }
    return view;
  }

  async progress(batchId: string): Promise<BatchView> {
    const batch = await this.repository.batch(this.dataSource.manager, batchId);
    if (!batch) throw new AppError('COUPON_BATCH_NOT_FOUND', `no coupon batch ${batchId}`);
    return this.view(batch);
  }

  /**
   * Runs the batch to its end (or `maxChunks`), resuming where it stopped. Returns its progress and whether
   * this call ran it: another runner holding a live lease, or a finished batch (without `rescan`), is left be.
   */
  async run(batchId: string, options: RunOptions = {}): Promise<BatchView & { ran: boolean }> {
    const runner = newId();
    const chunkSize = options.chunkSize ?? COUPON_CHUNK;
    const claimed = await this.transactions.run((tx) =>
      this.repository.claim(tx, {
        id: batchId,
        runner,
        now: Date.now(),
        leaseUntil: Date.now() + LEASE_MS,
        rescan: options.rescan ?? false,
      }),
    );
    if (!claimed) return { ...(await this.progress(batchId)), ran: false };
    let chunks = 0;
    try {
      for (;;) {
        if (this.stopping || (options.maxChunks !== undefined && chunks >= options.maxChunks)) {
          await this.transactions.run((tx) => this.repository.release(tx, batchId, runner, this.clock.now()));
          break;
        }
        const step = await this.transactions.run((tx) => this.chunk(tx, batchId, runner, chunkSize));
        if (step !== 'more') break;
        chunks += 1;
      }
    } catch (error) {
      // Hand the batch back at once; what committed stays, the next run resumes after it.
      await this.transactions
        .run((tx) => this.repository.release(tx, batchId, runner, this.clock.now()))
        .catch(() => undefined);
      throw error;
    }
    return { ...(await this.progress(batchId)), ran: true };
  }

  /** Lets a background run stop between two chunks before the database closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private runInBackground(batchId: string): void {
    const running = this.run(batchId)
      .catch((error: unknown) => this.logger.error(`coupon batch ${batchId} stopped: ${String(error)}`))
      .finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }

  /** One chunk, in one transaction: renew the lease, issue to the next members, record the progress. */
  private async chunk(
    tx: EntityManager,
    batchId: string,
    runner: string,
    size: number,
  ): Promise<'more' | 'done' | 'lost'> {
    if (!(await this.repository.renew(tx, batchId, runner, Date.now() + LEASE_MS))) return 'lost';
    const batch = (await this.repository.batch(tx, batchId)) as BatchRow;
    const members = await this.repository.nextMembers(tx, batch, batch.lastMemberId, size);
    const now = this.clock.now();
    if (members.length === 0) {
      await this.repository.finish(tx, batchId, runner, now);
      return 'done';
    }
    const active = members.filter((m) => m.active);
    const results =
      active.length === 0
        ? []
        : await this.issuer.issue(
            tx,
            batch.templateId,
            active.map((m) => ({ memberId: m.memberId, triggerKey: `batch:${batchId}:${m.memberId}` })),
            'batch',
            await this.program.get(tx),
          );
    const advanced = await this.repository.advance(tx, {
      id: batchId,
      runner,
      lastMemberId: (members[members.length - 1] as { memberId: string }).memberId,
      issued: results.filter((r) => r.outcome === 'issued').length,
      skipped: members.length - active.length + results.filter(isSkipped).length,
      now,
    });
    if (!advanced) throw new Error(`coupon batch ${batchId}: lost the batch in the middle of a chunk`);
    return 'more';
  }

  private sameOrTaken(batch: BatchRow, requestHash: string): BatchView {
    if (batch.requestHash !== requestHash) {
      throw new AppError('COUPON_BATCH_ID_TAKEN', `batch ${batch.id} was created with another template or audience`);
    }
    return this.view(batch);
  }

  private view(batch: BatchRow): BatchView {
    const interrupted = batch.state === 'running' && (batch.leaseUntil ?? 0) < Date.now();
    return {
      batchId: batch.id,
      templateId: batch.templateId,
      state: interrupted ? 'interrupted' : batch.state,
      total: batch.total,
      issued: batch.issued,
      skipped: batch.skipped,
      createdAt: new Date(batch.createdAt).toISOString(),
      finishedAt: batch.finishedAt === null ? null : new Date(batch.finishedAt).toISOString(),
    };
  }
}
