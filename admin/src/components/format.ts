import dayjs from 'dayjs';

/** A server timestamp in the browser's time zone, to the second. */
export function formatTime(value: string | null | undefined): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm:ss') : '—';
}
