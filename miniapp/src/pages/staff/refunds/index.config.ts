import { tStaff } from '../../../i18n';

export default definePageConfig({
  navigationBarTitleText: tStaff.titles.refunds,
});
