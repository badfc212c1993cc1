import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const H5_APP = Symbol('H5_APP');
export const ADMIN_APP = Symbol('ADMIN_APP');

/** Where the headquarters console is served; the H5 app at `/` leaves these paths to it. */
export const ADMIN_BASE = '/admin';

/**
 * A built single-page app the server hands out under `base` (the H5 app at `/`, the console at `/admin/`), with
 * index.html for every client-side route below it except the API and the paths another app owns (`excluded`).
 */
export class H5App {
  private readonly index: Buffer | null;
  /** The inline scripts of index.html (the build puts Taro's start-up there), which the CSP names by hash. */
  readonly inlineScripts: readonly string[];

  constructor(
    readonly dir: string,
    readonly base = '/',
    private readonly excluded: readonly string[] = [],
  ) {
    const indexFile = join(dir, 'index.html');
    this.index = existsSync(indexFile) ? readFileSync(indexFile) : null;
    const html = this.index?.toString('utf8') ?? '';
    this.inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
      (match) => match[1] ?? '',
    );
  }

  get available(): boolean {
    return this.index !== null;
  }

  servesFallback(request: FastifyRequest): boolean {
    if (!this.index || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
    const path = request.url.split('?')[0] ?? '';
    const under = (prefix: string) => prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
    return under(this.base) && !under('/api') && !this.excluded.some(under);
  }

  async sendIndex(reply: FastifyReply): Promise<void> {
    await reply
      .status(200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(this.index);
  }
}
