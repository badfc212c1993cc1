import { Text, View } from '@tarojs/components';
import { useReachBottom } from '@tarojs/taro';
import { StarFill } from '@nutui/icons-react-taro';
import { formatPoints, routes, type ResponseOf } from '@huika/shared';
import { callApi } from '../../api/client';
import { interpolate, tMember } from '../../i18n';
import { ListFooter } from '../../member/components/list-footer';
import { EmptyState, ErrorState, LoadingState, ResourceView } from '../../member/components/page-state';
import { formatDateTime, formatExpiryDate, signedPoints } from '../../member/format';
import { usePagedList } from '../../member/hooks/use-paged-list';
import { useResource } from '../../member/hooks/use-resource';
import './index.scss';

const text = tMember.points;

type Me = ResponseOf<typeof routes.me>;
type Entry = ResponseOf<typeof routes.myPointEntries>['items'][number];

const PAGE_SIZE = 20;

/** Balance, what is pending, what expires when, and the ledger page by page. */
export default function PointsPage() {
  const me = useResource(() => callApi(routes.me));
  const entries = usePagedList((cursor) =>
    callApi(routes.myPointEntries, { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } }),
  );

  useReachBottom(entries.loadMore);

  return (
    <View className="points-page">
      <ResourceView state={me.state} onRetry={() => void me.reload()}>
        {(member) => <PointsSummary points={member.points} />}
      </ResourceView>

      <View className="points-history">
        <Text className="points-history__title">{text.historyTitle}</Text>
        {entries.state.status === 'loading' && <LoadingState />}
        {entries.state.status === 'failed' && <ErrorState error={entries.state.error} onRetry={entries.reload} />}
        {entries.state.status === 'ready' && entries.state.items.length === 0 && (
          <EmptyState icon={<StarFill size={28} />} title={text.emptyTitle} description={text.emptyDescription} />
        )}
        {entries.state.status === 'ready' &&
          entries.state.items.map((entry) => <PointsEntryRow key={entry.id} entry={entry} />)}
        <ListFooter state={entries.state} onMore={entries.loadMore} />
      </View>
    </View>
  );
}

function PointsSummary({ points }: { points: Me['points'] }) {
  return (
    <View className="points-summary">
      <View className="points-summary__main">
        <Text className="points-summary__label">{text.balance}</Text>
        <Text className="points-summary__balance">{formatPoints(points.balance)}</Text>
        {points.balance < 0 && <Text className="points-summary__warning">{text.negativeHint}</Text>}
      </View>
      {points.pending > 0 && (
        <View className="points-summary__pending">
          <Text>
            {text.pending} <Text className="points-summary__pending-value">{formatPoints(points.pending)}</Text>
          </Text>
          <Text className="points-summary__pending-hint">{text.pendingHint}</Text>
        </View>
      )}
      <View className="points-summary__expiring">
        <Text className="points-summary__expiring-title">{text.expiringTitle}</Text>
        {points.expiring.length === 0 ? (
          <Text className="points-summary__expiring-none">{text.noneExpiring}</Text>
        ) : (
          points.expiring.map((lot) => (
            <Text key={lot.expiresAt} className="points-summary__expiring-item">
              {interpolate(text.expiringItem, {
                points: formatPoints(lot.points),
                date: formatExpiryDate(lot.expiresAt),
              })}
            </Text>
          ))
        )}
      </View>
    </View>
  );
}

/** Where an entry came from, when the ledger says so in a way a member understands. */
function sourceLabel(refType: string): string | null {
  return (text.sources as Record<string, string | undefined>)[refType] ?? null;
}

function PointsEntryRow({ entry }: { entry: Entry }) {
  const direction = entry.points > 0 ? 'in' : entry.points < 0 ? 'out' : 'none';
  return (
    <View className="points-entry">
      <View className="points-entry__main">
        <View className="points-entry__kind-row">
          <Text className="points-entry__kind">{text.kinds[entry.kind]}</Text>
          {entry.pending && <Text className="points-entry__pending">{text.pendingTag}</Text>}
        </View>
        <Text className="points-entry__meta">
          {sourceLabel(entry.refType)
            ? `${sourceLabel(entry.refType)} · ${formatDateTime(entry.createdAt)}`
            : formatDateTime(entry.createdAt)}
        </Text>
        {entry.expiresAt && entry.points > 0 && (
          <Text className="points-entry__meta">
            {interpolate(text.expiresAt, { date: formatExpiryDate(entry.expiresAt) })}
          </Text>
        )}
      </View>
      <View className="points-entry__side">
        <Text className={`points-entry__points points-entry__points--${direction}`}>{signedPoints(entry.points)}</Text>
        <Text className="points-entry__meta">
          {interpolate(text.balanceAfter, { points: formatPoints(entry.balanceAfter) })}
        </Text>
      </View>
    </View>
  );
}
