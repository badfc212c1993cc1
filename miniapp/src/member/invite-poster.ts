import { qrMatrix } from './components/qr-code/matrix';

export interface InvitePosterContent {
  brand: string;
  title: string;
  inviteUrl: string;
  code: string;
  cta: string;
}

/** The poster's size in CSS pixels; drawn at 3x so it stays sharp when saved. */
export const POSTER_WIDTH = 300;
export const POSTER_HEIGHT = 430;
const SCALE = 3;

const FONT = `-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif`;

function roundedRect(context: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number) {
  context.beginPath();
  context.moveTo(x + r, y);
  context.arcTo(x + w, y, x + w, y + h, r);
  context.arcTo(x + w, y + h, x, y + h, r);
  context.arcTo(x, y + h, x, y, r);
  context.arcTo(x, y, x + w, y, r);
  context.closePath();
}

/** Shortens `value` with an ellipsis until it fits `maxWidth` in the current font. */
function fit(context: CanvasRenderingContext2D, value: string, maxWidth: number): string {
  if (context.measureText(value).width <= maxWidth) return value;
  let shortened = value;
  while (shortened.length > 1 && context.measureText(`${shortened}…`).width > maxWidth) {
    shortened = shortened.slice(0, -1);
  }
  return `${shortened}…`;
}

/**
 * The invite poster as one PNG (H5 only): in a browser a member saves a picture with a long press, which a
 * composed page of elements does not allow. The mini-program shares the page itself instead.
 */
export function drawInvitePoster(content: InvitePosterContent): string | null {
  if (typeof document === 'undefined') return null;
  const canvas = document.createElement('canvas');
  canvas.width = POSTER_WIDTH * SCALE;
  canvas.height = POSTER_HEIGHT * SCALE;
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.scale(SCALE, SCALE);

  // Card.
  roundedRect(context, 0, 0, POSTER_WIDTH, POSTER_HEIGHT, 18);
  context.fillStyle = '#ffffff';
  context.fill();
  context.save();
  context.clip();

  // Brand band with the soft gold ring of the app's headers.
  const band = context.createLinearGradient(0, 0, POSTER_WIDTH, 120);
  band.addColorStop(0, '#074a41');
  band.addColorStop(0.6, '#0e7c66');
  band.addColorStop(1, '#16977d');
  context.fillStyle = band;
  context.fillRect(0, 0, POSTER_WIDTH, 118);
  context.strokeStyle = 'rgba(243, 213, 143, 0.16)';
  context.lineWidth = 26;
  context.beginPath();
  context.arc(POSTER_WIDTH - 10, -10, 90, 0, Math.PI * 2);
  context.stroke();

  // Brand mark: two pillars of an "H" joined by a gold point.
  roundedRect(context, 20, 20, 40, 40, 12);
  context.fillStyle = 'rgba(255, 255, 255, 0.2)';
  context.fill();
  context.fillStyle = '#ffffff';
  roundedRect(context, 29, 30, 6, 20, 3);
  context.fill();
  roundedRect(context, 45, 30, 6, 20, 3);
  context.fill();
  context.fillStyle = '#e2b04a';
  context.beginPath();
  context.arc(40, 40, 4, 0, Math.PI * 2);
  context.fill();

  context.textBaseline = 'middle';
  context.fillStyle = '#ffffff';
  context.font = `600 17px ${FONT}`;
  context.fillText(content.brand, 72, 40);
  context.font = `600 15px ${FONT}`;
  context.fillText(fit(context, content.title, POSTER_WIDTH - 40), 20, 88);
  context.restore();

  // The invite QR code.
  const qrSide = 176;
  const qrTop = 136;
  const matrix = qrMatrix(content.inviteUrl);
  const module = qrSide / matrix.size;
  const qrLeft = (POSTER_WIDTH - qrSide) / 2;
  context.fillStyle = '#000000';
  for (const rect of matrix.rects) {
    context.fillRect(
      qrLeft + rect.x * module,
      qrTop + rect.y * module,
      rect.width * module + 0.02,
      rect.height * module + 0.02,
    );
  }

  context.textAlign = 'center';
  context.fillStyle = '#5a6b67';
  context.font = `13px ${FONT}`;
  context.fillText(content.code, POSTER_WIDTH / 2, qrTop + qrSide + 24);

  // Call to action.
  const ctaWidth = 220;
  roundedRect(context, (POSTER_WIDTH - ctaWidth) / 2, POSTER_HEIGHT - 74, ctaWidth, 40, 20);
  const gold = context.createLinearGradient(0, 0, POSTER_WIDTH, 0);
  gold.addColorStop(0, '#f3d58f');
  gold.addColorStop(1, '#e2b04a');
  context.fillStyle = gold;
  context.fill();
  context.fillStyle = '#5c3f06';
  context.font = `600 15px ${FONT}`;
  context.fillText(content.cta, POSTER_WIDTH / 2, POSTER_HEIGHT - 54);

  return canvas.toDataURL('image/png');
}
