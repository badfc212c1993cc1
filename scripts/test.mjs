// `npm test`: installs what the tests need, then runs lint, type-check, builds and every test suite
// (unit, medium on SQLite and MariaDB, API end-to-end, fault and fuzz on MariaDB, browser, weapp), and ends with
// one line "N passed, N failed[, N skipped]". Exits non-zero on any failure.
// With CI=true the MariaDB suites are mandatory: MariaDB is started (or installed) or the run fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from './build.mjs';
import { ensureChromium, ensureGalera, ensureMariaDb } from './services.mjs';
import { installDependencies, log, pnpmPath, root, run } from './lib.mjs';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const totals = { passed: 0, failed: 0, skipped: 0 };
const report = [];
const reportDir = join(root, 'test', 'artifacts', 'jest');

function record(stage, passed, failed, skipped = 0, note = '') {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  report.push({ stage, passed, failed, skipped, note });
}

/** A stage that is one check (lint, type-check, build): one pass or one failure. */
async function check(stage, work) {
  log(`── ${stage}`);
  try {
    const ok = await work();
    record(stage, ok ? 1 : 0, ok ? 0 : 1);
  } catch (error) {
    process.stderr.write(`${stage}: ${error instanceof Error ? error.message : String(error)}\n`);
    record(stage, 0, 1);
  }
}

async function jestStage(stage, project, env = {}) {
  log(`── ${stage}`);
  mkdirSync(reportDir, { recursive: true });
  const outputFile = join(reportDir, `${stage.replace(/[^a-z0-9]+/gi, '-')}.json`);
  rmSync(outputFile, { force: true });
  const code = await run(
    process.execPath,
    [
      pnpmPath(),
      'exec',
      'jest',
      '--selectProjects',
      project,
      '--json',
      `--outputFile=${outputFile}`,
      '--maxWorkers=2',
      '--ci',
    ],
    { env: { ...env, FORCE_COLOR: '0' } },
  );
  if (!existsSync(outputFile)) {
    record(stage, 0, 1, 0, `jest exited with ${code} before reporting`);
    return;
  }
  const result = JSON.parse(readFileSync(outputFile, 'utf8'));
  // A suite that fails to load has no failed tests of its own; count it so it cannot pass silently.
  const brokenSuites = result.testResults.filter(
    (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
  ).length;
  const ranNothing = result.numTotalTests === 0 ? 1 : 0;
  record(
    stage,
    result.numPassedTests,
    result.numFailedTests + brokenSuites + ranNothing,
    result.numPendingTests + result.numTodoTests,
    ranNothing ? 'no tests ran' : '',
  );
  if (code !== 0 && result.numFailedTests + brokenSuites === 0 && !ranNothing) record(`${stage} (exit ${code})`, 0, 1);
}

const pnpmCheck = (args) => () =>
  spawnSync(process.execPath, [pnpmPath(), ...args], { cwd: root, stdio: 'inherit' }).status === 0;

async function main() {
  installDependencies();
  const chromium = ensureChromium();
  const mariadb = await ensureMariaDb({ required: ci });
  const galera = ensureGalera();
  if (!galera.ok)
    log(`${galera.reason}${ci ? ' (CI=true: the Galera suite will fail, not skip)' : '; the Galera suite is skipped'}`);

  await check('lint', pnpmCheck(['exec', 'eslint', '.', '--max-warnings', '0']));
  await check('format', pnpmCheck(['exec', 'prettier', '--check', '.', '--log-level', 'warn']));
  await check('typecheck', pnpmCheck(['-r', '--silent', 'typecheck']));
  let built = true;
  await check('build (shared, server, h5, weapp, admin)', () => {
    try {
      build(['shared', 'server', 'h5', 'weapp', 'admin']);
      return true;
    } catch (error) {
      built = false;
      throw error;
    }
  });

  await jestStage('unit', 'unit');
  await jestStage('medium (sqlite)', 'medium', { HUIKA_TEST_DB: 'sqlite' });
  if (mariadb.ok) await jestStage('medium (mariadb)', 'medium', { HUIKA_TEST_DB: 'mysql' });
  else record('medium (mariadb)', 0, 0, 1, mariadb.reason);
  if (built) {
    await jestStage('api e2e (sqlite)', 'api', { HUIKA_TEST_DB: 'sqlite' });
    if (mariadb.ok) await jestStage('api e2e (mariadb)', 'api', { HUIKA_TEST_DB: 'mysql' });
    else record('api e2e (mariadb)', 0, 0, 1, mariadb.reason);
    // Crash and restart, three instances on one database, the bad-input fuzzer, a 3-node Galera cluster of its own
    // and, last, a database outage that stops MariaDB and starts it again (test/src/fault): MariaDB only.
    if (mariadb.ok) await jestStage('fault and fuzz (mariadb)', 'fault', { HUIKA_TEST_DB: 'mysql' });
    else record('fault and fuzz (mariadb)', 0, 0, 1, mariadb.reason);
    if (chromium.ok)
      await jestStage('browser (chromium)', 'browser', { HUIKA_TEST_DB: mariadb.ok ? 'mysql' : 'sqlite' });
    else record('browser (chromium)', 0, ci ? 1 : 0, ci ? 0 : 1, chromium.reason);
    await jestStage('weapp smoke', 'weapp');
  }

  process.stdout.write('\nSummary\n');
  for (const row of report) {
    const skipped = row.skipped ? `, ${row.skipped} skipped` : '';
    const note = row.note ? `  (${row.note})` : '';
    process.stdout.write(
      `  ${row.failed ? '✗' : '✓'} ${row.stage}: ${row.passed} passed, ${row.failed} failed${skipped}${note}\n`,
    );
  }
  const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed${skipped}\n`);
  process.exit(totals.failed > 0 ? 1 : 0);
}

main().catch((error) => {
  process.stderr.write(`test run failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.stdout.write(`${totals.passed} passed, ${totals.failed + 1} failed\n`);
  process.exit(1);
});
