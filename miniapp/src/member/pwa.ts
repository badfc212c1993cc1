/**
 * Registers the service worker that lets the H5 app open offline and be installed (src/pwa/sw.js, copied to the
 * site root by the H5 build). Production H5 builds only: in development a cached shell would hide changes, and
 * the mini-program has no service workers.
 */
export function registerServiceWorker(): void {
  if (process.env.TARO_ENV !== 'h5' || process.env.NODE_ENV !== 'production') {
    return;
  }
  if (typeof window === 'undefined' || !('serviceWorker' in navigator)) {
    return;
  }
  const register = () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // Without a worker the app still works, online only: nothing to tell the member.
    });
  };
  if (document.readyState === 'complete') {
    register();
  } else {
    window.addEventListener('load', register, { once: true });
  }
}
