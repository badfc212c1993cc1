import { Text, View } from '@tarojs/components';
import { useReachBottom } from '@tarojs/taro';
import { Receipt } from '@nutui/icons-react-taro';
import { formatFen, formatPoints, routes, type ResponseOf } from '@huika/shared';
import { callApi } from '../../api/client';
import { interpolate, tMember } from '../../i18n';
import { ListFooter } from '../../member/components/list-footer';
import { EmptyState, ErrorState, LoadingState } from '../../member/components/page-state';
import { formatDateTime } from '../../member/format';
import { usePagedList } from '../../member/hooks/use-paged-list';
import './index.scss';

const text = tMember.purchases;

type Purchase = ResponseOf<typeof routes.myPurchases>['items'][number];

const PAGE_SIZE = 20;

/** The member's purchases, newest first: store, what was paid, points earned and any refund. */
export default function PurchasesPage() {
  const list = usePagedList((cursor) =>
    callApi(routes.myPurchases, { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } }),
  );
  useReachBottom(list.loadMore);

  return (
    <View className="purchases-page">
      {list.state.status === 'loading' && <LoadingState />}
      {list.state.status === 'failed' && <ErrorState error={list.state.error} onRetry={list.reload} />}
      {list.state.status === 'ready' && list.state.items.length === 0 && (
        <EmptyState icon={<Receipt size={28} />} title={text.emptyTitle} description={text.emptyDescription} />
      )}
      {list.state.status === 'ready' &&
        list.state.items.map((purchase) => <PurchaseCard key={purchase.id} purchase={purchase} />)}
      <ListFooter state={list.state} onMore={list.loadMore} />
    </View>
  );
}

function PurchaseCard({ purchase }: { purchase: Purchase }) {
  return (
    <View className="purchase-card">
      <View className="purchase-card__head">
        <Text className="purchase-card__store">{purchase.storeName}</Text>
        <Text className={`purchase-card__status purchase-card__status--${purchase.status}`}>
          {text.status[purchase.status]}
        </Text>
      </View>
      <Text className="purchase-card__meta">{formatDateTime(purchase.createdAt)}</Text>
      <Text className="purchase-card__lines">
        {purchase.lines
          .map((line) => interpolate(text.line, { name: line.name, quantity: line.quantity }))
          .join(text.lineSeparator)}
      </Text>
      <View className="purchase-card__footer">
        <Text className="purchase-card__paid">
          {interpolate(text.paid, { amount: formatFen(purchase.totals.payableFen) })}
        </Text>
        {purchase.pointsEarned > 0 && (
          <Text className="purchase-card__points">
            {interpolate(text.earned, { points: formatPoints(purchase.pointsEarned) })}
          </Text>
        )}
      </View>
      {purchase.refundedFen > 0 && (
        <Text className="purchase-card__refund">
          {interpolate(text.refunded, { amount: formatFen(purchase.refundedFen) })}
        </Text>
      )}
    </View>
  );
}
