import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Compiler } from 'webpack';

/** What src/pwa/sw.js has in place of its precache list until the build fills it in. */
const PLACEHOLDER = 'self.__HUIKA_PRECACHE__';

export interface ServiceWorkerPluginOptions {
  /** The worker's source (src/pwa/sw.js). */
  source: string;
  /** Code under these paths is not precached (the staff area: members never open it). */
  skip: readonly string[];
}

/**
 * Emits the H5 service worker, `sw.js`, with the list of the member app's scripts, styles and images and a
 * version made from their (content-hashed) names. Every release that changes a bundle changes the worker's
 * bytes, so browsers install the new worker, which caches the new files and drops the old cache; and every
 * member page is cached at install, so a page opened offline for the first time still loads.
 */
export class ServiceWorkerPlugin {
  constructor(private readonly options: ServiceWorkerPluginOptions) {}

  apply(compiler: Compiler): void {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap('HuikaServiceWorker', (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: 'HuikaServiceWorker', stage: Compilation.PROCESS_ASSETS_STAGE_SUMMARIZE },
        () => {
          const files = new Set<string>();
          for (const group of compilation.chunkGroups) {
            // A page's bundle is imported by the router (request: the page's path); a library the staff area
            // loads on demand is imported from a staff module.
            const staffOnly = group.origins.some((origin) =>
              [origin.request ?? '', (origin.module as { resource?: string } | null)?.resource ?? ''].some((where) =>
                this.options.skip.some((path) => where.includes(path)),
              ),
            );
            if (staffOnly) continue;
            for (const chunk of group.chunks) {
              for (const file of [...chunk.files, ...chunk.auxiliaryFiles]) {
                if (/\.(js|css|png|svg|jpe?g|webp)$/.test(file)) files.add(`/${file}`);
              }
            }
          }
          const list = [...files].sort();
          const version = createHash('sha256').update(list.join('\n')).digest('hex').slice(0, 12);
          compilation.fileDependencies.add(this.options.source);
          const worker = readFileSync(this.options.source, 'utf8').replace(
            PLACEHOLDER,
            JSON.stringify({ version, files: list }),
          );
          compilation.emitAsset('sw.js', new sources.RawSource(worker));
        },
      );
    });
  }
}
