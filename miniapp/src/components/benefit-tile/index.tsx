import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import './index.scss';

export type BenefitTone = 'jade' | 'gold' | 'rose';

export interface BenefitTileProps {
  icon: ReactNode;
  title: string;
  description: string;
  tone?: BenefitTone;
}

export function BenefitTile({ icon, title, description, tone = 'jade' }: BenefitTileProps) {
  return (
    <View className={`benefit-tile benefit-tile--${tone}`}>
      <View className="benefit-tile__badge">{icon}</View>
      <Text className="benefit-tile__title">{title}</Text>
      <Text className="benefit-tile__description">{description}</Text>
    </View>
  );
}
