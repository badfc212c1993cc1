import Taro from '@tarojs/taro';
import { isTabPath, memberPaths, type MemberPath } from './paths';

/** Opens a member page: tab pages by switchTab (the only way into them), the others on top of the stack. */
export function openMemberPage(path: MemberPath): void {
  if (isTabPath(path)) {
    void Taro.switchTab({ url: path });
  } else {
    void Taro.navigateTo({ url: path });
  }
}

/** Leaves the sign-in flow for the member's home, the card, with nothing to go back to. */
export function enterCard(): void {
  void Taro.reLaunch({ url: memberPaths.card });
}

/** The route of the page on top, without the leading slash (`pages/join/index`), or '' before any page. */
export function currentRoute(): string {
  const pages = Taro.getCurrentPages();
  const top = pages[pages.length - 1];
  return (top?.route ?? '').replace(/^\//, '').split('?')[0] ?? '';
}
