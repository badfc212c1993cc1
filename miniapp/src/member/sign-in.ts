import Taro from '@tarojs/taro';
import { currentRoute } from './navigation';
import { memberPaths } from './paths';

/**
 * Sends the member to the join page, which signs in (WeChat or SMS) and joins. Called by the API client when a
 * member route answers 401, and by pages when the signed-in identity has no member yet. On the join page
 * itself it does nothing: that page is already asking.
 */
export function goToJoin(): void {
  if (currentRoute() === memberPaths.join.slice(1)) {
    return;
  }
  void Taro.reLaunch({ url: memberPaths.join });
}
