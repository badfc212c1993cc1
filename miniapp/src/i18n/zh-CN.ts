import type { Messages } from './messages';

export const zhCN: Messages = {
  app: {
    name: 'Huika 会员',
    title: 'Huika 会员',
  },
  home: {
    tagline: '每一次光临，都有回报',
    lead: '一张会员卡，积分、等级与礼品尽在掌握',
    joinTitle: '开启你的会员之旅',
    joinDescription: '加入后即可累积积分、升级等级、兑换礼品',
    joinButton: '加入会员',
    comingSoon: '即将开放',
    benefitsTitle: '会员权益',
    benefits: {
      points: { title: '积分', description: '消费即积分，积少成多' },
      tiers: { title: '等级', description: '成长可升级，礼遇更多' },
      gifts: { title: '礼品', description: '积分兑好礼，惊喜常在' },
    },
  },
  status: {
    checking: '正在连接服务…',
    healthy: '服务正常 · 数据库 {db}',
    unavailable: '服务暂不可用：{message}',
    retry: '重试',
  },
  apiErrors: {
    network: '网络连接失败，请稍后再试',
    invalidResponse: '服务返回了无法识别的数据',
    httpStatus: '请求失败（HTTP {status}）',
  },
};
