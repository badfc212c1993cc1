import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { usePullDownRefresh } from '@tarojs/taro';
import Taro from '@tarojs/taro';
import { Calendar, Coupon, Gift, Order, Refresh, Share, StarFill } from '@nutui/icons-react-taro';
import { formatFen, formatPoints, routes, type ResponseOf } from '@huika/shared';
import { callApi } from '../../api/client';
import { interpolate, tMember } from '../../i18n';
import { Barcode } from '../../member/components/barcode';
import { ResourceView } from '../../member/components/page-state';
import { QrCode } from '../../member/components/qr-code';
import { TierBadge } from '../../member/components/tier-badge';
import { errorMessage } from '../../member/errors';
import { formatDate, groupCardNo } from '../../member/format';
import { useCardCode } from '../../member/hooks/use-card-code';
import { usePageVisibility } from '../../member/hooks/use-page-show';
import { useResource } from '../../member/hooks/use-resource';
import { openMemberPage } from '../../member/navigation';
import { memberPaths, type MemberPath } from '../../member/paths';
import './index.scss';

const text = tMember.card;

type Me = ResponseOf<typeof routes.me>;

const QR_SIZE = 188;
const BARCODE_WIDTH = 270;

interface Shortcut {
  path: MemberPath;
  label: string;
  icon: ReactNode;
  tone: 'jade' | 'gold' | 'rose' | 'sky';
}

const SHORTCUTS: Shortcut[] = [
  { path: memberPaths.points, label: text.links.points, icon: <StarFill size={20} />, tone: 'gold' },
  { path: memberPaths.coupons, label: text.links.coupons, icon: <Coupon size={20} />, tone: 'rose' },
  { path: memberPaths.gifts, label: text.links.gifts, icon: <Gift size={20} />, tone: 'jade' },
  { path: memberPaths.invite, label: text.links.invite, icon: <Share size={20} />, tone: 'sky' },
  { path: memberPaths.redemptions, label: text.links.redemptions, icon: <Order size={20} />, tone: 'jade' },
  { path: memberPaths.activities, label: text.links.activities, icon: <Calendar size={20} />, tone: 'gold' },
];

/** The member's home: the dynamic card code to show at the till, balances, tier progress and the way on. */
export default function CardPage() {
  const me = useResource(() => callApi(routes.me));

  usePageVisibility(() => void me.reload({ quiet: true }));
  usePullDownRefresh(() => {
    void me.reload({ quiet: true }).finally(() => void Taro.stopPullDownRefresh());
  });

  return (
    <View className="card-page">
      <ResourceView state={me.state} onRetry={() => void me.reload()}>
        {(member) => <MemberCard member={member} />}
      </ResourceView>
    </View>
  );
}

function MemberCard({ member }: { member: Me }) {
  return (
    <>
      <View className="card-page__hero">
        <View className="card-page__hero-row">
          <Text className="card-page__greeting">{interpolate(text.greeting, { name: member.name })}</Text>
          <TierBadge code={member.tier.code} name={member.tier.name} />
        </View>
        {member.cardValidUntil && (
          <Text className="card-page__valid">
            {interpolate(text.validUntil, { date: formatDate(member.cardValidUntil) })}
          </Text>
        )}
      </View>

      <CardCodePanel cardNo={member.cardNo} />

      <View className="card-stats">
        <View className="card-stats__item" onClick={() => openMemberPage(memberPaths.points)}>
          <Text className="card-stats__label">{text.points}</Text>
          <Text className={`card-stats__value ${member.points.balance < 0 ? 'card-stats__value--negative' : ''}`}>
            {formatPoints(member.points.balance)}
          </Text>
          {member.points.pending > 0 && (
            <Text className="card-stats__note">
              {interpolate(text.pending, { points: formatPoints(member.points.pending) })}
            </Text>
          )}
        </View>
        <View className="card-stats__divider" />
        <View className="card-stats__item">
          <Text className="card-stats__label">{text.balance}</Text>
          <Text className="card-stats__value">{formatFen(member.balanceFen)}</Text>
        </View>
      </View>

      <View className="card-tier">
        <Text className="card-tier__label">{text.currentTier}</Text>
        <Text className="card-tier__name">{member.tier.name}</Text>
        <Text className="card-tier__next">
          {member.nextTier
            ? interpolate(text.nextTier, {
                amount: formatFen(member.nextTier.spendNeededFen, { compact: true }),
                tier: member.nextTier.name,
              })
            : text.topTier}
        </Text>
      </View>

      <View className="card-shortcuts">
        {SHORTCUTS.map((shortcut) => (
          <View
            key={shortcut.path}
            className={`card-shortcuts__item card-shortcuts__item--${shortcut.tone}`}
            onClick={() => openMemberPage(shortcut.path)}
          >
            <View className="card-shortcuts__icon">{shortcut.icon}</View>
            <Text className="card-shortcuts__label">{shortcut.label}</Text>
          </View>
        ))}
      </View>
    </>
  );
}

/** The code the cashier scans, refreshed before it expires; the barcode and number as the fallback. */
function CardCodePanel({ cardNo }: { cardNo: string }) {
  const cardCode = useCardCode();
  const { code, loading, error, secondsLeft } = cardCode;

  let status: ReactNode;
  if (error) {
    status = (
      <Text className="card-code__status card-code__status--error" onClick={cardCode.refresh}>
        {`${errorMessage(error)} · ${text.tapToRefresh}`}
      </Text>
    );
  } else if (loading) {
    status = <Text className="card-code__status">{text.refreshing}</Text>;
  } else {
    status = (
      <Text className="card-code__status" onClick={cardCode.refresh}>
        {interpolate(text.refreshIn, { seconds: secondsLeft })}
        <Refresh size={12} className="card-code__refresh" />
      </Text>
    );
  }

  return (
    <View className="card-code">
      <Text className="card-code__hint">{text.showToCashier}</Text>
      <View className="card-code__qr-frame" onClick={cardCode.refresh}>
        {code ? (
          <QrCode className="card-qr" value={code.code} size={QR_SIZE} dimmed={Boolean(error)} />
        ) : (
          <View className="card-code__qr-placeholder" style={{ width: `${QR_SIZE}px`, height: `${QR_SIZE}px` }} />
        )}
      </View>
      {status}
      <View className="card-code__barcode">
        <Barcode value={cardNo} width={BARCODE_WIDTH} height={56} />
      </View>
      <Text className="card-code__number">{groupCardNo(cardNo)}</Text>
      <Text className="card-code__manual">{text.manualHint}</Text>
    </View>
  );
}
