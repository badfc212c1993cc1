import Taro from '@tarojs/taro';

const TOKEN_KEY = 'huika.token';

/** The bearer token of the signed-in member or staff user, kept in Taro storage across launches. */
export function getToken(): string | null {
  const stored: unknown = Taro.getStorageSync(TOKEN_KEY);
  return typeof stored === 'string' && stored.length > 0 ? stored : null;
}

export function setToken(token: string): void {
  Taro.setStorageSync(TOKEN_KEY, token);
}

export function clearToken(): void {
  Taro.removeStorageSync(TOKEN_KEY);
}
