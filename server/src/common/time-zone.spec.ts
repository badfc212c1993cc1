import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { isBirthdayInFuture, zoneOf } from './time-zone';

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
const FROM = Date.parse('1990-01-01T00:00:00Z');
const TO = Date.parse('2040-01-01T00:00:00Z');

describe('zoneOf', () => {
  it('gives the same offsets as luxon itself, at any instant, in zones with and without summer time', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: FROM, max: TO }), (name, ts) => {
        expect(zoneOf(name).offset(ts)).toBe(IANAZone.create(name).offset(ts));
      }),
      { numRuns: 5_000 },
    );
  });

  it('is exact around the transitions themselves, to the millisecond', () => {
    // New York's spring forward (2026-03-08 07:00 UTC) and Lord Howe's half-hour change (2026-04-04 15:00 UTC).
    for (const [name, iso] of [
      ['America/New_York', '2026-03-08T07:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
    ] as const) {
      const at = Date.parse(iso);
      const real = IANAZone.create(name);
      for (const delta of [-60_000, -1, 0, 1, 60_000]) {
        expect(zoneOf(name).offset(at + delta)).toBe(real.offset(at + delta));
      }
      expect(zoneOf(name).offset(at - 1)).not.toBe(zoneOf(name).offset(at));
    }
  });

  it('does date arithmetic as luxon does with the zone by name', () => {
    const at = Date.parse('2026-12-31T17:30:00Z');
    const cached = DateTime.fromMillis(at, { zone: zoneOf('Asia/Shanghai') });
    const named = DateTime.fromMillis(at, { zone: 'Asia/Shanghai' });
    expect(cached.toISO()).toBe(named.toISO());
    expect(cached.plus({ months: 12 }).toMillis()).toBe(named.plus({ months: 12 }).toMillis());
    expect(cached.startOf('day').toMillis()).toBe(named.startOf('day').toMillis());
    expect(cached.zoneName).toBe('Asia/Shanghai');
  });
});

describe('isBirthdayInFuture', () => {
  // 2027-03-10 17:30 UTC is 2027-03-11 01:30 in Shanghai.
  const lateEvening = Date.parse('2027-03-10T17:30:00Z');

  it("takes today from the program's time zone, not UTC", () => {
    expect(isBirthdayInFuture('2027-03-11', lateEvening, 'Asia/Shanghai')).toBe(false);
    expect(isBirthdayInFuture('2027-03-11', lateEvening, 'Europe/London')).toBe(true);
  });

  it('accepts today and any earlier day, refuses tomorrow', () => {
    expect(isBirthdayInFuture('1990-01-01', lateEvening, 'Asia/Shanghai')).toBe(false);
    expect(isBirthdayInFuture('2027-03-12', lateEvening, 'Asia/Shanghai')).toBe(true);
  });
});
