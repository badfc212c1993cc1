// Runs the pinned pnpm with the given arguments (installing it into .tools/ first if needed).
import { spawnSync } from 'node:child_process';
import { childEnv, pnpmPath, root } from './lib.mjs';

const result = spawnSync(process.execPath, [pnpmPath(), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: childEnv(),
});
process.exit(result.status ?? 1);
