// A fake camera for Chromium: a PNG (a screenshot of a QR code) turned into a Y4M video that Chromium plays as
// its camera (`--use-file-for-fake-video-capture`). Y4M is raw YUV 4:2:0 with a one-line header per file and
// per frame, so writing it needs nothing but the decoded pixels.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

export interface FakeVideoOptions {
  /** Frame size; even numbers (4:2:0 halves both). Default 640×480, a common webcam mode. */
  width?: number;
  height?: number;
  /**
   * The side of the square the image is fitted into, centred on a white frame. Default 280: inside the middle
   * two thirds of the shorter side, where qr-scanner looks, with a white quiet zone around the code.
   */
  fit?: number;
  /** Identical frames in the file (Chromium loops it). Default 5. */
  frames?: number;
  /** Frames per second in the header. Default 10. */
  fps?: number;
}

/** BT.601 luma in the limited ("TV") range Chromium assumes for I420: black 16, white 235. */
function luma(red: number, green: number, blue: number): number {
  return Math.round(16 + (65.481 * red + 128.553 * green + 24.966 * blue) / 255);
}

/** Where alpha is partly transparent, the pixel is seen over white (a screenshot of a page). */
function overWhite(value: number, alpha: number): number {
  return Math.round((value * alpha + 255 * (255 - alpha)) / 255);
}

/**
 * The Y4M bytes of `png` scaled (nearest neighbour, so module edges stay sharp) into a `fit`×`fit` square in the
 * middle of a white frame. Chroma is neutral: a QR code needs only luma.
 */
export function pngToY4m(png: Buffer, options: FakeVideoOptions = {}): Buffer {
  const { width = 640, height = 480, fit = 280, frames = 5, fps = 10 } = options;
  if (width % 2 !== 0 || height % 2 !== 0) throw new RangeError('Y4M 4:2:0 needs an even width and height');
  const image = PNG.sync.read(png);
  const scale = Math.min(fit / image.width, fit / image.height);
  const drawnWidth = Math.max(1, Math.round(image.width * scale));
  const drawnHeight = Math.max(1, Math.round(image.height * scale));
  const left = Math.floor((width - drawnWidth) / 2);
  const top = Math.floor((height - drawnHeight) / 2);

  const white = luma(255, 255, 255);
  const lumaPlane = Buffer.alloc(width * height, white);
  for (let y = 0; y < drawnHeight; y += 1) {
    const sourceY = Math.min(image.height - 1, Math.floor(y / scale));
    for (let x = 0; x < drawnWidth; x += 1) {
      const sourceX = Math.min(image.width - 1, Math.floor(x / scale));
      const at = (sourceY * image.width + sourceX) * 4;
      const alpha = image.data[at + 3] ?? 255;
      const [red, green, blue] = [0, 1, 2].map((channel) => overWhite(image.data[at + channel] ?? 255, alpha)) as [
        number,
        number,
        number,
      ];
      lumaPlane[(top + y) * width + left + x] = luma(red, green, blue);
    }
  }
  const chromaPlanes = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frameHeader = Buffer.from('FRAME\n', 'ascii');
  const frame = Buffer.concat([frameHeader, lumaPlane, chromaPlanes]);
  return Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]);
}

/** Writes the fake camera video for `png` to a new temporary file and returns its path. */
export function writeFakeCamera(png: Buffer, options: FakeVideoOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'huika-camera-'));
  const file = join(dir, 'camera.y4m');
  writeFileSync(file, pngToY4m(png, options));
  return file;
}

/** The Chromium flags that make `videoFile` the camera and grant camera access without a prompt. */
export function fakeCameraArgs(videoFile: string): string[] {
  return [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${videoFile}`,
  ];
}
