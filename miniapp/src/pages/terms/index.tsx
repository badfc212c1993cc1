import { Text, View } from '@tarojs/components';
import { interpolate, tMember } from '../../i18n';
import { CONSENT_VERSION } from '../../member/consent';
import './index.scss';

const text = tMember.terms;

/** The privacy terms the join form asks the member to accept, with the version the server records. */
export default function TermsPage() {
  return (
    <View className="terms">
      <Text className="terms__heading">{text.heading}</Text>
      <Text className="terms__version">{interpolate(text.version, { version: CONSENT_VERSION })}</Text>
      {text.sections.map((section) => (
        <View key={section.title} className="terms__section">
          <Text className="terms__title">{section.title}</Text>
          <Text className="terms__body">{section.body}</Text>
        </View>
      ))}
    </View>
  );
}
