import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useReachBottom } from '@tarojs/taro';
import { Tabs } from '@nutui/nutui-react-taro';
import { Coupon } from '@nutui/icons-react-taro';
import { CouponStatus, formatFen, routes, type ResponseOf } from '@huika/shared';
import { callApi } from '../../api/client';
import { interpolate, tMember } from '../../i18n';
import { ListFooter } from '../../member/components/list-footer';
import { EmptyState, ErrorState, LoadingState } from '../../member/components/page-state';
import { discountLabel, formatDate, formatExpiryDate } from '../../member/format';
import { usePageVisibility } from '../../member/hooks/use-page-show';
import { usePagedList } from '../../member/hooks/use-paged-list';
import './index.scss';

const text = tMember.coupons;

type Coupon = ResponseOf<typeof routes.myCoupons>['items'][number];
type Status = Coupon['status'];

const STATUSES: readonly Status[] = CouponStatus.options;
const PAGE_SIZE = 20;

/** The coupon wallet: what can be used now, what was used, what expired. */
export default function CouponsPage() {
  const [status, setStatus] = useState<Status>('available');

  return (
    <View className="coupons-page">
      <Tabs
        className="coupons-page__tabs"
        value={status}
        activeType="line"
        onChange={(value) => setStatus(STATUSES.find((candidate) => candidate === value) ?? 'available')}
      >
        {STATUSES.map((candidate) => (
          <Tabs.TabPane key={candidate} value={candidate} title={text.tabs[candidate]}>
            {candidate === status && <CouponList status={candidate} />}
          </Tabs.TabPane>
        ))}
      </Tabs>
    </View>
  );
}

function CouponList({ status }: { status: Status }) {
  const list = usePagedList((cursor) =>
    callApi(routes.myCoupons, { query: { status, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } }),
  );
  useReachBottom(list.loadMore);
  usePageVisibility(list.reload);

  return (
    <View className="coupon-list">
      {list.state.status === 'loading' && <LoadingState />}
      {list.state.status === 'failed' && <ErrorState error={list.state.error} onRetry={list.reload} />}
      {list.state.status === 'ready' && list.state.items.length === 0 && (
        <EmptyState
          icon={<Coupon size={28} />}
          title={text.empty[status]}
          description={status === 'available' ? text.emptyDescription : undefined}
        />
      )}
      {list.state.status === 'ready' &&
        list.state.items.map((coupon) => <CouponCard key={coupon.id} coupon={coupon} />)}
      <ListFooter state={list.state} onMore={list.loadMore} />
      {list.state.status === 'ready' && list.state.items.length > 0 && status === 'available' && (
        <Text className="coupon-list__hint">{text.useAtTill}</Text>
      )}
    </View>
  );
}

/** The coupon's face value as printed on it: "¥10", "8折", or "兑换券". */
function faceValue(coupon: Coupon): string {
  if (coupon.kind === 'percentOff' && coupon.percent !== null) {
    // `percent` is what is taken off (20 = 20% off); the Chinese face shows what is paid: 8折.
    return discountLabel(100 - coupon.percent) ?? text.giftVoucher;
  }
  if (coupon.kind === 'itemVoucher') {
    return text.giftVoucher;
  }
  return formatFen(coupon.valueFen ?? 0, { compact: true });
}

/** The cap a percent-off coupon or an item voucher has, if any: "最多减 ¥50", "最高抵 ¥30". */
function capLabel(coupon: Coupon): string | null {
  if (coupon.kind === 'percentOff' && coupon.maxDiscountFen !== null) {
    return interpolate(text.maxDiscount, { amount: formatFen(coupon.maxDiscountFen, { compact: true }) });
  }
  if (coupon.kind === 'itemVoucher' && coupon.valueFen !== null) {
    return interpolate(text.voucherCap, { amount: formatFen(coupon.valueFen, { compact: true }) });
  }
  return null;
}

function CouponCard({ coupon }: { coupon: Coupon }) {
  const face = faceValue(coupon);
  const cap = capLabel(coupon);
  const condition =
    coupon.minSpendFen > 0
      ? interpolate(text.minSpend, { amount: formatFen(coupon.minSpendFen, { compact: true }) })
      : text.noMinSpend;
  return (
    <View className={`coupon-card coupon-card--${coupon.status}`}>
      <View className="coupon-card__face">
        <Text className="coupon-card__value">{face}</Text>
        <Text className="coupon-card__condition">{condition}</Text>
      </View>
      <View className="coupon-card__body">
        <Text className="coupon-card__name">{coupon.name}</Text>
        {cap && <Text className="coupon-card__cap">{cap}</Text>}
        <Text className="coupon-card__validity">
          {interpolate(text.validRange, { from: formatDate(coupon.validFrom), to: formatExpiryDate(coupon.validTo) })}
        </Text>
        {coupon.status === 'used' && coupon.usedAt && (
          <Text className="coupon-card__validity">{interpolate(text.usedAt, { date: formatDate(coupon.usedAt) })}</Text>
        )}
      </View>
      {coupon.status !== 'available' && <Text className="coupon-card__stamp">{text.status[coupon.status]}</Text>}
    </View>
  );
}
