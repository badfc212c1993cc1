import { tMember } from '../../i18n';

export default definePageConfig({
  navigationBarTitleText: tMember.titles.card,
  enablePullDownRefresh: true,
  backgroundColor: '#0a5c50',
  backgroundTextStyle: 'light',
});
