import { t } from './i18n';

export default defineAppConfig({
  pages: ['pages/index/index'],
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f4f7f6',
    navigationBarBackgroundColor: '#0a5c50',
    navigationBarTitleText: t.app.title,
    navigationBarTextStyle: 'white',
  },
});
