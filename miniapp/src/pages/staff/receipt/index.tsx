import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { formatFen, formatPoints } from '@huika/shared';
import { useState } from 'react';
import { interpolate, tStaff } from '../../../i18n';
import { readReceipt, type ReceiptRecord } from '../../../staff/checkout-state';
import { type AmountRow, AmountList } from '../../../staff/components/amount-list';
import { StaffShell } from '../../../staff/components/staff-shell';
import { StatePanel } from '../../../staff/components/state-panel';
import { STAFF_PAGES } from '../../../staff/paths';
import './index.scss';

const r = tStaff.receipt;

function totalsRows({ purchase }: ReceiptRecord): AmountRow[] {
  const { totals } = purchase;
  const rows: AmountRow[] = [{ label: r.gross, value: formatFen(totals.grossFen) }];
  const minus = (label: string, fen: number) => {
    if (fen > 0) rows.push({ label, value: `-${formatFen(fen)}`, minus: true });
  };
  minus(r.discount, totals.discountFen);
  minus(r.coupon, totals.couponFen);
  minus(r.pointsCash, totals.pointsCashFen);
  minus(r.balancePaid, totals.balancePaidFen);
  return rows;
}

function pointsRows({ purchase }: ReceiptRecord): AmountRow[] {
  const rows: AmountRow[] = [
    { label: r.pointsEarned, value: `+${formatPoints(purchase.pointsEarned)}`, name: 'earned' },
  ];
  if (purchase.pointsSpent > 0) rows.push({ label: r.pointsSpent, value: `-${formatPoints(purchase.pointsSpent)}` });
  rows.push({ label: r.pointsBalance, value: formatPoints(purchase.pointsBalance), name: 'balance' });
  return rows;
}

export default function StaffReceiptPage() {
  const [receipt] = useState(readReceipt);
  // A fresh start for the next customer: the scan and checkout pages behind this one are let go.
  const next = () => void Taro.reLaunch({ url: STAFF_PAGES.scan });

  return (
    <StaffShell active="scan">
      {receipt ? (
        <View className="receipt">
          <View className="receipt__card">
            <View className="receipt__tick" />
            <Text className="receipt__heading">{r.heading}</Text>
            <Text className="receipt__payable-label">{r.payable}</Text>
            <Text className="receipt__payable">{formatFen(receipt.purchase.totals.payableFen)}</Text>
            <Text className="receipt__meta">{interpolate(r.receiptNo, { receiptNo: receipt.receiptNo })}</Text>
            <Text className="receipt__meta">{interpolate(r.member, { name: receipt.memberName })}</Text>
            <View className="receipt__divider" />
            <AmountList rows={totalsRows(receipt)} />
            <View className="receipt__divider" />
            <AmountList rows={pointsRows(receipt)} />
            <View className="receipt__tier-row">
              <Text className="receipt__tier-label">{r.tier}</Text>
              {receipt.purchase.tierChanged ? (
                <Text className="receipt__tier receipt__tier--upgraded">
                  {interpolate(r.tierUpgraded, { tier: receipt.purchase.tier.name })}
                </Text>
              ) : (
                <Text className="receipt__tier">{receipt.purchase.tier.name}</Text>
              )}
            </View>
            {receipt.purchase.couponsIssued.length > 0 ? (
              <View className="receipt__coupons">
                <Text className="receipt__tier-label">{r.couponsIssued}</Text>
                {receipt.purchase.couponsIssued.map((coupon) => (
                  <Text key={coupon.id} className="receipt__coupon">
                    {coupon.name}
                  </Text>
                ))}
              </View>
            ) : null}
          </View>
          <Button className="receipt__next" type="primary" size="large" block onClick={next}>
            {r.next}
          </Button>
          <Button
            className="receipt__refund"
            size="large"
            block
            fill="outline"
            onClick={() => void Taro.redirectTo({ url: STAFF_PAGES.refunds })}
          >
            {r.refund}
          </Button>
        </View>
      ) : (
        <StatePanel
          kind="empty"
          title={r.empty}
          action={
            <Button type="primary" onClick={next}>
              {r.next}
            </Button>
          }
        />
      )}
    </StaffShell>
  );
}
