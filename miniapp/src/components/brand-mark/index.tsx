import { View } from '@tarojs/components';
import './index.scss';

export interface BrandMarkProps {
  className?: string;
}

/** Huika's logo mark: two pillars of an "H" joined by a gold point, drawn in CSS so it is crisp on every platform. */
export function BrandMark({ className = '' }: BrandMarkProps) {
  return (
    <View className={`brand-mark ${className}`.trim()}>
      <View className="brand-mark__pillar brand-mark__pillar--left" />
      <View className="brand-mark__point" />
      <View className="brand-mark__pillar brand-mark__pillar--right" />
    </View>
  );
}
