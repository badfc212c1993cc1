import { t, tMember } from './i18n';

export default defineAppConfig({
  pages: [
    'pages/index/index',
    // The member app; card, gifts and me are the tab bar's pages, which WeChat wants in the main package.
    'pages/join/index',
    'pages/card/index',
    'pages/gifts/index',
    'pages/me/index',
  ],
  subPackages: [
    { root: 'pages/points', pages: ['index'] },
    { root: 'pages/coupons', pages: ['index'] },
    { root: 'pages/redemptions', pages: ['index'] },
    { root: 'pages/invite', pages: ['index'] },
    { root: 'pages/activities', pages: ['index'] },
    { root: 'pages/purchases', pages: ['index'] },
    { root: 'pages/terms', pages: ['index'] },
    {
      root: 'pages/staff',
      pages: ['login/index', 'scan/index', 'checkout/index', 'receipt/index', 'refunds/index', 'pickups/index'],
    },
  ],
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f4f7f6',
    navigationBarBackgroundColor: '#0a5c50',
    navigationBarTitleText: t.app.title,
    navigationBarTextStyle: 'white',
  },
  tabBar: {
    color: '#8c9a97',
    selectedColor: '#0e7c66',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      {
        pagePath: 'pages/card/index',
        text: tMember.tabs.card,
        iconPath: 'member/assets/tab-card.png',
        selectedIconPath: 'member/assets/tab-card-active.png',
      },
      {
        pagePath: 'pages/gifts/index',
        text: tMember.tabs.gifts,
        iconPath: 'member/assets/tab-gifts.png',
        selectedIconPath: 'member/assets/tab-gifts-active.png',
      },
      {
        pagePath: 'pages/me/index',
        text: tMember.tabs.me,
        iconPath: 'member/assets/tab-me.png',
        selectedIconPath: 'member/assets/tab-me-active.png',
      },
    ],
  },
});
