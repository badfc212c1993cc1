import { App as AntApp, ConfigProvider, Spin } from 'antd';
import zhCNLocale from 'antd/locale/zh_CN';
import 'dayjs/locale/zh-cn';
import dayjs from 'dayjs';
import { BrowserRouter } from 'react-router-dom';
import { SessionProvider, useSession } from './auth/session';
import { t } from './i18n/zh-CN';
import { ConsoleLayout } from './layout/ConsoleLayout';
import { LoginPage } from './layout/LoginPage';

dayjs.locale('zh-cn');

function Gate() {
  const { staff } = useSession();
  if (staff === undefined) return <Spin fullscreen tip={t.layout.loading} />;
  return staff ? <ConsoleLayout /> : <LoginPage />;
}

export function App() {
  return (
    <ConfigProvider locale={zhCNLocale} theme={{ token: { colorPrimary: '#1f4fd8', borderRadius: 6 } }}>
      <AntApp>
        <BrowserRouter basename="/admin">
          <SessionProvider>
            <Gate />
          </SessionProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}
