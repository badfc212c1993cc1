import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import Taro, { useReachBottom } from '@tarojs/taro';
import { Button, Dialog } from '@nutui/nutui-react-taro';
import { Calendar } from '@nutui/icons-react-taro';
import { formatPoints, routes, type ResponseOf } from '@huika/shared';
import { callApi } from '../../api/client';
import { interpolate, tMember } from '../../i18n';
import { ListFooter } from '../../member/components/list-footer';
import { EmptyState, ErrorState, LoadingState } from '../../member/components/page-state';
import { errorMessage, toApiError } from '../../member/errors';
import { formatDateTime } from '../../member/format';
import { newIdempotencyKey } from '../../member/ids';
import { usePageVisibility } from '../../member/hooks/use-page-show';
import { usePagedList } from '../../member/hooks/use-paged-list';
import '../../member/styles/dialog.scss';
import './index.scss';

const text = tMember.activities;

type Activity = ResponseOf<typeof routes.activities>['items'][number];

interface Pending {
  activity: Activity;
  action: 'signUp' | 'cancel';
  idempotencyKey: string;
}

const PAGE_SIZE = 20;

/** Member activities (会员活动): seats, a sign-up fee in points, and cancelling before the deadline. */
export default function ActivitiesPage() {
  const list = usePagedList((cursor) =>
    callApi(routes.activities, { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } }),
  );
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);

  useReachBottom(list.loadMore);
  usePageVisibility(list.reload);

  const confirm = async () => {
    if (!pending || busy) return;
    setBusy(true);
    const options = { params: { id: pending.activity.id }, idempotencyKey: pending.idempotencyKey };
    try {
      if (pending.action === 'signUp') {
        await callApi(routes.signUpActivity, options);
      } else {
        await callApi(routes.cancelActivitySignup, options);
      }
      void Taro.showToast({
        title: pending.action === 'signUp' ? text.signedUpToast : text.cancelledToast,
        icon: 'success',
        duration: 1800,
      });
      setPending(null);
      list.reload();
    } catch (error: unknown) {
      void Taro.showToast({ title: errorMessage(error), icon: 'none', duration: 2500 });
      // Without an answer the same confirmation (same key) may be tried again; otherwise start afresh.
      if (toApiError(error).code !== 'NETWORK_ERROR') {
        setPending(null);
        list.reload();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="activities-page">
      {list.state.status === 'loading' && <LoadingState />}
      {list.state.status === 'failed' && <ErrorState error={list.state.error} onRetry={list.reload} />}
      {list.state.status === 'ready' && list.state.items.length === 0 && (
        <EmptyState icon={<Calendar size={28} />} title={text.emptyTitle} description={text.emptyDescription} />
      )}
      {list.state.status === 'ready' &&
        list.state.items.map((activity) => (
          <ActivityCard
            key={activity.id}
            activity={activity}
            onSignUp={() => setPending({ activity, action: 'signUp', idempotencyKey: newIdempotencyKey() })}
            onCancel={() => setPending({ activity, action: 'cancel', idempotencyKey: newIdempotencyKey() })}
          />
        ))}
      <ListFooter state={list.state} onMore={list.loadMore} />

      <Dialog
        className="member-dialog"
        visible={pending !== null}
        title={pending?.action === 'cancel' ? text.cancelTitle : text.signUpTitle}
        confirmText={tMember.common.confirm}
        cancelText={tMember.common.cancel}
        disableConfirmButton={busy}
        onConfirm={() => void confirm()}
        onCancel={() => !busy && setPending(null)}
        onClose={() => !busy && setPending(null)}
      >
        {pending && (
          <Text className="activities-page__dialog">
            {pending.action === 'cancel'
              ? text.cancelBody
              : interpolate(pending.activity.pointsFee > 0 ? text.signUpBody : text.signUpFreeBody, {
                  name: pending.activity.name,
                  points: formatPoints(pending.activity.pointsFee),
                })}
          </Text>
        )}
      </Dialog>
    </View>
  );
}

function ActivityCard({
  activity,
  onSignUp,
  onCancel,
}: {
  activity: Activity;
  onSignUp: () => void;
  onCancel: () => void;
}) {
  const refusal = activity.reason && !activity.signedUp ? tMember.errors[activity.reason] : null;
  return (
    <View className="activity-card">
      <View className="activity-card__head">
        <Text className="activity-card__name">{activity.name}</Text>
        {activity.signedUp && <Text className="activity-card__tag">{text.signedUp}</Text>}
      </View>
      {activity.description && <Text className="activity-card__description">{activity.description}</Text>}
      <Text className="activity-card__meta">
        {interpolate(text.startsAt, { date: formatDateTime(activity.startsAt) })}
      </Text>
      <Text className="activity-card__meta">
        {interpolate(text.deadline, { date: formatDateTime(activity.signupDeadline) })}
      </Text>
      <Text className="activity-card__meta">
        {interpolate(text.seats, { left: activity.seatsLeft, capacity: activity.capacity })}
      </Text>
      <View className="activity-card__footer">
        <Text className="activity-card__fee">
          {activity.pointsFee > 0 ? interpolate(text.fee, { points: formatPoints(activity.pointsFee) }) : text.free}
        </Text>
        {activity.canCancel ? (
          <Button size="small" fill="outline" type="default" onClick={onCancel}>
            {text.cancel}
          </Button>
        ) : activity.canSignUp ? (
          <Button size="small" type="primary" onClick={onSignUp}>
            {text.signUp}
          </Button>
        ) : (
          refusal && <Text className="activity-card__reason">{refusal}</Text>
        )}
      </View>
    </View>
  );
}
