import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { BrandMark } from '../../../components/brand-mark';
import { tStaff } from '../../../i18n';
import { staffLogin } from '../../../staff/api';
import { ErrorNotice } from '../../../staff/components/state-panel';
import { Field } from '../../../staff/components/field';
import { type ShownError, toShownError } from '../../../staff/errors';
import { STAFF_PAGES } from '../../../staff/paths';
import { clearStaffSession } from '../../../staff/session';
import './index.scss';

const l = tStaff.login;

export default function StaffLoginPage() {
  const router = useRouter();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const expired = router.params.expired === '1';

  const submit = async () => {
    if (submitting) return;
    if (!username.trim() || !password) {
      setError({ code: 'VALIDATION_FAILED', title: l.missing, message: l.missing });
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const session = await staffLogin(username.trim(), password);
      if (!session.staff.storeId) {
        clearStaffSession();
        setError({ code: 'FORBIDDEN', title: l.noStore, message: l.noStore });
        return;
      }
      await Taro.reLaunch({ url: STAFF_PAGES.scan });
    } catch (caught: unknown) {
      setError(toShownError(caught));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <View className="staff-login">
      <View className="staff-login__hero">
        <BrandMark />
        <Text className="staff-login__heading">{l.heading}</Text>
        <Text className="staff-login__lead">{l.lead}</Text>
      </View>
      <View className="staff-login__form">
        {expired && !error ? <Text className="staff-login__expired">{l.signedOut}</Text> : null}
        <Field
          name="username"
          label={l.username}
          placeholder={l.usernamePlaceholder}
          value={username}
          onChange={setUsername}
          maxlength={64}
        />
        <Field
          name="password"
          label={l.password}
          placeholder={l.passwordPlaceholder}
          value={password}
          onChange={setPassword}
          password
          maxlength={128}
          onConfirm={() => void submit()}
        />
        {error ? <ErrorNotice error={error} /> : null}
        <Button
          className="staff-login__submit"
          type="primary"
          size="large"
          block
          loading={submitting}
          disabled={submitting}
          onClick={() => void submit()}
        >
          {submitting ? l.submitting : l.submit}
        </Button>
      </View>
    </View>
  );
}
