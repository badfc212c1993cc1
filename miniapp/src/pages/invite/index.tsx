import { useMemo } from 'react';
import { Button as NativeButton, Image, Text, View } from '@tarojs/components';
import Taro, { useShareAppMessage } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { Link, Share } from '@nutui/icons-react-taro';
import { formatPoints, routes, type ResponseOf } from '@huika/shared';
import { callApi } from '../../api/client';
import { interpolate, tMember } from '../../i18n';
import { BrandMark } from '../../components/brand-mark';
import { ResourceView } from '../../member/components/page-state';
import { QrCode } from '../../member/components/qr-code';
import { useResource } from '../../member/hooks/use-resource';
import { usePageVisibility } from '../../member/hooks/use-page-show';
import { drawInvitePoster, POSTER_HEIGHT, POSTER_WIDTH } from '../../member/invite-poster';
import { h5Link } from '../../member/links';
import './index.scss';

const text = tMember.invite;

const isH5 = process.env.TARO_ENV === 'h5';

interface Invitation {
  name: string;
  referral: ResponseOf<typeof routes.myReferral>;
}

async function loadInvitation(): Promise<Invitation> {
  const [me, referral] = await Promise.all([callApi(routes.me), callApi(routes.myReferral)]);
  return { name: me.name, referral };
}

/** The member's invite QR as a poster to share, and how their invitations went (推荐有礼, DOMAIN §11). */
export default function InvitePage() {
  const invitation = useResource(loadInvitation);
  usePageVisibility(() => void invitation.reload({ quiet: true }));

  useShareAppMessage(() => {
    const ready = invitation.state.status === 'ready' ? invitation.state.data : null;
    return ready
      ? { title: interpolate(text.shareTitle, { name: ready.name }), path: `/${ready.referral.path}` }
      : { title: tMember.join.heading, path: '/pages/index/index' };
  });

  return (
    <View className="invite-page">
      <ResourceView state={invitation.state} onRetry={() => void invitation.reload()}>
        {(data) => <Invite invitation={data} />}
      </ResourceView>
    </View>
  );
}

function Invite({ invitation }: { invitation: Invitation }) {
  const { name, referral } = invitation;
  const inviteUrl = h5Link(referral.path);
  const title = interpolate(text.posterTitle, { name });
  const code = interpolate(text.posterCode, { code: referral.inviteCode });
  const poster = useMemo(
    () => (isH5 ? drawInvitePoster({ brand: text.posterBrand, title, inviteUrl, code, cta: text.posterCta }) : null),
    [title, inviteUrl, code],
  );

  const copyLink = () => {
    void Taro.setClipboardData({ data: inviteUrl }).then(() =>
      Taro.showToast({ title: tMember.common.copied, icon: 'success', duration: 1500 }),
    );
  };

  return (
    <>
      <View className="invite-poster-wrap">
        {poster ? (
          <Image
            className="invite-poster invite-poster--image"
            src={poster}
            style={{ width: `${POSTER_WIDTH}px`, height: `${POSTER_HEIGHT}px` }}
            showMenuByLongpress
            data-invite-url={inviteUrl}
          />
        ) : (
          <View className="invite-poster" data-invite-url={inviteUrl}>
            <View className="invite-poster__band">
              <View className="invite-poster__brand">
                <BrandMark className="invite-poster__mark" />
                <Text className="invite-poster__brand-name">{text.posterBrand}</Text>
              </View>
              <Text className="invite-poster__title">{title}</Text>
            </View>
            <QrCode className="invite-qr" value={inviteUrl} size={176} />
            <Text className="invite-poster__code">{code}</Text>
            <Text className="invite-poster__cta">{text.posterCta}</Text>
          </View>
        )}
      </View>

      {isH5 ? (
        <View className="invite-actions">
          <Text className="invite-actions__hint">{text.saveHint}</Text>
          <Button
            className="invite-actions__button"
            type="primary"
            fill="outline"
            icon={<Link size={14} />}
            onClick={copyLink}
          >
            {text.copyLink}
          </Button>
        </View>
      ) : (
        <View className="invite-actions">
          <NativeButton className="invite-actions__share" openType="share">
            <Share size={16} /> {text.share}
          </NativeButton>
          <Text className="invite-actions__link" onClick={copyLink}>
            {text.copyLink}
          </Text>
        </View>
      )}

      <View className="invite-stats">
        <Text className="invite-stats__title">{text.statsTitle}</Text>
        <View className="invite-stats__grid">
          <Stat label={text.invited} value={referral.invitedCount} />
          <Stat label={text.rewarded} value={referral.rewardedCount} />
          <Stat label={text.pending} value={referral.pendingCount} />
          <Stat label={text.pointsEarned} value={referral.pointsEarned} highlight />
        </View>
      </View>

      <View className="invite-rules">
        <Text className="invite-rules__title">{text.rulesTitle}</Text>
        {text.rules.map((rule, index) => (
          <Text key={rule} className="invite-rules__item">
            {`${index + 1}. ${rule}`}
          </Text>
        ))}
      </View>
    </>
  );
}

function Stat({ label, value, highlight = false }: { label: string; value: number; highlight?: boolean }) {
  return (
    <View className="invite-stats__item">
      <Text className={`invite-stats__value ${highlight ? 'invite-stats__value--gold' : ''}`.trim()}>
        {formatPoints(value)}
      </Text>
      <Text className="invite-stats__label">{label}</Text>
    </View>
  );
}
