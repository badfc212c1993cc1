import QRCode, { type QRCodeSegment } from 'qrcode';

/** A dark rectangle of a QR code, in modules. */
export interface ModuleRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  rects: ModuleRect[];
}

/** What QR's alphanumeric mode can carry (pickup codes): denser than bytes. */
const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]+$/;

/** UTF-8, by hand: the mini-program runtime has no TextEncoder. */
function utf8(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) {
      bytes.push(code);
    } else if (code < 0x800) {
      bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    } else {
      bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
  }
  return Uint8Array.from(bytes);
}

/**
 * The segments of `text`, built here rather than by qrcode: given a plain string, qrcode encodes its byte
 * segments with TextEncoder, which WeChat's JavaScript runtime lacks.
 */
function segmentsOf(text: string): QRCodeSegment[] {
  return ALPHANUMERIC.test(text) ? [{ mode: 'alphanumeric', data: text }] : [{ mode: 'byte', data: utf8(text) }];
}

/**
 * The QR code of `text` as few dark rectangles: runs of dark modules per row, and runs that repeat in the row
 * below grow downwards instead of starting again. Drawn as positioned Views, this renders the same in the
 * mini-program and in the browser (no canvas), with a few hundred nodes instead of one per module.
 */
export function qrMatrix(text: string): QrMatrix {
  const { size, data } = QRCode.create(segmentsOf(text), { errorCorrectionLevel: 'M' }).modules;
  const rects: ModuleRect[] = [];
  let open = new Map<string, ModuleRect>();
  for (let y = 0; y < size; y += 1) {
    const next = new Map<string, ModuleRect>();
    let x = 0;
    while (x < size) {
      if (!data[y * size + x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < size && data[y * size + x]) {
        x += 1;
      }
      const key = `${start}:${x - start}`;
      const above = open.get(key);
      if (above) {
        above.height += 1;
        next.set(key, above);
      } else {
        const rect = { x: start, y, width: x - start, height: 1 };
        rects.push(rect);
        next.set(key, rect);
      }
    }
    open = next;
  }
  return { size, rects };
}
