import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { interpolate, tStaff } from '../../../i18n';
import type { CodeScannerProps } from './types';
import './index.scss';

export type { CodeScannerProps } from './types';

function isCancel(error: unknown): boolean {
  const message = typeof error === 'object' && error !== null && 'errMsg' in error ? String(error.errMsg) : '';
  return message.includes('cancel');
}

/** The mini-program's scanner: WeChat's own full-screen camera through Taro.scanCode. (H5: index.h5.tsx.) */
export function CodeScanner({ onCode, busy = false }: CodeScannerProps) {
  const [failure, setFailure] = useState<string | null>(null);

  const scan = async () => {
    setFailure(null);
    try {
      const { result } = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] });
      onCode(result);
    } catch (error: unknown) {
      if (!isCancel(error)) {
        const message = error instanceof Error ? error.message : String((error as { errMsg?: string }).errMsg);
        setFailure(interpolate(tStaff.scanner.scanFailed, { message }));
      }
    }
  };

  return (
    <View className="code-scanner code-scanner--native">
      <Button className="code-scanner__scan" type="primary" size="large" block disabled={busy} onClick={scan}>
        {tStaff.scanner.scanButton}
      </Button>
      <Text className="code-scanner__hint">{tStaff.scanner.scanHint}</Text>
      {failure ? <Text className="code-scanner__failure">{failure}</Text> : null}
    </View>
  );
}
