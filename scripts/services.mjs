// Brings up what the tests need from Debian's packages: Chromium (with CJK fonts), MariaDB and Galera.
// Installs only when running as root and the thing is missing; never downloads anything else.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { log, root } from './lib.mjs';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let aptUpdated = false;

function sh(command, args, options = {}) {
  return spawnSync(command, args, {
    stdio: options.quiet ? 'ignore' : 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function aptInstall(packages) {
  if (!isRoot) return false;
  if (!aptUpdated) {
    log('apt-get update');
    sh('apt-get', ['update', '-q']);
    aptUpdated = true;
  }
  log(`apt-get install ${packages.join(' ')}`);
  return sh('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages]).status === 0;
}

const hasPackage = (name) => sh('dpkg', ['-s', name], { quiet: true }).status === 0;

export function ensureChromium() {
  const missing = [];
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
  if (!hasPackage('fonts-noto-cjk')) missing.push('fonts-noto-cjk');
  if (missing.length) aptInstall(missing);
  if (!existsSync('/usr/bin/chromium')) {
    return { ok: false, reason: 'Chromium is not installed (apt-get install chromium, as root)' };
  }
  return { ok: true };
}

/**
 * Debian's galera-4 provider and rsync (its state transfer), for the Galera suite, which starts its own 3-node
 * cluster from the machine's mariadbd. Installed when missing (as root); the suite itself refuses to be skipped
 * under CI.
 */
export function ensureGalera() {
  const missing = ['galera-4', 'rsync'].filter((name) => !hasPackage(name));
  if (missing.length) aptInstall(missing);
  return hasPackage('galera-4') && hasPackage('rsync')
    ? { ok: true }
    : { ok: false, reason: 'Galera is not installed (apt-get install galera-4 rsync, as root)' };
}

export const MARIADB_URL = process.env.HUIKA_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

async function canConnect() {
  const mysql = createRequire(join(root, 'server', 'package.json'))('mysql2/promise');
  try {
    const connection = await mysql.createConnection({ uri: MARIADB_URL, connectTimeout: 3000 });
    await connection.query('SELECT 1');
    await connection.end();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `${error.code ?? ''} ${error.message}`.trim() };
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForMariaDb(seconds) {
  let last = { ok: false, reason: 'not tried' };
  for (let i = 0; i < seconds; i += 1) {
    last = await canConnect();
    if (last.ok) return last;
    await sleep(1000);
  }
  return last;
}

function startMariaDb() {
  mkdirSync('/run/mysqld', { recursive: true });
  sh('chown', ['mysql:mysql', '/run/mysqld'], { quiet: true });
  sh('start-stop-daemon', [
    '--start',
    '--oknodo',
    '--background',
    '--exec',
    '/usr/sbin/mariadbd',
    '--',
    '--user=mysql',
  ]);
}

/**
 * MariaDB at 127.0.0.1:3306 (root, empty password), or HUIKA_TEST_MYSQL_URL. When `required` (CI),
 * a MariaDB that cannot be reached or started throws: the MariaDB suites are never silently skipped.
 */
export async function ensureMariaDb({ required }) {
  let state = await canConnect();
  if (!state.ok && !process.env.HUIKA_TEST_MYSQL_URL) {
    if (!existsSync('/usr/sbin/mariadbd') && isRoot) {
      if (aptInstall(['mariadb-server'])) {
        startMariaDb();
        await waitForMariaDb(30);
        // Root over TCP with an empty password, as on this project's machines (TOOLCHAIN.md).
        sh('mariadb', [
          '-uroot',
          '-e',
          "ALTER USER root@localhost IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket",
        ]);
      }
    } else if (existsSync('/usr/sbin/mariadbd') && isRoot) {
      log('starting MariaDB');
      startMariaDb();
    }
    state = await waitForMariaDb(30);
  }
  if (state.ok) {
    log(`MariaDB is reachable at ${MARIADB_URL}`);
    return state;
  }
  const reason = `MariaDB is not reachable at ${MARIADB_URL}: ${state.reason}`;
  if (required) throw new Error(`${reason} (CI=true: the MariaDB suites are mandatory)`);
  log(`${reason}; the MariaDB suites are skipped`);
  return state.ok ? state : { ok: false, reason };
}
