import type { ProgramConfig } from '@huika/shared';
import { DateTime } from 'luxon';
import { zoneOf } from '../../common/time-zone';

/** The program's calendar (DOMAIN: dates are in the program's time zone). */
export function localDate(program: ProgramConfig, at: number): DateTime {
  return DateTime.fromMillis(at, { zone: zoneOf(program.timeZone) });
}

/** Member days (DOMAIN §8): default the 9th, 19th and 29th of each month. */
export function isMemberDay(program: ProgramConfig, at: number): boolean {
  return program.memberDays.daysOfMonth.includes(localDate(program, at).day);
}

/** The member's birthday today (month and day; Feb 29 birthdays count on Feb 28 in other years). */
export function isBirthday(program: ProgramConfig, birthday: string | null, at: number): boolean {
  if (!birthday) return false;
  const match = /^\d{4}-(\d{2})-(\d{2})$/.exec(birthday);
  if (!match) return false;
  const today = localDate(program, at);
  const month = Number(match[1]);
  const day = Number(match[2]);
  if (month === 2 && day === 29 && !today.isInLeapYear) return today.month === 2 && today.day === 28;
  return today.month === month && today.day === day;
}

export function startOfLocalDay(program: ProgramConfig, at: number): number {
  return localDate(program, at).startOf('day').toMillis();
}

export function startOfLocalYear(program: ProgramConfig, at: number): number {
  return localDate(program, at).startOf('year').toMillis();
}
