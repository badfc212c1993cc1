// Draws the app's PNG icons from SVG with headless Chromium: the H5 web-app icons (manifest, home screen) and the
// tab bar icons, which WeChat wants as PNG files. The PNGs are committed; run this again after changing a drawing:
//   node miniapp/scripts/make-icons.mjs            (HUIKA_CHROMIUM overrides /usr/bin/chromium)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const miniapp = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.env.HUIKA_CHROMIUM ?? '/usr/bin/chromium';

const BRAND = '#0a5c50';
const GOLD = '#e2b04a';
const TAB_IDLE = '#8c9a97';
const TAB_ACTIVE = '#0e7c66';
const TAB_ACTIVE_FILL = '#e1f3ed';

/** The brand mark (the favicon in index.html): two pillars of an "H" and a gold point on deep green. */
function brandMark({ size, maskable }) {
  // A maskable icon may be cut to any shape inside its middle 80%: full-bleed green, the mark kept small.
  const scale = maskable ? 0.72 : 1;
  const offset = (64 - 64 * scale) / 2;
  const background = maskable
    ? `<rect width="64" height="64" fill="${BRAND}"/>`
    : `<rect width="64" height="64" rx="14" fill="${BRAND}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 64 64">
  ${background}
  <g transform="translate(${offset} ${offset}) scale(${scale})">
    <rect x="17" y="16" width="8" height="32" rx="4" fill="#fff"/>
    <rect x="39" y="16" width="8" height="32" rx="4" fill="#fff"/>
    <circle cx="32" cy="32" r="6" fill="${GOLD}"/>
  </g>
</svg>`;
}

const TAB_SHAPES = {
  card: (stroke, fill) => `
    <rect x="3" y="5" width="18" height="14" rx="2.5" fill="${fill}" stroke="${stroke}"/>
    <path d="M3 9.5h18" stroke="${stroke}"/>
    <rect x="6" y="13" width="5" height="3" rx="0.8" fill="${stroke}" stroke="none"/>`,
  gifts: (stroke, fill) => `
    <rect x="5" y="12" width="14" height="8.5" rx="1.2" fill="${fill}" stroke="${stroke}"/>
    <rect x="3.5" y="8" width="17" height="4" rx="1" fill="${fill}" stroke="${stroke}"/>
    <path d="M12 8v12.5" stroke="${stroke}"/>
    <path d="M12 8c-1.2-3.2-5.2-4-5.2-1.6C6.8 8 12 8 12 8zM12 8c1.2-3.2 5.2-4 5.2-1.6C17.2 8 12 8 12 8z" fill="none" stroke="${stroke}"/>`,
  me: (stroke, fill) => `
    <circle cx="12" cy="8.5" r="3.8" fill="${fill}" stroke="${stroke}"/>
    <path d="M4.5 20c0-4 3.4-6.5 7.5-6.5s7.5 2.5 7.5 6.5" fill="${fill}" stroke="${stroke}"/>`,
};

function tabIcon(shape, active) {
  const stroke = active ? TAB_ACTIVE : TAB_IDLE;
  const fill = active ? TAB_ACTIVE_FILL : 'none';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="81" height="81" viewBox="0 0 24 24" fill="none"
  stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round">${TAB_SHAPES[shape](stroke, fill)}</svg>`;
}

const icons = [
  { file: 'src/pwa/icon-192.png', size: 192, svg: brandMark({ size: 192, maskable: false }) },
  { file: 'src/pwa/icon-512.png', size: 512, svg: brandMark({ size: 512, maskable: false }) },
  { file: 'src/pwa/icon-maskable-512.png', size: 512, svg: brandMark({ size: 512, maskable: true }) },
  { file: 'src/pwa/apple-touch-icon.png', size: 180, svg: brandMark({ size: 180, maskable: true }) },
  ...Object.keys(TAB_SHAPES).flatMap((shape) => [
    { file: `src/member/assets/tab-${shape}.png`, size: 81, svg: tabIcon(shape, false) },
    { file: `src/member/assets/tab-${shape}-active.png`, size: 81, svg: tabIcon(shape, true) },
  ]),
];

const work = mkdtempSync(join(tmpdir(), 'huika-icons-'));
try {
  for (const icon of icons) {
    const page = join(work, 'icon.html');
    writeFileSync(page, `<!doctype html><html><body style="margin:0;background:transparent">${icon.svg}</body></html>`);
    execFileSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        '--default-background-color=00000000',
        `--window-size=${icon.size},${icon.size}`,
        `--screenshot=${join(miniapp, icon.file)}`,
        `file://${page}`,
      ],
      { stdio: 'ignore', timeout: 60_000 },
    );
    process.stdout.write(`${icon.file}\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
