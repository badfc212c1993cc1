import { DateTime, IANAZone } from 'luxon';

/** No time zone changes its offset twice within a quarter of an hour. */
const BUCKET_MS = 15 * 60 * 1000;
const MAX_BUCKETS = 4096;

/**
 * An IANA zone that remembers its offsets. Luxon works an offset out with Intl.DateTimeFormat's
 * formatToParts on every call, several times for one date calculation, and a purchase makes a dozen
 * (member day, birthday, points expiry, card validity): a measurable share of its time. An offset is
 * kept per quarter hour of UTC, and only when it is the same at both ends of that quarter hour, so
 * that the quarter hour holding a transition (summer time starts or ends) is always worked out exactly.
 */
class CachedOffsetZone extends IANAZone {
  private readonly offsets = new Map<number, number>();

  override offset(ts: number): number {
    const bucket = Math.floor(ts / BUCKET_MS);
    const known = this.offsets.get(bucket);
    if (known !== undefined) return known;
    const start = super.offset(bucket * BUCKET_MS);
    if (Number.isNaN(start) || start !== super.offset((bucket + 1) * BUCKET_MS - 1)) return super.offset(ts);
    if (this.offsets.size >= MAX_BUCKETS) this.offsets.clear();
    this.offsets.set(bucket, start);
    return start;
  }
}

const zones = new Map<string, IANAZone>();

/** The zone to hand luxon for the program's time zone name (DOMAIN: default Asia/Shanghai). */
export function zoneOf(name: string): IANAZone {
  let zone = zones.get(name);
  if (!zone) {
    zone = new CachedOffsetZone(name);
    zones.set(name, zone);
  }
  return zone;
}

/**
 * A birthday is refused when it is after today, and today is the program's calendar day (DOMAIN: the brand's
 * time zone), not UTC's: at 01:00 in Shanghai it is already tomorrow there, while UTC still says yesterday.
 */
export function isBirthdayInFuture(birthday: string, now: number, timeZone: string): boolean {
  const today = DateTime.fromMillis(now, { zone: zoneOf(timeZone) }).toISODate();
  return today !== null && birthday > today;
}

/** The first millisecond of a calendar day (YYYY-MM-DD) in the program's time zone, `plusDays` days later. */
export function dayStartMs(day: string, timeZone: string, plusDays = 0): number {
  return DateTime.fromISO(day, { zone: zoneOf(timeZone) })
    .plus({ days: plusDays })
    .startOf('day')
    .toMillis();
}
