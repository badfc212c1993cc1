/**
 * Where the H5 app lives: its own origin in the browser; for the mini-program, the server it calls, which serves
 * the H5 app too. Scene links (join QR codes) point there, so one code opens the H5 join page or, once the brand
 * registers the link prefix with WeChat, the mini-program's.
 */
export function h5Origin(): string {
  if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined') {
    return window.location.origin;
  }
  return API_BASE_URL;
}

/** The full link of a mini-program path such as `pages/join/index?scene=ABC`. */
export function h5Link(path: string): string {
  return `${h5Origin()}/${path.replace(/^\//, '')}`;
}
