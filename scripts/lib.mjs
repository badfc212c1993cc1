// Helpers shared by the root scripts (start, test, build, huika). Plain Node, no dependencies:
// these run on a fresh machine before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PNPM_VERSION = '10.34.8';
const toolsDir = join(root, '.tools');
const pnpmBin = join(toolsDir, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');

/** Environment for child processes: native addons build against the installed Node headers. */
export function childEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  return env;
}

export function log(message) {
  process.stdout.write(`\x1b[36m[huika]\x1b[0m ${message}\n`);
}

/** Installs the pinned pnpm into .tools/ (not globally) when it is missing. */
export function ensurePnpm() {
  if (existsSync(pnpmBin)) return;
  log(`installing pnpm ${PNPM_VERSION} into .tools/`);
  mkdirSync(toolsDir, { recursive: true });
  const result = spawnSync(
    'npm',
    ['install', '--no-save', '--no-package-lock', '--prefix', toolsDir, `pnpm@${PNPM_VERSION}`],
    { stdio: 'inherit', env: childEnv() },
  );
  if (result.status !== 0) throw new Error('could not install pnpm from the npm registry');
}

/** Runs pnpm synchronously; throws on a non-zero exit. */
export function pnpm(args, options = {}) {
  ensurePnpm();
  const result = spawnSync(process.execPath, [pnpmBin, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: childEnv(options.env),
  });
  if (result.status !== 0) {
    throw new Error(`pnpm ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

export function pnpmPath() {
  ensurePnpm();
  return pnpmBin;
}

/** Installs the workspace's dependencies exactly as the lockfile pins them. */
export function installDependencies() {
  ensurePnpm();
  // pnpm keeps a copy of the lockfile it installed; when it matches, there is nothing to do.
  const lockfile = join(root, 'pnpm-lock.yaml');
  const installed = join(root, 'node_modules', '.pnpm', 'lock.yaml');
  if (
    existsSync(lockfile) &&
    existsSync(installed) &&
    readFileSync(lockfile, 'utf8') === readFileSync(installed, 'utf8')
  ) {
    return;
  }
  log('installing dependencies (pnpm, from the lockfile)');
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  pnpm(['install', ...frozen, '--prefer-offline', '--reporter=append-only']);
}

/** Runs a command and resolves with its exit code, streaming its output. */
export function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? root,
      stdio: options.stdio ?? 'inherit',
      env: childEnv(options.env),
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(127));
  });
}
