import { useCallback, useEffect, useRef, useState } from 'react';
import { Button as NativeButton, Text, View, type ButtonProps } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Checkbox, DatePicker, Input } from '@nutui/nutui-react-taro';
import { ArrowRight, Calendar, Phone, ShieldCheck } from '@nutui/icons-react-taro';
import { MobilePhone, routes, SceneCode, SmsCode } from '@huika/shared';
import { callApi, type ApiError } from '../../api/client';
import { getToken, setSession, setToken } from '../../api/token';
import { BrandMark } from '../../components/brand-mark';
import { interpolate, tMember } from '../../i18n';
import { ErrorState, LoadingState } from '../../member/components/page-state';
import { CONSENT_VERSION } from '../../member/consent';
import { errorMessage, toApiError } from '../../member/errors';
import { toIsoDate } from '../../member/format';
import { deviceId } from '../../member/ids';
import { enterCard, openMemberPage } from '../../member/navigation';
import { memberPaths } from '../../member/paths';
import './index.scss';

const text = tMember.join;

/** The phone verified by SMS on H5, kept until the join is done so a reload does not ask for it again. */
const VERIFIED_PHONE_KEY = 'huika.join.phone';

const isWeapp = process.env.TARO_ENV === 'weapp';

type Step =
  | { kind: 'checking'; message: string }
  | { kind: 'failed'; error: ApiError }
  | { kind: 'sms' }
  | { kind: 'form'; verifiedPhone: string | null };

/**
 * The scene of the QR code that opened the page: `?scene=` on H5 and for mini-program codes (WeChat passes it
 * URL-encoded), or inside `q`, the whole link, when WeChat opens the mini-program from a plain link QR code.
 */
function sceneFrom(params: Partial<Record<string, string>>): string | undefined {
  let raw = params.scene ? decodeURIComponent(params.scene) : undefined;
  if (!raw && params.q) {
    const link = decodeURIComponent(params.q);
    const match = /[?&]scene=([^&#]+)/.exec(link);
    raw = match?.[1] ? decodeURIComponent(match[1]) : undefined;
  }
  const parsed = SceneCode.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

function storedVerifiedPhone(): string | null {
  const stored: unknown = Taro.getStorageSync(VERIFIED_PHONE_KEY);
  return typeof stored === 'string' && MobilePhone.safeParse(stored).success ? stored : null;
}

const BIRTHDAY_START = new Date(1920, 0, 1);
const BIRTHDAY_DEFAULT = new Date(1995, 0, 1);

export default function JoinPage() {
  const router = useRouter();
  const [scene] = useState(() => sceneFrom(router.params));
  const [step, setStep] = useState<Step>({ kind: 'checking', message: text.checking });

  /** Who is this? A member goes straight to the card; an identity without a member fills in the form. */
  const start = useCallback(async () => {
    setStep({ kind: 'checking', message: text.checking });
    if (getToken()) {
      try {
        await callApi(routes.me);
        enterCard();
        return;
      } catch (error: unknown) {
        const apiError = toApiError(error);
        if (apiError.code === 'MEMBER_NOT_FOUND') {
          const verifiedPhone = storedVerifiedPhone();
          setStep(isWeapp || verifiedPhone ? { kind: 'form', verifiedPhone } : { kind: 'sms' });
          return;
        }
        if (apiError.status !== 401) {
          setStep({ kind: 'failed', error: apiError });
          return;
        }
        // 401: the client dropped the stale token; sign in afresh below.
      }
    }
    if (!isWeapp) {
      setStep({ kind: 'sms' });
      return;
    }
    setStep({ kind: 'checking', message: text.wechatSigningIn });
    try {
      const { code } = await Taro.login();
      const login = await callApi(routes.wechatLogin, { body: { code } });
      setSession(login);
      if (login.memberId) {
        enterCard();
        return;
      }
      setStep({ kind: 'form', verifiedPhone: null });
    } catch (error: unknown) {
      setStep({ kind: 'failed', error: toApiError(error) });
    }
  }, []);

  useEffect(() => {
    void start();
  }, [start]);

  const onVerified = useCallback((phone: string, memberId: string | null) => {
    if (memberId) {
      Taro.removeStorageSync(VERIFIED_PHONE_KEY);
      enterCard();
      return;
    }
    Taro.setStorageSync(VERIFIED_PHONE_KEY, phone);
    setStep({ kind: 'form', verifiedPhone: phone });
  }, []);

  const changePhone = useCallback(() => {
    Taro.removeStorageSync(VERIFIED_PHONE_KEY);
    setStep({ kind: 'sms' });
  }, []);

  return (
    <View className="join">
      <View className="join__hero">
        <View className="join__brand">
          <BrandMark />
          <View className="join__brand-text">
            <Text className="join__heading">{text.heading}</Text>
            <Text className="join__lead">{text.lead}</Text>
          </View>
        </View>
      </View>

      <View className="join__panel">
        {step.kind === 'checking' && <LoadingState text={step.message} />}
        {step.kind === 'failed' && <ErrorState error={step.error} onRetry={() => void start()} />}
        {step.kind === 'sms' && <SmsLogin onVerified={onVerified} />}
        {step.kind === 'form' && (
          <JoinForm scene={scene} verifiedPhone={step.verifiedPhone} onChangePhone={changePhone} />
        )}
      </View>
    </View>
  );
}

/** H5: the phone and the 6-digit code texted to it give a member token for that phone. */
function SmsLogin({ onVerified }: { onVerified: (phone: string, memberId: string | null) => void }) {
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sending, setSending] = useState(false);
  const [verifying, setVerifying] = useState(false);
  const [resendIn, setResendIn] = useState(0);
  const [message, setMessage] = useState<{ tone: 'error' | 'info'; text: string } | null>(null);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearInterval(timer.current);
    },
    [],
  );

  const countDown = (seconds: number) => {
    if (timer.current) clearInterval(timer.current);
    setResendIn(seconds);
    timer.current = setInterval(() => {
      setResendIn((left) => {
        if (left <= 1 && timer.current) {
          clearInterval(timer.current);
          timer.current = null;
        }
        return Math.max(0, left - 1);
      });
    }, 1000);
  };

  const send = async () => {
    if (!MobilePhone.safeParse(phone).success) {
      setMessage({ tone: 'error', text: text.phoneInvalid });
      return;
    }
    setSending(true);
    setMessage(null);
    try {
      const sent = await callApi(routes.smsSend, { body: { phone } });
      countDown(sent.resendInSeconds);
      setMessage({ tone: 'info', text: text.codeSent });
    } catch (error: unknown) {
      setMessage({ tone: 'error', text: errorMessage(error) });
    } finally {
      setSending(false);
    }
  };

  const verify = async () => {
    if (!MobilePhone.safeParse(phone).success) {
      setMessage({ tone: 'error', text: text.phoneInvalid });
      return;
    }
    if (!SmsCode.safeParse(code).success) {
      setMessage({ tone: 'error', text: text.codeInvalid });
      return;
    }
    setVerifying(true);
    setMessage(null);
    try {
      const login = await callApi(routes.smsVerify, { body: { phone, code } });
      setSession(login);
      onVerified(phone, login.memberId);
    } catch (error: unknown) {
      setMessage({ tone: 'error', text: errorMessage(error) });
      setVerifying(false);
    }
  };

  return (
    <View className="join-form">
      <Text className="join-form__title">{text.loginTitle}</Text>
      <Text className="join-form__lead">{text.loginLead}</Text>

      <View className="join-field">
        <Text className="join-field__label">{text.phone}</Text>
        <View className="join-field__control">
          <Input
            className="join-field__input"
            name="phone"
            type="tel"
            maxLength={11}
            value={phone}
            placeholder={text.phonePlaceholder}
            onChange={(value) => setPhone(value.replace(/\D/g, ''))}
          />
        </View>
      </View>

      <View className="join-field">
        <Text className="join-field__label">{text.code}</Text>
        <View className="join-field__control">
          <Input
            className="join-field__input"
            name="code"
            type="number"
            maxLength={6}
            value={code}
            placeholder={text.codePlaceholder}
            onChange={(value) => setCode(value.replace(/\D/g, ''))}
          />
          <Button
            className="join-field__send"
            size="small"
            type="primary"
            fill="outline"
            disabled={sending || resendIn > 0}
            onClick={() => void send()}
          >
            {sending ? text.sending : resendIn > 0 ? interpolate(text.resendIn, { seconds: resendIn }) : text.sendCode}
          </Button>
        </View>
      </View>

      {message && <Text className={`join-form__message join-form__message--${message.tone}`}>{message.text}</Text>}

      <Button
        className="join-form__submit"
        type="primary"
        size="large"
        block
        loading={verifying}
        disabled={verifying}
        onClick={() => void verify()}
      >
        {verifying ? text.verifying : text.verify}
      </Button>
    </View>
  );
}

interface JoinFormProps {
  scene: string | undefined;
  /** H5: the phone verified by SMS, shown locked. Null on weapp, where the phone comes from WeChat. */
  verifiedPhone: string | null;
  onChangePhone: () => void;
}

/** Only what joining needs (DOMAIN §1): name, birthday, phone and consent to the privacy terms. */
function JoinForm({ scene, verifiedPhone, onChangePhone }: JoinFormProps) {
  const [name, setName] = useState('');
  const [birthday, setBirthday] = useState<Date | null>(null);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [phoneCode, setPhoneCode] = useState<string | null>(null);
  const [consent, setConsent] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  const onPhoneNumber: ButtonProps['onGetPhoneNumber'] = (event) => {
    const code = (event.detail as { code?: string }).code;
    if (code) {
      setPhoneCode(code);
      setFormError(null);
    } else {
      setFormError(text.phoneWechatDenied);
    }
  };

  const submit = async () => {
    const trimmedName = name.trim();
    const problem = !trimmedName
      ? text.nameMissing
      : !birthday
        ? text.birthdayMissing
        : !verifiedPhone && !phoneCode
          ? text.phoneWechatMissing
          : !consent
            ? text.consentMissing
            : null;
    if (problem || !birthday) {
      setFormError(problem);
      return;
    }
    setSubmitting(true);
    setFormError(null);
    try {
      const joined = await callApi(routes.joinMember, {
        body: {
          name: trimmedName,
          birthday: toIsoDate(birthday),
          ...(verifiedPhone ? { phone: verifiedPhone } : { phoneCode: phoneCode ?? undefined }),
          consentVersion: CONSENT_VERSION,
          scene,
          deviceId: deviceId(),
        },
      });
      setToken(joined.token);
      Taro.removeStorageSync(VERIFIED_PHONE_KEY);
      void Taro.showToast({ title: text.joined, icon: 'success', duration: 1500 });
      enterCard();
    } catch (error: unknown) {
      const apiError = toApiError(error);
      if (apiError.code === 'ALREADY_MEMBER') {
        enterCard();
        return;
      }
      if (apiError.code === 'WECHAT_CODE_INVALID') {
        setPhoneCode(null);
      }
      setFormError(errorMessage(apiError));
      setSubmitting(false);
    }
  };

  return (
    <View className="join-form">
      <Text className="join-form__title">{text.formTitle}</Text>
      <Text className="join-form__lead">{text.formLead}</Text>

      <View className="join-field">
        <Text className="join-field__label">{text.name}</Text>
        <View className="join-field__control">
          <Input
            className="join-field__input"
            name="name"
            maxLength={32}
            value={name}
            placeholder={text.namePlaceholder}
            onChange={(value) => {
              setName(value);
              setFormError(null);
            }}
          />
        </View>
      </View>

      <View className="join-field" onClick={() => setPickerOpen(true)}>
        <Text className="join-field__label">{text.birthday}</Text>
        <View className="join-field__control join-field__control--picker">
          <Text className={birthday ? 'join-field__value' : 'join-field__placeholder'}>
            {birthday ? toIsoDate(birthday) : text.birthdayPlaceholder}
          </Text>
          <Calendar size={16} color="var(--huika-ink-faint)" />
        </View>
        <Text className="join-field__hint">{text.birthdayHint}</Text>
      </View>

      <View className="join-field">
        <Text className="join-field__label">{text.phone}</Text>
        {verifiedPhone ? (
          <View className="join-field__control join-field__control--locked">
            <Text className="join-field__value">{verifiedPhone}</Text>
            <Text className="join-field__badge">
              <ShieldCheck size={12} /> {text.phoneVerified}
            </Text>
            <Text className="join-field__link" onClick={onChangePhone}>
              {text.changePhone}
            </Text>
          </View>
        ) : phoneCode ? (
          <View className="join-field__control join-field__control--locked">
            <Text className="join-field__value">{text.phoneWechatGranted}</Text>
            <Text className="join-field__badge">
              <ShieldCheck size={12} /> {text.phoneVerified}
            </Text>
          </View>
        ) : (
          <NativeButton className="join-field__wechat-phone" openType="getPhoneNumber" onGetPhoneNumber={onPhoneNumber}>
            <Phone size={16} /> {text.phoneFromWechat}
          </NativeButton>
        )}
      </View>

      <View className="join-consent">
        <Checkbox
          className="join-consent__box"
          checked={consent}
          onChange={(checked) => {
            setConsent(checked);
            setFormError(null);
          }}
          label={text.consentPrefix}
        />
        <Text className="join-consent__link" onClick={() => openMemberPage(memberPaths.terms)}>
          {text.consentLink}
        </Text>
      </View>

      {formError && <Text className="join-form__message join-form__message--error">{formError}</Text>}

      <Button
        className="join-form__submit"
        type="primary"
        size="large"
        block
        loading={submitting}
        disabled={submitting}
        rightIcon={submitting ? undefined : <ArrowRight size={14} />}
        onClick={() => void submit()}
      >
        {submitting ? text.submitting : text.submit}
      </Button>

      <DatePicker
        title={text.birthdayPickerTitle}
        visible={pickerOpen}
        type="date"
        showChinese
        threeDimensional={false}
        startDate={BIRTHDAY_START}
        endDate={new Date()}
        defaultValue={birthday ?? BIRTHDAY_DEFAULT}
        onClose={() => setPickerOpen(false)}
        onConfirm={(_options, values) => {
          const [year, month, day] = values.map(Number);
          if (year && month && day) {
            setBirthday(new Date(year, month - 1, day));
            setFormError(null);
          }
        }}
      />
    </View>
  );
}
