import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useReachBottom } from '@tarojs/taro';
import { Gift } from '@nutui/icons-react-taro';
import { formatPoints, routes, type ResponseOf } from '@huika/shared';
import { callApi } from '../../api/client';
import { interpolate, tMember } from '../../i18n';
import { ListFooter } from '../../member/components/list-footer';
import { EmptyState, ErrorState, LoadingState } from '../../member/components/page-state';
import { QrCode } from '../../member/components/qr-code';
import { formatDateTime } from '../../member/format';
import { usePageVisibility } from '../../member/hooks/use-page-show';
import { usePagedList } from '../../member/hooks/use-paged-list';
import { openMemberPage } from '../../member/navigation';
import { memberPaths } from '../../member/paths';
import './index.scss';

const text = tMember.redemptions;

type Redemption = ResponseOf<typeof routes.myRedemptions>['items'][number];

const PAGE_SIZE = 20;

/** The member's gift redemptions, newest first, each with its pickup code (and QR) until it is collected. */
export default function RedemptionsPage() {
  const list = usePagedList((cursor) =>
    callApi(routes.myRedemptions, { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } }),
  );
  const [openId, setOpenId] = useState<string | null>(null);

  useReachBottom(list.loadMore);
  usePageVisibility(list.reload);

  return (
    <View className="redemptions-page">
      {list.state.status === 'loading' && <LoadingState />}
      {list.state.status === 'failed' && <ErrorState error={list.state.error} onRetry={list.reload} />}
      {list.state.status === 'ready' && list.state.items.length === 0 && (
        <EmptyState
          icon={<Gift size={28} />}
          title={text.emptyTitle}
          description={text.emptyDescription}
          actionText={text.goGifts}
          onAction={() => openMemberPage(memberPaths.gifts)}
        />
      )}
      {list.state.status === 'ready' &&
        list.state.items.map((redemption, index) => {
          // Until the member picks one, the newest still to collect shows its code: it is the one they came for.
          const open = openId === null ? index === 0 && redemption.status === 'pending' : openId === redemption.id;
          return (
            <RedemptionCard
              key={redemption.id}
              redemption={redemption}
              open={open}
              onToggle={() => setOpenId(open ? '' : redemption.id)}
            />
          );
        })}
      <ListFooter state={list.state} onMore={list.loadMore} />
    </View>
  );
}

function RedemptionCard({
  redemption,
  open,
  onToggle,
}: {
  redemption: Redemption;
  open: boolean;
  onToggle: () => void;
}) {
  const pending = redemption.status === 'pending';
  return (
    <View className={`redemption-card redemption-card--${redemption.status}`}>
      <View className="redemption-card__head">
        <View className="redemption-card__title">
          <Text className="redemption-card__name">{redemption.giftName}</Text>
          <Text className="redemption-card__quantity">
            {interpolate(text.quantity, { quantity: redemption.quantity })}
          </Text>
        </View>
        <Text className={`redemption-card__status redemption-card__status--${redemption.status}`}>
          {text.status[redemption.status]}
        </Text>
      </View>
      <Text className="redemption-card__meta">
        {interpolate(tMember.gifts.pointsSpent, { points: formatPoints(redemption.pointsSpent) })}
      </Text>
      <Text className="redemption-card__meta">
        {interpolate(text.redeemedAt, { date: formatDateTime(redemption.createdAt) })}
      </Text>
      {redemption.collectedAt && (
        <Text className="redemption-card__meta">
          {interpolate(text.collectedAt, { date: formatDateTime(redemption.collectedAt) })}
        </Text>
      )}
      {redemption.exchangedAt && (
        <Text className="redemption-card__meta">
          {interpolate(text.exchangedAt, { date: formatDateTime(redemption.exchangedAt) })}
        </Text>
      )}
      <View className="redemption-card__code-row" onClick={pending ? onToggle : undefined}>
        <Text className="redemption-card__code-label">{text.pickupCode}</Text>
        <Text className="redemption-card__code">{redemption.pickupCode}</Text>
        {pending && <Text className="redemption-card__toggle">{open ? text.hideQr : text.showQr}</Text>}
      </View>
      {pending && open && (
        <View className="redemption-card__qr">
          <QrCode className="pickup-qr" value={redemption.pickupCode} size={180} />
          <Text className="redemption-card__hint">{text.pickupHint}</Text>
        </View>
      )}
    </View>
  );
}
