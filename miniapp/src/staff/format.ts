const pad = (value: number) => value.toString().padStart(2, '0');

/** An API timestamp as a calendar date in the till's own time zone: "2026-11-22". */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** An API timestamp in the till's own time zone, to the minute: "2026-11-22 08:05". */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return `${formatDate(iso)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
