// `npm run bench`: installs what is missing, builds the server (and the H5 app for the card page) if out
// of date, makes sure MariaDB (and Chromium) are there, then runs every bench/*.bench.mjs in turn.
// Exits non-zero if any benchmark failed.
// `npm run bench -- expiry --lots 100000`: leading names pick benchmarks (expiry = bench/expiry.bench.mjs);
// the arguments from the first option on go to each benchmark run.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from './build.mjs';
import { installDependencies, log, root, run } from './lib.mjs';
import { ensureChromium, ensureMariaDb } from './services.mjs';

const started = performance.now();
const args = process.argv.slice(2);
const firstOption = args.findIndex((arg) => arg.startsWith('-'));
const picked = firstOption === -1 ? args : args.slice(0, firstOption);
const options = firstOption === -1 ? [] : args.slice(firstOption);

installDependencies();
// The card page is measured in Chromium on the built H5 app; the others need only the server.
const cardPage = picked.length === 0 || picked.includes('card-page');
build(cardPage ? ['shared', 'server', 'h5'] : ['shared', 'server']);
if (cardPage) {
  const chromium = ensureChromium();
  if (!chromium.ok) {
    log(`the card-page benchmark needs Chromium: ${chromium.reason}`);
    process.exit(1);
  }
}
await ensureMariaDb({ required: true });

const available = readdirSync(join(root, 'bench'))
  .filter((name) => name.endsWith('.bench.mjs'))
  .sort();
const unknown = picked.filter((name) => !available.includes(`${name}.bench.mjs`));
if (unknown.length > 0) {
  const names = available.map((name) => name.replace(/\.bench\.mjs$/, ''));
  log(`no benchmark named ${unknown.join(', ')}; there are: ${names.join(', ')}`);
  process.exit(2);
}
const benches = picked.length > 0 ? picked.map((name) => `${name}.bench.mjs`) : available;
const failed = [];
for (const name of benches) {
  log(`bench ${name}`);
  const code = await run(process.execPath, [join('bench', name), ...options]);
  if (code !== 0) failed.push(`${name} (exit ${code})`);
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failed.length > 0) {
  log(`${failed.length} of ${benches.length} benchmarks failed: ${failed.join(', ')} (${seconds} s)`);
  process.exit(1);
}
log(`${benches.length} benchmarks done in ${seconds} s`);
