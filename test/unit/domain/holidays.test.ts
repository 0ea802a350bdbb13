import { describe, expect, it } from 'vitest';
import {
  combineHolidays,
  holidayList,
  usFederalHolidayCalendar,
  usFederalHolidays,
} from '../../../shared/domain/holidays.ts';

/** OPM's published tables of federal holidays (observed dates). */
const OPM: Record<number, string[]> = {
  2021: [
    '2021-01-01',
    '2021-01-18',
    '2021-02-15',
    '2021-05-31',
    '2021-06-18',
    '2021-07-05',
    '2021-09-06',
    '2021-10-11',
    '2021-11-11',
    '2021-11-25',
    '2021-12-24',
    '2021-12-31',
  ],
  2022: [
    '2022-01-17',
    '2022-02-21',
    '2022-05-30',
    '2022-06-20',
    '2022-07-04',
    '2022-09-05',
    '2022-10-10',
    '2022-11-11',
    '2022-11-24',
    '2022-12-26',
  ],
  2024: [
    '2024-01-01',
    '2024-01-15',
    '2024-02-19',
    '2024-05-27',
    '2024-06-19',
    '2024-07-04',
    '2024-09-02',
    '2024-10-14',
    '2024-11-11',
    '2024-11-28',
    '2024-12-25',
  ],
  2025: [
    '2025-01-01',
    '2025-01-20',
    '2025-02-17',
    '2025-05-26',
    '2025-06-19',
    '2025-07-04',
    '2025-09-01',
    '2025-10-13',
    '2025-11-11',
    '2025-11-27',
    '2025-12-25',
  ],
  2026: [
    '2026-01-01',
    '2026-01-19',
    '2026-02-16',
    '2026-05-25',
    '2026-06-19',
    '2026-07-03',
    '2026-09-07',
    '2026-10-12',
    '2026-11-11',
    '2026-11-26',
    '2026-12-25',
  ],
  2027: [
    '2027-01-01',
    '2027-01-18',
    '2027-02-15',
    '2027-05-31',
    '2027-06-18',
    '2027-07-05',
    '2027-09-06',
    '2027-10-11',
    '2027-11-11',
    '2027-11-25',
    '2027-12-24',
    '2027-12-31',
  ],
};

describe('US federal holidays as observed by OPM', () => {
  it.each(Object.entries(OPM))('%s matches the OPM table', (year, dates) => {
    expect(usFederalHolidays(Number(year)).map((h) => h.date)).toEqual(dates);
  });

  it('a Saturday New Year moves into the previous year and is named as observed', () => {
    expect(usFederalHolidays(2021).at(-1)).toEqual({ date: '2021-12-31', name: "New Year's Day (observed)" });
    expect(usFederalHolidays(2022).some((h) => h.name.startsWith("New Year's Day"))).toBe(false);
  });

  it('Juneteenth exists only from 2021', () => {
    expect(usFederalHolidays(2020).some((h) => h.name.startsWith('Juneteenth'))).toBe(false);
    expect(usFederalHolidays(2021).some((h) => h.name.startsWith('Juneteenth'))).toBe(true);
  });

  it('generates any year: always on weekdays, eleven days a year on average', () => {
    let total = 0;
    for (let year = 2021; year <= 2120; year++) {
      const list = usFederalHolidays(year);
      total += list.length;
      for (const h of list) {
        const wd = new Date(`${h.date}T12:00:00Z`).getUTCDay();
        expect(wd, `${h.date} ${h.name}`).toBeGreaterThanOrEqual(1);
        expect(wd, `${h.date} ${h.name}`).toBeLessThanOrEqual(5);
        expect(h.date.startsWith(String(year))).toBe(true);
      }
    }
    expect(total).toBe(1100);
  });

  it('the calendar answers by date, across year boundaries', () => {
    const cal = usFederalHolidayCalendar();
    expect(cal.isHoliday('2021-12-31')).toBe(true);
    expect(cal.isHoliday('2022-01-01')).toBe(false);
    expect(cal.isHoliday('2026-11-26')).toBe(true);
    expect(cal.isHoliday('2026-11-27')).toBe(false);
  });

  it('lists and combinations', () => {
    const shutdown = holidayList([{ date: '2026-12-24', name: 'Company shutdown' }]);
    const both = combineHolidays(usFederalHolidayCalendar(), shutdown);
    expect(both.isHoliday('2026-12-24')).toBe(true);
    expect(both.isHoliday('2026-12-25')).toBe(true);
    expect(
      both
        .holidaysIn(2026)
        .map((h) => h.date)
        .slice(-2),
    ).toEqual(['2026-12-24', '2026-12-25']);
    expect(() => holidayList(['2026-02-30'])).toThrow(RangeError);
  });
});
