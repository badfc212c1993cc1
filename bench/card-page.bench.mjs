// Card-page benchmark: how much JavaScript the member's card page loads before its QR code shows (gzip) and
// how long it takes from navigation to a visible QR code, in headless Chromium on localhost.
// `node bench/card-page.bench.mjs [--runs N]` (default 7 runs). Needs the server and the H5 app built
// (`node scripts/build.mjs shared server h5`) and Chromium (/usr/bin/chromium or HUIKA_CHROMIUM).
//
// It starts the built server on a temporary SQLite database (development mode, demo seed), makes one member
// through the development login, and opens /pages/card/index in a fresh browser context per run (cold cache),
// signed in through Taro's storage. The time is read inside the page: performance.now() (milliseconds since
// the navigation started) at the first animation frame in which `.card-qr` is visible with its modules drawn.
// The size is every script response of that navigation up to then, each gzipped here at zlib's default level
// (the server sends them uncompressed; a proxy in front would compress them).
/* global window, document -- the functions given to page.evaluate and waitForFunction run in the page */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { freePort } from './lib/machine.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_MAIN = join(ROOT, 'server', 'dist', 'main.js');
const H5_INDEX = join(ROOT, 'miniapp', 'dist', 'h5', 'index.html');
const CHROMIUM = process.env.HUIKA_CHROMIUM ?? '/usr/bin/chromium';
// playwright-core lives in the test package; the bench package does not depend on it.
const { chromium } = createRequire(join(ROOT, 'test', 'package.json'))('playwright-core');

const CARD_PATH = '/pages/card/index';
const TOKEN_KEY = 'huika.token';

function parseArgs(argv) {
  const options = { runs: 7 };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--runs') options.runs = Number(argv[(i += 1)]);
    else throw new Error(`unknown argument ${argv[i]}; usage: node bench/card-page.bench.mjs [--runs N]`);
  }
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs must be a positive integer');
  return options;
}

async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'huika-bench-card-'));
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [SERVER_MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dir, 'huika.sqlite')}`,
      HUIKA_DEV: 'true',
      HUIKA_DEMO: 'true',
      HUIKA_ADMIN_PASSWORD: 'bench-admin-password',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    const healthy = await fetch(`${baseUrl}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not become healthy in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function post(baseUrl, path, body, token) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** A member through the development login: the token the card page is opened with. */
async function makeMember(baseUrl) {
  const login = await post(baseUrl, '/api/dev/login', { openid: 'o-bench-card' });
  const joined = await post(
    baseUrl,
    '/api/members',
    { name: '基准会员', birthday: '1990-05-06', phone: '13900009999', consentVersion: '2026-01' },
    login.token,
  );
  return joined.token;
}

async function measureOnce(browser, baseUrl, token) {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
  // Taro's H5 storage keeps each value as {"data": ...} in localStorage.
  await context.addInitScript(
    ([key, value]) => window.localStorage.setItem(key, JSON.stringify({ data: value })),
    [TOKEN_KEY, token],
  );
  const page = await context.newPage();
  const scripts = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') scripts.push(response);
  });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${baseUrl}${CARD_PATH}`, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    () => {
      const qr = document.querySelector('.card-qr');
      if (!qr || !qr.querySelector('.qr-code__module')) return false;
      const box = qr.getBoundingClientRect();
      return box.width > 0 && box.height > 0 ? performance.now() : false;
    },
    undefined,
    { polling: 'raf', timeout: 30_000 },
  );
  const qrVisibleMs = await handle.jsonValue();
  const loaded = scripts.filter((response) => response.url().startsWith(baseUrl));
  const bodies = await Promise.all(loaded.map((response) => response.body()));
  const rawBytes = bodies.reduce((sum, body) => sum + body.length, 0);
  const gzipBytes = bodies.reduce((sum, body) => sum + gzipSync(body).length, 0);
  await context.close();
  if (errors.length > 0) throw new Error(`the card page threw: ${errors.join('; ')}`);
  return { qrVisibleMs, rawBytes, gzipBytes, files: loaded.map((response) => new URL(response.url()).pathname) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

async function main() {
  const options = parseArgs(process.argv.slice(2));
  for (const [file, hint] of [
    [SERVER_MAIN, 'node scripts/build.mjs shared server'],
    [H5_INDEX, 'node scripts/build.mjs h5'],
  ]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: build it first (${hint})`);
  }
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const token = await makeMember(server.baseUrl);
    // One unmeasured run warms the server (first reads of the bundles from disk, the first queries).
    await measureOnce(browser, server.baseUrl, token);
    const runs = [];
    for (let i = 0; i < options.runs; i += 1) runs.push(await measureOnce(browser, server.baseUrl, token));
    const times = runs.map((run) => run.qrVisibleMs);
    const last = runs[runs.length - 1];
    console.log(`card page (${CARD_PATH}), ${options.runs} cold-cache runs in headless Chromium on localhost`);
    console.log(
      `  initial JavaScript: ${kib(last.gzipBytes)} gzip (${kib(last.rawBytes)} raw) in ${last.files.length} files`,
    );
    for (const file of last.files) console.log(`    ${file}`);
    console.log(
      `  navigation -> visible QR: median ${median(times).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`,
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
