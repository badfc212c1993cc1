import { tMember } from '../../i18n';

export default definePageConfig({
  navigationBarTitleText: tMember.titles.gifts,
  onReachBottomDistance: 120,
});
