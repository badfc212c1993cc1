import { Text, View } from '@tarojs/components';
import { useServiceHealth } from '../../hooks/use-service-health';
import { interpolate, t } from '../../i18n';
import './index.scss';

/** One quiet line telling whether the Huika service answers, with a retry when it does not. */
export function ServiceStatus() {
  const { state, retry } = useServiceHealth();

  switch (state.kind) {
    case 'loading':
      return (
        <View className="service-status service-status--loading" aria-live="polite">
          <View className="service-status__dot" />
          <Text className="service-status__text">{t.status.checking}</Text>
        </View>
      );
    case 'healthy':
      return (
        <View className="service-status service-status--healthy" aria-live="polite">
          <View className="service-status__dot" />
          <Text className="service-status__text">{interpolate(t.status.healthy, { db: state.health.db })}</Text>
        </View>
      );
    case 'failed':
      return (
        <View className="service-status service-status--failed" aria-live="polite">
          <View className="service-status__dot" />
          <Text className="service-status__text">
            {interpolate(t.status.unavailable, { message: state.error.message })}
          </Text>
          <Text className="service-status__retry" onClick={retry}>
            {t.status.retry}
          </Text>
        </View>
      );
  }
}
