import { Text, View } from '@tarojs/components';
import './index.scss';

export interface AmountRow {
  label: string;
  value: string;
  /** Emphasised: the line that says what is paid. */
  strong?: boolean;
  /** A reduction, shown in the discount colour. */
  minus?: boolean;
  name?: string;
}

/** Label–value rows for totals (values come formatted: formatFen or formatPoints). */
export function AmountList({ rows }: { rows: AmountRow[] }) {
  return (
    <View className="amount-list">
      {rows.map((row) => (
        <View
          key={row.label}
          className={`amount-list__row ${row.strong ? 'amount-list__row--strong' : ''} ${row.name ? `amount-list__row--${row.name}` : ''}`}
        >
          <Text className="amount-list__label">{row.label}</Text>
          <Text className={`amount-list__value ${row.minus ? 'amount-list__value--minus' : ''}`}>{row.value}</Text>
        </View>
      ))}
    </View>
  );
}
