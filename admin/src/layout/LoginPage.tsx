import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { LoginForm, ProFormText } from '@ant-design/pro-components';
import { Alert } from 'antd';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { errorText } from '../components/forms';
import { t } from '../i18n/zh-CN';

function loginFailure(error: unknown): string {
  if (!isApiError(error)) return errorText(error);
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
    case 'VALIDATION_FAILED':
      return t.login.invalidCredentials;
    case 'STAFF_INACTIVE':
      return t.login.inactive;
    case 'RATE_LIMITED':
      return t.login.rateLimited;
    case 'FORBIDDEN':
      return t.login.cashierRefused;
    default:
      return errorText(error);
  }
}

/** Sign-in for headquarters and store managers. */
export function LoginPage() {
  const { login } = useSession();
  const [failure, setFailure] = useState<string | null>(null);
  return (
    <div className="huika-login">
      <div className="huika-login-card">
        <LoginForm<{ username: string; password: string }>
          logo={<div className="huika-logo huika-logo-large">H</div>}
          title={t.login.title}
          subTitle={t.login.subtitle}
          submitter={{ searchConfig: { submitText: t.login.submit } }}
          onFinish={async ({ username, password }) => {
            setFailure(null);
            try {
              await login(username, password);
              return true;
            } catch (error) {
              setFailure(loginFailure(error));
              return false;
            }
          }}
        >
          {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 24 }} role="alert" />}
          <ProFormText
            name="username"
            fieldProps={{ size: 'large', prefix: <UserOutlined />, autoComplete: 'username' }}
            placeholder={t.login.username}
            rules={[{ required: true, message: t.login.required }]}
          />
          <ProFormText.Password
            name="password"
            fieldProps={{ size: 'large', prefix: <LockOutlined />, autoComplete: 'current-password' }}
            placeholder={t.login.password}
            rules={[{ required: true, message: t.login.required }]}
          />
        </LoginForm>
      </div>
    </div>
  );
}
