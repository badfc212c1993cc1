import { useState } from 'react';
import { Image, Text, View } from '@tarojs/components';
import Taro, { useReachBottom } from '@tarojs/taro';
import { Button, Dialog } from '@nutui/nutui-react-taro';
import { Gift, Order } from '@nutui/icons-react-taro';
import { formatPoints, routes, type ResponseOf } from '@huika/shared';
import { callApi } from '../../api/client';
import { interpolate, tMember } from '../../i18n';
import { ListFooter } from '../../member/components/list-footer';
import { EmptyState, ErrorState, LoadingState } from '../../member/components/page-state';
import { QrCode } from '../../member/components/qr-code';
import { errorMessage, toApiError } from '../../member/errors';
import { newIdempotencyKey } from '../../member/ids';
import { usePageVisibility } from '../../member/hooks/use-page-show';
import { usePagedList } from '../../member/hooks/use-paged-list';
import { useResource } from '../../member/hooks/use-resource';
import { openMemberPage } from '../../member/navigation';
import { memberPaths } from '../../member/paths';
import '../../member/styles/dialog.scss';
import './index.scss';

const text = tMember.gifts;

type CatalogItem = ResponseOf<typeof routes.giftCatalog>['items'][number];
type Redemption = ResponseOf<typeof routes.redeemGift>;

const PAGE_SIZE = 50;

/** One confirmation of one redemption: its Idempotency-Key is made when the dialog opens and reused on retry. */
interface Confirmation {
  gift: CatalogItem;
  idempotencyKey: string;
}

/** The gift catalog (积分换礼): what the member can redeem now, or why not, and the redemption itself. */
export default function GiftsPage() {
  const me = useResource(() => callApi(routes.me));
  const catalog = usePagedList((cursor) =>
    callApi(routes.giftCatalog, { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } }),
  );
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const [redeeming, setRedeeming] = useState(false);
  const [result, setResult] = useState<{ gift: CatalogItem; redemption: Redemption } | null>(null);

  useReachBottom(catalog.loadMore);
  usePageVisibility(() => {
    void me.reload({ quiet: true });
    catalog.reload();
  });

  const balance = me.state.status === 'ready' ? me.state.data.points.balance : null;

  const redeem = async () => {
    if (!confirmation || redeeming) return;
    setRedeeming(true);
    try {
      const redemption = await callApi(routes.redeemGift, {
        params: { id: confirmation.gift.id },
        body: { quantity: 1 },
        idempotencyKey: confirmation.idempotencyKey,
      });
      setResult({ gift: confirmation.gift, redemption });
      setConfirmation(null);
      void me.reload({ quiet: true });
      catalog.reload();
    } catch (error: unknown) {
      const apiError = toApiError(error);
      void Taro.showToast({ title: errorMessage(apiError), icon: 'none', duration: 2500 });
      // No answer: the redemption may or may not have happened. The dialog stays with the same key, so
      // confirming again replays the first outcome instead of redeeming twice.
      if (apiError.code !== 'NETWORK_ERROR') {
        setConfirmation(null);
        catalog.reload();
      }
    } finally {
      setRedeeming(false);
    }
  };

  return (
    <View className="gifts-page">
      <View className="gifts-header">
        <View className="gifts-header__points">
          <Text className="gifts-header__label">{text.myPoints}</Text>
          <Text className="gifts-header__value">{balance === null ? '—' : formatPoints(balance)}</Text>
        </View>
        <View className="gifts-header__link" onClick={() => openMemberPage(memberPaths.redemptions)}>
          <Order size={14} />
          <Text className="gifts-header__link-text">{text.myRedemptions}</Text>
        </View>
      </View>

      {catalog.state.status === 'loading' && <LoadingState />}
      {catalog.state.status === 'failed' && <ErrorState error={catalog.state.error} onRetry={catalog.reload} />}
      {catalog.state.status === 'ready' && catalog.state.items.length === 0 && (
        <EmptyState icon={<Gift size={28} />} title={text.emptyTitle} description={text.emptyDescription} />
      )}
      {catalog.state.status === 'ready' && (
        <View className="gift-list">
          {catalog.state.items.map((gift) => (
            <GiftCard
              key={gift.id}
              gift={gift}
              onRedeem={() => setConfirmation({ gift, idempotencyKey: newIdempotencyKey() })}
            />
          ))}
        </View>
      )}
      <ListFooter state={catalog.state} onMore={catalog.loadMore} />

      <Dialog
        className="member-dialog gift-confirm"
        visible={confirmation !== null}
        title={text.confirmTitle}
        confirmText={redeeming ? text.redeeming : text.confirmButton}
        cancelText={tMember.common.cancel}
        disableConfirmButton={redeeming}
        closeOnOverlayClick={!redeeming}
        onConfirm={() => void redeem()}
        onCancel={() => !redeeming && setConfirmation(null)}
        onClose={() => !redeeming && setConfirmation(null)}
      >
        {confirmation && (
          <View className="gift-confirm__body">
            <Text className="gift-confirm__name">{confirmation.gift.name}</Text>
            <Text className="gift-confirm__question">
              {interpolate(text.confirmBody, { points: formatPoints(confirmation.gift.pointsPrice) })}
            </Text>
            {balance !== null && (
              <Text className="gift-confirm__note">
                {interpolate(text.confirmBalance, { points: formatPoints(balance) })}
              </Text>
            )}
            <Text className="gift-confirm__note">{text.confirmNote}</Text>
          </View>
        )}
      </Dialog>

      <Dialog
        className="member-dialog gift-result"
        visible={result !== null}
        title={text.successTitle}
        confirmText={text.viewRedemptions}
        cancelText={text.done}
        onConfirm={() => {
          setResult(null);
          openMemberPage(memberPaths.redemptions);
        }}
        onCancel={() => setResult(null)}
        onClose={() => setResult(null)}
      >
        {result && (
          <View className="gift-result__body">
            <Text className="gift-result__name">{result.gift.name}</Text>
            <QrCode className="pickup-qr" value={result.redemption.pickupCode} size={140} />
            <Text className="gift-result__label">{text.pickupCode}</Text>
            <Text className="gift-result__code">{result.redemption.pickupCode}</Text>
            <Text className="gift-result__note">
              {interpolate(text.pointsSpent, { points: formatPoints(result.redemption.pointsSpent) })}
            </Text>
            <Text className="gift-result__note">{text.successBody}</Text>
          </View>
        )}
      </Dialog>
    </View>
  );
}

function windowLabel(gift: CatalogItem): string | null {
  if (!gift.window) return null;
  if (gift.window.kind === 'lastMonthOfQuarter') return text.windowQuarter;
  return interpolate(text.windowRange, { from: gift.window.from, to: gift.window.to });
}

function GiftCard({ gift, onRedeem }: { gift: CatalogItem; onRedeem: () => void }) {
  const exchangeWindow = windowLabel(gift);
  const refusal = gift.reason ? tMember.errors[gift.reason] : null;
  return (
    <View className={`gift-card ${gift.redeemable ? '' : 'gift-card--unavailable'}`.trim()}>
      <View className="gift-card__image">
        {gift.imageUrl ? (
          <Image className="gift-card__img" src={gift.imageUrl} mode="aspectFill" lazyLoad />
        ) : (
          <Gift size={36} />
        )}
      </View>
      <View className="gift-card__body">
        <Text className="gift-card__name">{gift.name}</Text>
        {gift.description && <Text className="gift-card__description">{gift.description}</Text>}
        <View className="gift-card__meta">
          <Text className={gift.stock > 0 ? 'gift-card__stock' : 'gift-card__stock gift-card__stock--out'}>
            {gift.stock > 0 ? interpolate(text.stock, { stock: formatPoints(gift.stock) }) : text.soldOut}
          </Text>
          {gift.perMemberLimit !== null && (
            <Text className="gift-card__fact">
              {interpolate(text.limit, { limit: gift.perMemberLimit, count: gift.redeemedByMe })}
            </Text>
          )}
          {exchangeWindow && <Text className="gift-card__fact">{exchangeWindow}</Text>}
          {gift.tiers && <Text className="gift-card__fact">{text.tierOnly}</Text>}
        </View>
        <View className="gift-card__footer">
          <Text className="gift-card__price">
            {formatPoints(gift.pointsPrice)}
            <Text className="gift-card__unit"> {tMember.common.points}</Text>
          </Text>
          {gift.redeemable ? (
            <Button className="gift-card__action" type="primary" size="small" onClick={onRedeem}>
              {text.redeem}
            </Button>
          ) : (
            <Text className="gift-card__reason">{refusal ?? text.soldOut}</Text>
          )}
        </View>
      </View>
    </View>
  );
}
