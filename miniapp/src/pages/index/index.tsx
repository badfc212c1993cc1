import { useEffect } from 'react';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { Gift, Reward, StarFill } from '@nutui/icons-react-taro';
import { BenefitTile } from '../../components/benefit-tile';
import { BrandMark } from '../../components/brand-mark';
import { ServiceStatus } from '../../components/service-status';
import { getToken } from '../../api/token';
import { t } from '../../i18n';
import { enterCard, openMemberPage } from '../../member/navigation';
import { memberPaths } from '../../member/paths';
import './index.scss';

const ICON_SIZE = 20;

export default function HomePage() {
  const { benefits } = t.home;

  // A member who signed in before goes straight to the card; the card sends a stale sign-in back to join.
  useEffect(() => {
    if (getToken()) {
      enterCard();
    }
  }, []);

  return (
    <View className="home">
      <View className="home__hero">
        <View className="home__brand">
          <BrandMark />
          <Text className="home__brand-name">{t.app.name}</Text>
        </View>
        <Text className="home__tagline">{t.home.tagline}</Text>
        <Text className="home__lead">{t.home.lead}</Text>
      </View>

      <View className="home__join">
        <Text className="home__join-title">{t.home.joinTitle}</Text>
        <Text className="home__join-description">{t.home.joinDescription}</Text>
        <Button
          className="home__join-button"
          type="primary"
          size="large"
          block
          onClick={() => openMemberPage(memberPaths.join)}
        >
          {t.home.joinButton}
        </Button>
      </View>

      <View className="home__section">
        <Text className="home__section-title">{t.home.benefitsTitle}</Text>
        <View className="home__benefits">
          <BenefitTile
            tone="jade"
            icon={<StarFill size={ICON_SIZE} />}
            title={benefits.points.title}
            description={benefits.points.description}
          />
          <BenefitTile
            tone="gold"
            icon={<Reward size={ICON_SIZE} />}
            title={benefits.tiers.title}
            description={benefits.tiers.description}
          />
          <BenefitTile
            tone="rose"
            icon={<Gift size={ICON_SIZE} />}
            title={benefits.gifts.title}
            description={benefits.gifts.description}
          />
        </View>
      </View>

      <View className="home__footer">
        <ServiceStatus />
      </View>
    </View>
  );
}
