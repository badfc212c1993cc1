import { tMember } from '../../i18n';

export default definePageConfig({
  navigationBarTitleText: tMember.titles.activities,
  onReachBottomDistance: 120,
});
