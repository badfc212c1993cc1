import { randomInt } from 'node:crypto';
import type { CreateSceneBody, SceneView } from '@huika/shared';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import type { StaffAuth } from '../../common/auth.types';
import { Clock } from '../../common/clock';
import { execute, select, Transactions } from '../../common/transactions';
import { AuditService } from '../audit/audit.service';
import { joinPagePath } from '../referral/referral.service';
import { isUniqueViolation } from '../../database/unique-violation';
import { sceneQrDataUrl, sceneQrPng, sceneUrl } from './scene-qr';

export type SceneKindValue = 'store' | 'staff' | 'campaign' | 'referrer';

export interface SceneRow {
  code: string;
  kind: SceneKindValue;
  target_id: string;
  created_at: number | string;
}

const GENERATED_PREFIX: Record<z.output<typeof CreateSceneBody>['kind'], string> = {
  store: 'st',
  staff: 'sf',
  campaign: 'cp',
};
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function generatedCode(kind: z.output<typeof CreateSceneBody>['kind']): string {
  let code = `${GENERATED_PREFIX[kind]}-`;
  for (let i = 0; i < 10; i += 1) code += CODE_ALPHABET[randomInt(0, CODE_ALPHABET.length)];
  return code;
}

/** Join scenes (DOMAIN §1): what a QR code attributes a join to. Headquarters makes them; members have invites. */
@Injectable()
export class ScenesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async create(
    staff: StaffAuth,
    body: z.output<typeof CreateSceneBody>,
    origin: string,
  ): Promise<z.output<typeof SceneView>> {
    const targetId = await this.resolveTarget(body.kind, body.targetId);
    const now = this.clock.now();
    const code = await this.insert(staff, body, targetId, now);
    return this.view({ code, kind: body.kind, target_id: targetId, created_at: now }, origin);
  }

  async find(code: string): Promise<SceneRow | null> {
    const rows = await select<SceneRow>(
      this.dataSource.manager,
      'SELECT code, kind, target_id, created_at FROM scenes WHERE code = ?',
      [code],
    );
    return rows[0] ?? null;
  }

  async qrPng(code: string, origin: string): Promise<Buffer> {
    const scene = await this.find(code);
    if (!scene) throw new AppError('SCENE_NOT_FOUND', `no scene ${code}`);
    return sceneQrPng(sceneUrl(origin, scene.code));
  }

  private async view(row: SceneRow, origin: string): Promise<z.output<typeof SceneView>> {
    const url = sceneUrl(origin, row.code);
    return {
      code: row.code,
      kind: row.kind,
      targetId: row.target_id,
      createdAt: new Date(Number(row.created_at)).toISOString(),
      path: joinPagePath(row.code),
      url,
      qrPngDataUrl: await sceneQrDataUrl(url),
    };
  }

  /** A chosen code must be free (409); a made-up one is retried on the rare collision. */
  private async insert(
    staff: StaffAuth,
    body: z.output<typeof CreateSceneBody>,
    targetId: string,
    now: number,
  ): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      const code = body.code ?? generatedCode(body.kind);
      try {
        await this.transactions.run(async (tx) => {
          await execute(
            tx,
            'INSERT INTO scenes (code, kind, target_id, created_by_kind, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
            [code, body.kind, targetId, 'staff', staff.staffId, now],
          );
          await this.audit.record(tx, {
            actor: { kind: 'staff', id: staff.staffId },
            action: 'scene.create',
            target: { kind: 'scene', id: code },
            after: { kind: body.kind, targetId },
          });
        });
        return code;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (body.code !== undefined) throw new AppError('SCENE_CODE_TAKEN', `the scene code ${code} is taken`);
        if (attempt >= 5) throw error;
      }
    }
  }

  /** Stores by id or code, staff by id or username; campaigns are named freely. */
  private async resolveTarget(kind: z.output<typeof CreateSceneBody>['kind'], target: string): Promise<string> {
    if (kind === 'campaign') return target;
    const rows =
      kind === 'store'
        ? await select<{ id: string }>(this.dataSource.manager, 'SELECT id FROM stores WHERE id = ? OR code = ?', [
            target,
            target.toUpperCase(),
          ])
        : await select<{ id: string }>(this.dataSource.manager, 'SELECT id FROM staff WHERE id = ? OR username = ?', [
            target,
            target.toLowerCase(),
          ]);
    const found = rows[0];
    if (!found) {
      throw kind === 'store'
        ? new AppError('STORE_NOT_FOUND', `no store ${target}`)
        : new AppError('STAFF_NOT_FOUND', `no staff member ${target}`);
    }
    return found.id;
  }
}
