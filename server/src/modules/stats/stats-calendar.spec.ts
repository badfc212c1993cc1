import { statsCalendar } from './stats-calendar';

const HOUR = 3_600_000;

describe('statsCalendar', () => {
  it("counts the program's calendar days, not UTC's", () => {
    // 00:30 on March 15 in Shanghai is still March 14 in UTC.
    const calendar = statsCalendar('Asia/Shanghai', Date.parse('2026-03-15T00:30:00+08:00'));
    const today = calendar.days.at(-1);
    expect(today).toEqual({
      date: '2026-03-15',
      from: Date.parse('2026-03-15T00:00:00+08:00'),
      to: Date.parse('2026-03-16T00:00:00+08:00'),
    });
    expect(calendar.days).toHaveLength(30);
    expect(calendar.days[calendar.chartStart]?.date).toBe('2026-02-14');
    expect(calendar.days[calendar.monthStart]?.date).toBe('2026-03-01');
  });

  it('reaches back to the first of the month when it is more than 30 days ago', () => {
    const calendar = statsCalendar('Asia/Shanghai', Date.parse('2026-03-31T12:00:00+08:00'));
    expect(calendar.days).toHaveLength(31);
    expect(calendar.monthStart).toBe(0);
    expect(calendar.days[0]?.date).toBe('2026-03-01');
    expect(calendar.chartStart).toBe(1);
    expect(calendar.days.length - calendar.chartStart).toBe(30);
  });

  it('leaves no gap and no overlap between days, even where the clocks change', () => {
    // Berlin moves to summer time on 2026-03-29: that day has 23 hours.
    const calendar = statsCalendar('Europe/Berlin', Date.parse('2026-04-02T12:00:00+02:00'));
    for (let index = 1; index < calendar.days.length; index += 1) {
      expect(calendar.days[index]?.from).toBe(calendar.days[index - 1]?.to);
    }
    const short = calendar.days.find((day) => day.date === '2026-03-29');
    expect(short && short.to - short.from).toBe(23 * HOUR);
    expect(calendar.days[calendar.monthStart]?.date).toBe('2026-04-01');
  });
});
