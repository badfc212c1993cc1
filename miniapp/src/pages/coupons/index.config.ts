import { tMember } from '../../i18n';

export default definePageConfig({
  navigationBarTitleText: tMember.titles.coupons,
  onReachBottomDistance: 120,
});
