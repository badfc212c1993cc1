import { memo, useMemo } from 'react';
import { View } from '@tarojs/components';
import { CODE128 } from 'jsbarcode/bin/barcodes/CODE128';
import './index.scss';

/** Code 128 wants ten modules of space on each side. */
const QUIET_MODULES = 10;

interface Bar {
  start: number;
  width: number;
}

function barsOf(value: string): { modules: number; bars: Bar[] } | null {
  const encoder = new CODE128(value, {});
  if (!encoder.valid()) {
    return null;
  }
  const { data } = encoder.encode();
  const bars: Bar[] = [];
  let index = 0;
  while (index < data.length) {
    if (data[index] !== '1') {
      index += 1;
      continue;
    }
    const start = index;
    while (data[index] === '1') {
      index += 1;
    }
    bars.push({ start, width: index - start });
  }
  return { modules: data.length, bars };
}

export interface BarcodeProps {
  value: string;
  /** The width in device pixels the code may take; rounded down to whole pixels per module. */
  width?: number;
  height?: number;
  className?: string;
}

/** A Code 128 barcode (jsbarcode's encoder) drawn with Views, so it renders the same on weapp and H5. */
export const Barcode = memo(function Barcode({ value, width = 300, height = 64, className = '' }: BarcodeProps) {
  const encoded = useMemo(() => barsOf(value), [value]);
  if (!encoded) {
    return null;
  }
  const modulePx = Math.max(1, Math.floor(width / (encoded.modules + QUIET_MODULES * 2)));
  const offset = modulePx * QUIET_MODULES;
  return (
    <View
      className={`barcode ${className}`.trim()}
      style={{ width: `${modulePx * (encoded.modules + QUIET_MODULES * 2)}px`, height: `${height}px` }}
      data-code={value}
    >
      {encoded.bars.map((bar) => (
        <View
          key={bar.start}
          className="barcode__bar"
          style={{ left: `${offset + bar.start * modulePx}px`, width: `${bar.width * modulePx}px` }}
        />
      ))}
    </View>
  );
});
