/* global self, caches */
// The H5 app's service worker: the app shell (index.html, the bundles, the icons) opens without a network, and
// the API is never cached. Registered only by production H5 builds (src/member/pwa.ts).
//
// - /api/*: not touched. The request goes to the network as if there were no worker, so no answer is ever
//   stored and an offline call fails the way the app already shows ("网络连接失败").
// - Pages (navigations): network first, so a new release is picked up at once; offline, the cached index.html
//   (every route is the same single-page app).
// - Hashed bundles (/js, /css) and static files: cache first; they never change under the same name. At install
//   the worker caches every member page's files, so a page opened offline for the first time still loads; a
//   release changes the list, hence this file, hence a new worker with a new cache.

// Filled in by the H5 build (config/service-worker.ts): the member app's files and a version made from them.
const PRECACHE = self.__HUIKA_PRECACHE__ || { version: 'unbuilt', files: [] };
const CACHE_PREFIX = 'huika-shell-';
const SHELL_CACHE = `${CACHE_PREFIX}${PRECACHE.version}`;
const STATIC_FILES = ['/manifest.webmanifest', '/icon-192.png', '/icon-512.png'];

function isApi(url) {
  return url.pathname === '/api' || url.pathname.startsWith('/api/');
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      const index = await fetch('/', { cache: 'no-cache' });
      if (index.ok) {
        await cache.put('/', index);
      }
      await cache.addAll([...PRECACHE.files, ...STATIC_FILES]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== SHELL_CACHE)
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

async function networkFirstPage(request) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && (response.headers.get('content-type') || '').includes('text/html')) {
      await cache.put('/', response.clone());
    }
    return response;
  } catch (error) {
    const shell = await cache.match('/');
    if (shell) return shell;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isApi(url)) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirstPage(request));
    return;
  }
  if (/^\/(js|css|static)\//.test(url.pathname) || STATIC_FILES.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});
