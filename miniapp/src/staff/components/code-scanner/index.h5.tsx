import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type QrScanner from 'qr-scanner';
import { useEffect, useRef, useState } from 'react';
import { interpolate, tStaff } from '../../../i18n';
import type { CodeScannerProps } from './types';
import './index.scss';

export type { CodeScannerProps } from './types';

type CameraState = 'starting' | 'running' | 'stopped' | { failed: string };

function describeCameraError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * The H5 scanner: the camera in a <video> element, decoded by qr-scanner (a Web Worker off the main thread, or
 * the browser's BarcodeDetector where there is one). It starts at once, stops after the first code, and the
 * library is loaded only when a staff page with a scanner opens.
 */
export function CodeScanner({ onCode, busy = false }: CodeScannerProps) {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const onCodeRef = useRef(onCode);
  const busyRef = useRef(busy);
  const [active, setActive] = useState(true);
  const [state, setState] = useState<CameraState>('starting');

  useEffect(() => {
    onCodeRef.current = onCode;
    busyRef.current = busy;
  }, [onCode, busy]);

  useEffect(() => {
    if (!active) {
      setState('stopped');
      return undefined;
    }
    let cancelled = false;
    let scanner: QrScanner | null = null;
    setState('starting');
    const start = async () => {
      try {
        const { default: QrScannerClass } = await import(/* webpackChunkName: "qr-scanner" */ 'qr-scanner');
        const video = videoRef.current;
        if (cancelled || !video) return;
        if (!(await QrScannerClass.hasCamera())) {
          setState({ failed: tStaff.scanner.noCamera });
          return;
        }
        let handled = false;
        scanner = new QrScannerClass(
          video,
          (result) => {
            if (handled || busyRef.current) return;
            handled = true;
            setActive(false);
            onCodeRef.current(result.data);
          },
          {
            returnDetailedScanResult: true,
            preferredCamera: 'environment',
            maxScansPerSecond: 10,
            // Frames without a code are the normal case while aiming; nothing to report.
            onDecodeError: () => undefined,
          },
        );
        await scanner.start();
        if (!cancelled) setState('running');
      } catch (error: unknown) {
        if (!cancelled)
          setState({ failed: interpolate(tStaff.scanner.denied, { message: describeCameraError(error) }) });
      }
    };
    void start();
    return () => {
      cancelled = true;
      scanner?.destroy();
    };
  }, [active]);

  const failed = typeof state === 'object' ? state.failed : null;
  return (
    <View className="code-scanner">
      <View
        className={`code-scanner__viewport code-scanner__viewport--${typeof state === 'object' ? 'failed' : state}`}
      >
        <video ref={videoRef} className="code-scanner__video" muted playsInline />
        <View className="code-scanner__frame" />
        {state === 'starting' ? <Text className="code-scanner__overlay">{tStaff.scanner.starting}</Text> : null}
        {state === 'stopped' ? <Text className="code-scanner__overlay">{tStaff.scanner.paused}</Text> : null}
        {failed ? <Text className="code-scanner__overlay code-scanner__overlay--failed">{failed}</Text> : null}
      </View>
      <View className="code-scanner__bar">
        <Text className="code-scanner__hint">{tStaff.scanner.hint}</Text>
        <Button
          className="code-scanner__toggle"
          size="small"
          fill="outline"
          type="primary"
          onClick={() => setActive((value) => !value)}
        >
          {active ? tStaff.scanner.stop : tStaff.scanner.start}
        </Button>
      </View>
    </View>
  );
}
