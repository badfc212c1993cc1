import { DateTime } from 'luxon';
import { zoneOf } from '../../common/time-zone';

/** How many calendar days the overview's chart shows, today included. */
export const CHART_DAYS = 30;

export interface CalendarDay {
  /** YYYY-MM-DD in the program's time zone. */
  date: string;
  /** The day's first millisecond (UTC epoch ms). */
  from: number;
  /** The next day's first millisecond: the day is [from, to). */
  to: number;
}

/**
 * The calendar days the overview counts, oldest first and ending today: the chart's 30 days, reaching back to the
 * first of the month when that is further (on the 31st the month began 30 days ago). Days are the program's
 * (DOMAIN: the brand's time zone), so a day is 23 or 25 hours long where the zone changes its clocks.
 */
export interface StatsCalendar {
  days: CalendarDay[];
  /** Index in `days` of the first day of the current month. */
  monthStart: number;
  /** Index in `days` of the first day the chart shows. */
  chartStart: number;
}

export function statsCalendar(timeZone: string, now: number): StatsCalendar {
  const today = DateTime.fromMillis(now, { zone: zoneOf(timeZone) }).startOf('day');
  const chartFirst = today.minus({ days: CHART_DAYS - 1 });
  const monthFirst = today.startOf('month');
  const first = monthFirst < chartFirst ? monthFirst : chartFirst;
  const days: CalendarDay[] = [];
  for (let day = first; day <= today; day = day.plus({ days: 1 })) {
    days.push({
      date: day.toISODate() ?? '',
      from: day.toMillis(),
      to: day.plus({ days: 1 }).startOf('day').toMillis(),
    });
  }
  const indexOf = (day: DateTime) => days.findIndex((d) => d.from === day.toMillis());
  return { days, monthStart: indexOf(monthFirst), chartStart: indexOf(chartFirst) };
}
