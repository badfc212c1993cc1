// `npm run huika -- <command>` / `pnpm huika <command>`: the operations command, with the server's configuration.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from './build.mjs';
import { childEnv, installDependencies, root } from './lib.mjs';

installDependencies();
build(['shared', 'server']);
const result = spawnSync(process.execPath, [join(root, 'server', 'dist', 'cli.js'), ...process.argv.slice(2)], {
  cwd: process.cwd(),
  stdio: 'inherit',
  env: childEnv(),
});
process.exit(result.status ?? 1);
