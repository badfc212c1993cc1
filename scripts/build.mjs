// Builds what is out of date: shared (JS for the server), the server, the app for H5 and weapp, and the
// headquarters console. `node scripts/build.mjs [shared|server|h5|weapp|admin ...]`; no arguments builds shared,
// server, h5 and admin.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log, pnpm, root } from './lib.mjs';

const TARGETS = {
  shared: {
    inputs: ['shared/src', 'shared/package.json', 'shared/tsconfig.json'],
    stamp: 'shared/dist/.built',
    run: ['--filter', '@huika/shared', 'build'],
  },
  server: {
    inputs: ['server/src', 'server/package.json', 'server/tsconfig.json', 'shared/src'],
    stamp: 'server/dist/.built',
    run: ['--filter', '@huika/server', 'build'],
  },
  h5: {
    inputs: ['miniapp/src', 'miniapp/config', 'miniapp/package.json', 'shared/src'],
    stamp: 'miniapp/dist/h5/.built',
    run: ['--filter', '@huika/miniapp', 'build:h5'],
  },
  weapp: {
    inputs: ['miniapp/src', 'miniapp/config', 'miniapp/package.json', 'shared/src'],
    stamp: 'miniapp/dist/weapp/.built',
    run: ['--filter', '@huika/miniapp', 'build:weapp'],
  },
  admin: {
    inputs: [
      'admin/src',
      'admin/public',
      'admin/index.html',
      'admin/vite.config.ts',
      'admin/package.json',
      'shared/src',
    ],
    stamp: 'admin/dist/.built',
    run: ['--filter', '@huika/admin', 'build'],
  },
};

function newestMtime(path) {
  const full = join(root, path);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(full)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function build(names, { force = false } = {}) {
  for (const name of names) {
    const target = TARGETS[name];
    if (!target) throw new Error(`unknown build target ${name}; known: ${Object.keys(TARGETS).join(', ')}`);
    const stamp = join(root, target.stamp);
    const upToDate =
      !force && existsSync(stamp) && statSync(stamp).mtimeMs >= Math.max(...target.inputs.map(newestMtime));
    if (upToDate) {
      log(`${name}: up to date`);
      continue;
    }
    log(`building ${name}`);
    pnpm(['--silent', ...target.run], { env: { NODE_ENV: 'production' } });
    writeFileSync(stamp, new Date().toISOString());
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const names = args.filter((arg) => !arg.startsWith('--'));
  build(names.length ? names : ['shared', 'server', 'h5', 'admin'], { force });
}
