import { Text, View } from '@tarojs/components';
import { formatFen, formatPoints } from '@huika/shared';
import { interpolate, tStaff } from '../../../i18n';
import type { ScanResult } from '../../checkout-state';
import { formatDate } from '../../format';
import './index.scss';

export interface MemberSummaryProps {
  member: ScanResult['member'];
  /** Compact: one band for the top of the checkout; full: every figure and the coupons. */
  compact?: boolean;
}

/** The member as the till sees them after a scan: masked phone, tier, points, balance and coupons. */
export function MemberSummary({ member, compact = false }: MemberSummaryProps) {
  const m = tStaff.member;
  return (
    <View className={`member-summary ${compact ? 'member-summary--compact' : ''}`}>
      <View className="member-summary__head">
        <View className="member-summary__identity">
          <Text className="member-summary__name">{member.name}</Text>
          <Text className="member-summary__card">{interpolate(m.cardNo, { cardNo: member.cardNo })}</Text>
        </View>
        <Text className="member-summary__tier">{member.tier.name}</Text>
      </View>
      <View className="member-summary__figures">
        <View className="member-summary__figure">
          <Text className="member-summary__label">{m.points}</Text>
          <Text className="member-summary__value member-summary__points">{formatPoints(member.points)}</Text>
          {member.pointsPending > 0 ? (
            <Text className="member-summary__note">
              {interpolate(m.pointsPending, { points: formatPoints(member.pointsPending) })}
            </Text>
          ) : null}
        </View>
        <View className="member-summary__figure">
          <Text className="member-summary__label">{m.balance}</Text>
          <Text className="member-summary__value">{formatFen(member.balanceFen)}</Text>
        </View>
        <View className="member-summary__figure">
          <Text className="member-summary__label">{m.phone}</Text>
          <Text className="member-summary__value member-summary__phone">{member.phoneMasked ?? m.phoneUnknown}</Text>
        </View>
      </View>
      {compact ? null : (
        <View className="member-summary__coupons">
          <Text className="member-summary__label">{m.coupons}</Text>
          {member.coupons.length === 0 ? (
            <Text className="member-summary__none">{m.noCoupons}</Text>
          ) : (
            <View className="member-summary__coupon-list">
              {member.coupons.map((coupon) => (
                <Text key={coupon.id} className="member-summary__coupon">
                  {coupon.name}
                </Text>
              ))}
            </View>
          )}
          {member.cardValidUntil ? (
            <Text className="member-summary__note">
              {interpolate(m.validUntil, { date: formatDate(member.cardValidUntil) })}
            </Text>
          ) : null}
        </View>
      )}
    </View>
  );
}
