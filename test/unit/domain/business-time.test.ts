import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naiveAddBusinessMinutes } from '../../../bench/naive-business-time.ts';
import {
  createBusinessCalendar,
  defaultBusinessHours,
  HOUR_MS,
} from '../../../shared/domain/business-time.ts';
import { holidayList, usFederalHolidays } from '../../../shared/domain/holidays.ts';

const cal = createBusinessCalendar();
const at = (iso: string) => new Date(iso);
const add = (start: string, hours: number) => cal.addBusinessHours(at(start), hours).toISOString();
const iso = (s: string) => new Date(s).toISOString();

describe('addBusinessHours: examples (Pacific office hours, federal holidays)', () => {
  // Each row: start (with its Pacific offset), business hours to add, expected instant.
  const rows: [string, string, number, string][] = [
    ['before opening counts from opening', '2026-11-30T07:00:00-08:00', 1, '2026-11-30T10:00:00-08:00'],
    ['at opening', '2026-11-30T09:00:00-08:00', 1, '2026-11-30T10:00:00-08:00'],
    [
      'a full day from opening ends exactly at closing',
      '2026-11-30T09:00:00-08:00',
      8,
      '2026-11-30T17:00:00-08:00',
    ],
    ['at 16:59 one minute is left today', '2026-11-30T16:59:00-08:00', 1, '2026-12-01T09:59:00-08:00'],
    [
      'at 16:59 one minute lands exactly on closing',
      '2026-11-30T16:59:00-08:00',
      1 / 60,
      '2026-11-30T17:00:00-08:00',
    ],
    ['at 17:00 counts from the next opening', '2026-11-30T17:00:00-08:00', 1, '2026-12-01T10:00:00-08:00'],
    ['late evening', '2026-11-30T23:30:00-08:00', 2, '2026-12-01T11:00:00-08:00'],
    ['Friday afternoon runs over the weekend', '2026-12-04T16:00:00-08:00', 2, '2026-12-07T10:00:00-08:00'],
    ['Saturday counts from Monday', '2026-12-05T12:00:00-08:00', 1, '2026-12-07T10:00:00-08:00'],
    ['Sunday night counts from Monday', '2026-12-06T23:59:00-08:00', 8, '2026-12-07T17:00:00-08:00'],
    [
      'lands on Friday closing, not Monday opening',
      '2026-12-04T13:00:00-08:00',
      4,
      '2026-12-04T17:00:00-08:00',
    ],
    ['Thanksgiving counts from Friday', '2026-11-26T10:00:00-08:00', 1, '2026-11-27T10:00:00-08:00'],
    ['the day before Thanksgiving skips it', '2026-11-25T16:00:00-08:00', 8, '2026-11-27T16:00:00-08:00'],
    ['Christmas (Fri) and the weekend', '2026-12-24T16:00:00-08:00', 2, '2026-12-28T10:00:00-08:00'],
    [
      'Independence Day observed on Friday 3 July 2026',
      '2026-07-02T16:00:00-07:00',
      2,
      '2026-07-06T10:00:00-07:00',
    ],
    ['New Year observed on Fri 31 Dec 2021', '2021-12-30T16:00:00-08:00', 2, '2022-01-03T10:00:00-08:00'],
    ['Veterans Day (Wed) inside a week', '2026-11-09T09:00:00-08:00', 24, '2026-11-12T17:00:00-08:00'],
    ['level 3: twenty business days', '2026-11-27T01:00:00-08:00', 160, '2026-12-24T17:00:00-08:00'],
    // DST starts Sunday 8 March 2026 (02:00 PST → 03:00 PDT).
    ['over spring-forward weekend', '2026-03-06T16:00:00-08:00', 2, '2026-03-09T10:00:00-07:00'],
    [
      'from the skipped hour (01:30 PST, the instant before the gap)',
      '2026-03-08T01:30:00-08:00',
      1,
      '2026-03-09T10:00:00-07:00',
    ],
    ['from just after the gap (03:30 PDT)', '2026-03-08T03:30:00-07:00', 1, '2026-03-09T10:00:00-07:00'],
    ['a week across spring-forward', '2026-03-06T09:00:00-08:00', 48, '2026-03-13T17:00:00-07:00'],
    // DST ends Sunday 1 November 2026 (02:00 PDT → 01:00 PST); 01:30 happens twice.
    ['over fall-back weekend', '2026-10-30T16:00:00-07:00', 2, '2026-11-02T10:00:00-08:00'],
    ['from the first 01:30 (PDT)', '2026-11-01T01:30:00-07:00', 1, '2026-11-02T10:00:00-08:00'],
    ['from the repeated 01:30 (PST)', '2026-11-01T01:30:00-08:00', 1, '2026-11-02T10:00:00-08:00'],
    ['a week across fall-back', '2026-10-30T09:00:00-07:00', 16, '2026-11-02T17:00:00-08:00'],
  ];
  it.each(rows)('%s', (_name, start, hours, expected) => {
    expect(add(start, hours)).toBe(iso(expected));
  });

  it('adds nothing for zero hours, even outside office hours', () => {
    expect(add('2026-12-05T12:00:00-08:00', 0)).toBe(iso('2026-12-05T12:00:00-08:00'));
  });

  it('rejects negative and non-finite amounts', () => {
    expect(() => cal.addBusinessHours(at('2026-12-01T10:00:00Z'), -1)).toThrow(RangeError);
    expect(() => cal.addBusinessHours(at('2026-12-01T10:00:00Z'), Number.NaN)).toThrow(RangeError);
  });
});

describe('businessHoursBetween and isBusinessTime', () => {
  it.each([
    ['a working day', '2026-11-30T00:00:00-08:00', '2026-12-01T00:00:00-08:00', 8],
    ['Thanksgiving week Mon–Sun', '2026-11-23T00:00:00-08:00', '2026-11-30T00:00:00-08:00', 32],
    ['spring-forward week', '2026-03-06T09:00:00-08:00', '2026-03-09T17:00:00-07:00', 16],
    ['fall-back week', '2026-10-30T09:00:00-07:00', '2026-11-02T17:00:00-08:00', 16],
    ['inside one day', '2026-12-01T10:15:00-08:00', '2026-12-01T12:45:00-08:00', 2.5],
    ['reversed range is empty', '2026-12-02T10:00:00-08:00', '2026-12-01T10:00:00-08:00', 0],
  ])('%s', (_name, from, to, hours) => {
    expect(cal.businessHoursBetween(at(from), at(to))).toBe(hours);
  });

  it.each([
    ['2026-11-30T09:00:00-08:00', true],
    ['2026-11-30T08:59:59.999-08:00', false],
    ['2026-11-30T16:59:59.999-08:00', true],
    ['2026-11-30T17:00:00-08:00', false],
    ['2026-11-28T12:00:00-08:00', false],
    ['2026-11-26T12:00:00-08:00', false],
    ['2026-03-09T09:00:00-07:00', true],
    ['2026-03-09T08:30:00-07:00', false],
  ])('isBusinessTime(%s) is %s', (instant, expected) => {
    expect(cal.isBusinessTime(at(instant))).toBe(expected);
  });

  it('the next business instant of a closing instant is the next opening', () => {
    expect(cal.nextBusinessInstant(at('2026-12-04T17:00:00-08:00')).toISOString()).toBe(
      iso('2026-12-07T09:00:00-08:00'),
    );
  });
});

describe('every default holiday is a day off', () => {
  for (const year of [2021, 2022, 2025, 2026, 2027, 2028]) {
    for (const h of usFederalHolidays(year)) {
      it(`${h.date} ${h.name}`, () => {
        const noon = new Date(`${h.date}T12:00:00-08:00`);
        expect(cal.isBusinessTime(noon)).toBe(false);
        expect(
          cal.businessHoursBetween(
            new Date(`${h.date}T00:00:00-08:00`),
            new Date(`${h.date}T23:00:00-08:00`),
          ),
        ).toBe(0);
      });
    }
  }
});

describe('configuration', () => {
  it('a configured holiday list replaces the federal default', () => {
    const custom = createBusinessCalendar({
      ...defaultBusinessHours(),
      holidays: holidayList(['2026-12-01']),
    });
    expect(custom.isBusinessTime(at('2026-11-26T12:00:00-08:00'))).toBe(true);
    expect(custom.isBusinessTime(at('2026-12-01T12:00:00-08:00'))).toBe(false);
  });

  it('other office hours and zones', () => {
    const berlin = createBusinessCalendar({
      ...defaultBusinessHours(),
      timeZone: 'Europe/Berlin',
      opensAtMinute: 8 * 60 + 30,
      closesAtMinute: 16 * 60 + 30,
      holidays: holidayList([]),
    });
    expect(berlin.addBusinessHours(at('2026-03-27T15:30:00+01:00'), 2).toISOString()).toBe(
      iso('2026-03-30T09:30:00+02:00'),
    );
  });

  it('refuses a calendar that opens after it closes, or an unknown zone', () => {
    expect(() =>
      createBusinessCalendar({ ...defaultBusinessHours(), opensAtMinute: 600, closesAtMinute: 540 }),
    ).toThrow();
    expect(() =>
      createBusinessCalendar({ ...defaultBusinessHours(), timeZone: 'Mars/Olympus_Mons' }),
    ).toThrow();
  });

  it('a calendar with no working days fails instead of looping forever', () => {
    const never = createBusinessCalendar({ ...defaultBusinessHours(), workdays: [] });
    expect(() => never.addBusinessHours(at('2026-12-01T10:00:00Z'), 1)).toThrow(/no business time/);
  });
});

describe('properties', () => {
  const instant = fc
    .date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2035-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => new Date(d.getTime()));
  const businessMs = fc.integer({ min: 0, max: 400 * HOUR_MS });

  it('the business time between a start and start + h is exactly h', () => {
    fc.assert(
      fc.property(instant, businessMs, (start, ms) => {
        expect(cal.businessMsBetween(start, cal.addBusinessMs(start, ms))).toBe(ms);
      }),
      { numRuns: 300 },
    );
  });

  it('adding a then b is adding a + b', () => {
    fc.assert(
      fc.property(instant, businessMs, businessMs, (start, a, b) => {
        const stepwise = cal.addBusinessMs(cal.addBusinessMs(start, a), b);
        expect(stepwise.getTime()).toBe(cal.addBusinessMs(start, a + b).getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('a result is within office hours or exactly at a closing instant', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 400 * HOUR_MS }), (start, ms) => {
        const end = cal.addBusinessMs(start, ms);
        const atClosing = !cal.isBusinessTime(end) && cal.isBusinessTime(new Date(end.getTime() - 1));
        expect(cal.isBusinessTime(end) || atClosing).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with naive minute-stepping for minute-aligned starts', () => {
    const minuteAligned = instant.map((d) => new Date(Math.floor(d.getTime() / 60_000) * 60_000));
    fc.assert(
      fc.property(minuteAligned, fc.integer({ min: 0, max: 24 * 60 }), (start, minutes) => {
        expect(cal.addBusinessMs(start, minutes * 60_000).toISOString()).toBe(
          naiveAddBusinessMinutes(start, minutes).toISOString(),
        );
      }),
      { numRuns: 60 },
    );
  });
});
