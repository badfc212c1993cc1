import { Alert, Button } from 'antd';
import type { CSSProperties } from 'react';
import { t } from '../i18n/zh-CN';

/** A list or a page that could not load: what went wrong, and a retry. */
export function LoadError({ error, retry, style }: { error: string; retry: () => void; style?: CSSProperties }) {
  return (
    <Alert
      type="error"
      showIcon
      message={t.common.loadFailed}
      description={error}
      style={style}
      action={
        <Button size="small" onClick={retry}>
          {t.common.retry}
        </Button>
      }
    />
  );
}
