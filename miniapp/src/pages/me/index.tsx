import { useState, type ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button, DatePicker, Dialog, Input } from '@nutui/nutui-react-taro';
import {
  ArrowRight,
  Calendar,
  Coupon,
  Download,
  Gift,
  Logout,
  Order,
  Receipt,
  Share,
  Shield,
  StarFill,
  Trash,
} from '@nutui/icons-react-taro';
import { formatFen, routes, type ResponseOf } from '@huika/shared';
import { callApi } from '../../api/client';
import { clearToken } from '../../api/token';
import { interpolate, tMember } from '../../i18n';
import { ResourceView } from '../../member/components/page-state';
import { TierBadge } from '../../member/components/tier-badge';
import { TierBenefits } from '../../member/components/tier-benefits';
import { errorMessage } from '../../member/errors';
import { discountLabel, formatDate, groupCardNo, toIsoDate } from '../../member/format';
import { useResource } from '../../member/hooks/use-resource';
import { usePageVisibility } from '../../member/hooks/use-page-show';
import { openMemberPage } from '../../member/navigation';
import { memberPaths, type MemberPath } from '../../member/paths';
import '../../member/styles/dialog.scss';
import './index.scss';

const text = tMember.me;

type Me = ResponseOf<typeof routes.me>;
type MemberExport = ResponseOf<typeof routes.exportMe>;

const isH5 = process.env.TARO_ENV === 'h5';

function toast(title: string, icon: 'success' | 'none' = 'none') {
  void Taro.showToast({ title, icon, duration: 2000 });
}

function leave() {
  clearToken();
  void Taro.reLaunch({ url: memberPaths.home });
}

/** Hands the export to the member: a JSON download in the browser, the clipboard in the mini-program. */
function deliverExport(data: MemberExport) {
  const json = JSON.stringify(data, null, 2);
  if (isH5 && typeof document !== 'undefined') {
    const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `huika-${data.profile.cardNo}-${data.exportedAt.slice(0, 10)}.json`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    toast(text.exported, 'success');
    return;
  }
  void Taro.setClipboardData({ data: json }).then(() => toast(text.exportCopied, 'success'));
}

/** Profile, tier and benefits, the way to every member feature, and the privacy rights (export, close). */
export default function MePage() {
  const me = useResource(() => callApi(routes.me));
  usePageVisibility(() => void me.reload({ quiet: true }));

  return (
    <View className="me-page">
      <ResourceView state={me.state} onRetry={() => void me.reload()}>
        {(member) => <Profile member={member} onChanged={me.replace} />}
      </ResourceView>
    </View>
  );
}

function Profile({ member, onChanged }: { member: Me; onChanged: (member: Me) => void }) {
  const birthday = member.birthday;

  const [nameOpen, setNameOpen] = useState(false);
  const [nameDraft, setNameDraft] = useState(member.name);
  const [birthdayPicker, setBirthdayPicker] = useState(false);
  const [birthdayDraft, setBirthdayDraft] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [closeOpen, setCloseOpen] = useState(false);
  const [endAllOpen, setEndAllOpen] = useState(false);
  const [endingAll, setEndingAll] = useState(false);
  const [closePhrase, setClosePhrase] = useState('');
  const [closing, setClosing] = useState(false);

  const saveName = async () => {
    const name = nameDraft.trim();
    if (!name || saving) return;
    setSaving(true);
    try {
      onChanged(await callApi(routes.updateMe, { body: { name } }));
      setNameOpen(false);
      toast(text.nameSaved, 'success');
    } catch (error: unknown) {
      toast(errorMessage(error));
    } finally {
      setSaving(false);
    }
  };

  const saveBirthday = async () => {
    if (!birthdayDraft || saving) return;
    setSaving(true);
    try {
      onChanged(await callApi(routes.updateMe, { body: { birthday: birthdayDraft } }));
      setBirthdayDraft(null);
      toast(text.birthdaySaved, 'success');
    } catch (error: unknown) {
      toast(errorMessage(error));
    } finally {
      setSaving(false);
    }
  };

  const exportData = async () => {
    if (exporting) return;
    setExporting(true);
    try {
      deliverExport(await callApi(routes.exportMe));
    } catch (error: unknown) {
      toast(errorMessage(error));
    } finally {
      setExporting(false);
    }
  };

  const closeAccount = async () => {
    if (closePhrase.trim() !== text.closePhrase || closing) return;
    setClosing(true);
    try {
      await callApi(routes.closeMe, { body: { confirm: true } });
      setCloseOpen(false);
      toast(text.closed, 'success');
      leave();
    } catch (error: unknown) {
      toast(errorMessage(error));
      setClosing(false);
    }
  };

  const endAllSessions = async () => {
    if (endingAll) return;
    setEndingAll(true);
    try {
      await callApi(routes.endMySessions);
      setEndAllOpen(false);
      toast(text.endAllDone, 'success');
      leave();
    } catch (error: unknown) {
      toast(errorMessage(error));
      setEndingAll(false);
    }
  };

  const logout = () => {
    void Taro.showModal({ content: text.logoutConfirm, confirmColor: '#0e7c66' }).then((answer) => {
      if (answer.confirm) leave();
    });
  };

  const discount = discountLabel(member.tier.discountPercent);

  return (
    <>
      <View className="me-hero">
        <View className="me-hero__avatar">
          <Text>{member.name.slice(0, 1)}</Text>
        </View>
        <View className="me-hero__who">
          <Text className="me-hero__name">{member.name}</Text>
          <View className="me-hero__line">
            <TierBadge code={member.tier.code} name={member.tier.name} />
            <Text className="me-hero__card">{groupCardNo(member.cardNo)}</Text>
          </View>
        </View>
      </View>

      <View className="me-section">
        <Text className="me-section__title">{text.profile}</Text>
        <Row label={text.name} value={member.name} action={text.edit} onAction={() => setNameOpen(true)} />
        <Row label={text.phone} value={member.phoneMasked ?? '—'} />
        <Row
          label={text.birthday}
          value={birthday ?? text.birthdayUnset}
          action={birthday === null ? text.birthdaySet : undefined}
          onAction={() => setBirthdayPicker(true)}
        />
        <Row label={text.cardNo} value={groupCardNo(member.cardNo)} />
        <Row
          label={text.validUntil}
          value={member.cardValidUntil ? formatDate(member.cardValidUntil) : text.validForever}
        />
      </View>

      <View className="me-section">
        <Text className="me-section__title">{text.tierTitle}</Text>
        <View className="me-tier">
          <View className="me-tier__cell">
            <Text className="me-tier__label">{tMember.card.currentTier}</Text>
            <Text className="me-tier__value">{member.tier.name}</Text>
          </View>
          <View className="me-tier__cell">
            <Text className="me-tier__label">{text.tierDiscount}</Text>
            <Text className="me-tier__value">{discount ?? tMember.common.noDiscount}</Text>
          </View>
          <View className="me-tier__cell me-tier__cell--wide">
            <Text className="me-tier__label">{text.tierNext}</Text>
            <Text className="me-tier__value">
              {member.nextTier
                ? interpolate(text.tierNextValue, {
                    tier: member.nextTier.name,
                    amount: formatFen(member.nextTier.spendNeededFen, { compact: true }),
                  })
                : text.tierTop}
            </Text>
          </View>
        </View>
        <TierBenefits currentTierCode={member.tier.code} />
      </View>

      <View className="me-section">
        <Text className="me-section__title">{text.shortcuts}</Text>
        <Link icon={<StarFill size={16} />} label={tMember.titles.points} path={memberPaths.points} />
        <Link icon={<Order size={16} />} label={tMember.titles.redemptions} path={memberPaths.redemptions} />
        <Link icon={<Coupon size={16} />} label={tMember.titles.coupons} path={memberPaths.coupons} />
        <Link icon={<Receipt size={16} />} label={tMember.titles.purchases} path={memberPaths.purchases} />
        <Link icon={<Calendar size={16} />} label={tMember.titles.activities} path={memberPaths.activities} />
        <Link icon={<Share size={16} />} label={tMember.titles.invite} path={memberPaths.invite} />
        <Link icon={<Gift size={16} />} label={tMember.titles.gifts} path={memberPaths.gifts} />
      </View>

      <View className="me-section">
        <Text className="me-section__title">{text.privacy}</Text>
        <Link icon={<Shield size={16} />} label={text.terms} path={memberPaths.terms} />
        <View className="me-link" onClick={() => void exportData()}>
          <View className="me-link__icon">
            <Download size={16} />
          </View>
          <View className="me-link__text">
            <Text className="me-link__label">{exporting ? text.exporting : text.export}</Text>
            <Text className="me-link__hint">{text.exportHint}</Text>
          </View>
          <ArrowRight size={12} color="var(--huika-ink-faint)" />
        </View>
        <View className="me-link me-link--end-all" onClick={() => setEndAllOpen(true)}>
          <View className="me-link__icon">
            <Logout size={16} />
          </View>
          <View className="me-link__text">
            <Text className="me-link__label">{text.endAll}</Text>
            <Text className="me-link__hint">{text.endAllHint}</Text>
          </View>
          <ArrowRight size={12} color="var(--huika-ink-faint)" />
        </View>
        <View className="me-link me-link--danger" onClick={() => setCloseOpen(true)}>
          <View className="me-link__icon">
            <Trash size={16} />
          </View>
          <View className="me-link__text">
            <Text className="me-link__label">{text.close}</Text>
            <Text className="me-link__hint">{text.closeHint}</Text>
          </View>
          <ArrowRight size={12} color="var(--huika-ink-faint)" />
        </View>
      </View>

      <View className="me-logout">
        <Button block fill="outline" type="default" onClick={logout}>
          {text.logout}
        </Button>
      </View>

      <Dialog
        className="member-dialog"
        visible={nameOpen}
        title={text.editName}
        confirmText={text.save}
        cancelText={tMember.common.cancel}
        disableConfirmButton={saving || !nameDraft.trim()}
        onConfirm={() => void saveName()}
        onCancel={() => setNameOpen(false)}
        onClose={() => setNameOpen(false)}
      >
        <View className="me-dialog-field">
          <Input value={nameDraft} maxLength={32} onChange={setNameDraft} placeholder={tMember.join.namePlaceholder} />
        </View>
      </Dialog>

      <DatePicker
        title={tMember.join.birthdayPickerTitle}
        visible={birthdayPicker}
        type="date"
        showChinese
        threeDimensional={false}
        startDate={new Date(1920, 0, 1)}
        endDate={new Date()}
        defaultValue={new Date(1995, 0, 1)}
        onClose={() => setBirthdayPicker(false)}
        onConfirm={(_options, values) => {
          const [year, month, day] = values.map(Number);
          if (year && month && day) setBirthdayDraft(toIsoDate(new Date(year, month - 1, day)));
        }}
      />

      <Dialog
        className="member-dialog"
        visible={birthdayDraft !== null}
        title={text.birthdaySet}
        confirmText={text.save}
        cancelText={tMember.common.cancel}
        disableConfirmButton={saving}
        onConfirm={() => void saveBirthday()}
        onCancel={() => setBirthdayDraft(null)}
        onClose={() => setBirthdayDraft(null)}
      >
        <View className="me-dialog-body">
          <Text className="me-dialog-body__strong">{birthdayDraft}</Text>
          <Text className="me-dialog-body__note">{text.birthdayOnce}</Text>
        </View>
      </Dialog>

      <Dialog
        className="member-dialog me-end-all-dialog"
        visible={endAllOpen}
        title={text.endAllTitle}
        confirmText={endingAll ? text.endingAll : text.endAllAction}
        cancelText={tMember.common.cancel}
        disableConfirmButton={endingAll}
        onConfirm={() => void endAllSessions()}
        onCancel={() => setEndAllOpen(false)}
        onClose={() => setEndAllOpen(false)}
      >
        <View className="me-dialog-body">
          <Text className="me-dialog-body__note">{text.endAllConfirm}</Text>
        </View>
      </Dialog>

      <Dialog
        className="member-dialog me-close-dialog"
        visible={closeOpen}
        title={text.closeTitle}
        confirmText={closing ? text.closing : text.closeConfirm}
        cancelText={tMember.common.cancel}
        disableConfirmButton={closing || closePhrase.trim() !== text.closePhrase}
        onConfirm={() => void closeAccount()}
        onCancel={() => {
          setCloseOpen(false);
          setClosePhrase('');
        }}
        onClose={() => {
          setCloseOpen(false);
          setClosePhrase('');
        }}
      >
        <View className="me-dialog-body">
          <Text className="me-dialog-body__warning">{text.closeWarning}</Text>
          <Text className="me-dialog-body__note">
            {interpolate(text.closeTypePrompt, { phrase: text.closePhrase })}
          </Text>
          <View className="me-dialog-field">
            <Input value={closePhrase} maxLength={8} onChange={setClosePhrase} placeholder={text.closePhrase} />
          </View>
        </View>
      </Dialog>
    </>
  );
}

function Row({
  label,
  value,
  action,
  onAction,
}: {
  label: string;
  value: string;
  action?: string;
  onAction?: () => void;
}) {
  return (
    <View className="me-row">
      <Text className="me-row__label">{label}</Text>
      <Text className="me-row__value">{value}</Text>
      {action && onAction && (
        <Text className="me-row__action" onClick={onAction}>
          {action}
        </Text>
      )}
    </View>
  );
}

function Link({ icon, label, path }: { icon: ReactNode; label: string; path: MemberPath }) {
  return (
    <View className="me-link" onClick={() => openMemberPage(path)}>
      <View className="me-link__icon">{icon}</View>
      <View className="me-link__text">
        <Text className="me-link__label">{label}</Text>
      </View>
      <ArrowRight size={12} color="var(--huika-ink-faint)" />
    </View>
  );
}
