import QRCode from 'qrcode';
import { joinPagePath } from '../referral/referral.service';

const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2, width: 512 } as const;

/**
 * The link a scene's QR code encodes: the H5 join page at the same path as the mini-program page, so the
 * brand can register the link prefix with WeChat ("扫普通链接二维码打开小程序") and one code serves both.
 */
export function sceneUrl(origin: string, scene: string): string {
  return `${origin}/${joinPagePath(scene)}`;
}

export function sceneQrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { ...QR_OPTIONS, type: 'png' });
}

export function sceneQrDataUrl(url: string): Promise<string> {
  return QRCode.toDataURL(url, { ...QR_OPTIONS, type: 'image/png' });
}
