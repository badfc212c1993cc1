import { tMember } from '../../i18n';

export default definePageConfig({
  navigationBarTitleText: tMember.titles.purchases,
  onReachBottomDistance: 120,
});
