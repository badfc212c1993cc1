import Taro from '@tarojs/taro';

const TOKEN_KEY = 'huika.token';
/** The member session's single-use refresh token, next to its access token (1 hour). */
const REFRESH_KEY = 'huika.refreshToken';

/** The bearer token of the signed-in member, kept in Taro storage across launches. */
export function getToken(): string | null {
  return stored(TOKEN_KEY);
}

export function getRefreshToken(): string | null {
  return stored(REFRESH_KEY);
}

/** A new access token in the same session (a join answers one carrying the member id): the refresh token stays. */
export function setToken(token: string): void {
  Taro.setStorageSync(TOKEN_KEY, token);
}

/** A login or refresh answer: a new access token and the refresh token that renews it. */
export function setSession(session: { token: string; refreshToken: string }): void {
  Taro.setStorageSync(TOKEN_KEY, session.token);
  Taro.setStorageSync(REFRESH_KEY, session.refreshToken);
}

export function clearToken(): void {
  Taro.removeStorageSync(TOKEN_KEY);
  Taro.removeStorageSync(REFRESH_KEY);
}

function stored(key: string): string | null {
  const value: unknown = Taro.getStorageSync(key);
  return typeof value === 'string' && value.length > 0 ? value : null;
}
