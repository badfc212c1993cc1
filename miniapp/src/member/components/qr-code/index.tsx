import { memo, useMemo } from 'react';
import { View } from '@tarojs/components';
import { qrMatrix } from './matrix';
import './index.scss';

/** Light modules kept around the code so scanners find its edges even on a coloured background. */
const QUIET_MODULES = 2;

export interface QrCodeProps {
  /** The text the code carries. */
  value: string;
  /** The side in device pixels the code may take; it is rounded down to whole pixels per module. */
  size?: number;
  className?: string;
  /** Dimmed with a mark on top, e.g. while a fresh code is on its way. */
  dimmed?: boolean;
}

/** A QR code drawn with Views: sharp at any pixel ratio, on weapp and H5 alike. Carries its text in data-code. */
export const QrCode = memo(function QrCode({ value, size = 200, className = '', dimmed = false }: QrCodeProps) {
  const matrix = useMemo(() => qrMatrix(value), [value]);
  const modulePx = Math.max(1, Math.floor(size / (matrix.size + QUIET_MODULES * 2)));
  const side = modulePx * (matrix.size + QUIET_MODULES * 2);
  const offset = modulePx * QUIET_MODULES;

  return (
    <View
      className={`qr-code ${dimmed ? 'qr-code--dimmed' : ''} ${className}`.trim()}
      style={{ width: `${side}px`, height: `${side}px` }}
      data-code={value}
      aria-label={value}
    >
      {matrix.rects.map((rect) => (
        <View
          key={`${rect.x}-${rect.y}`}
          className="qr-code__module"
          style={{
            left: `${offset + rect.x * modulePx}px`,
            top: `${offset + rect.y * modulePx}px`,
            width: `${rect.width * modulePx}px`,
            height: `${rect.height * modulePx}px`,
          }}
        />
      ))}
    </View>
  );
});
