import { Text } from '@tarojs/components';
import './index.scss';

/** The ladder's usual codes get their metal; any other tier a brand configures gets the brand colour. */
const KNOWN_TIERS = new Set(['normal', 'silver', 'gold', 'diamond']);

export function TierBadge({ code, name, className = '' }: { code: string; name: string; className?: string }) {
  const tone = KNOWN_TIERS.has(code) ? code : 'other';
  return <Text className={`tier-badge tier-badge--${tone} ${className}`.trim()}>{name}</Text>;
}
