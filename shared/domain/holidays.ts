import { addDays, formatLocalDate, type LocalDate, parseLocalDate, weekdayOf } from './local-date.ts';

/** Anything that can say whether a local date is a day off. */
export interface HolidayCalendar {
  isHoliday(date: LocalDate): boolean;
  /** The holidays observed within a calendar year, for display and configuration checks. */
  holidaysIn(year: number): Holiday[];
}

export interface Holiday {
  date: LocalDate;
  name: string;
}

/** `n`th (1-based) `weekday` (0 = Sunday) of a month; n = -1 means the last one. */
function nthWeekday(year: number, month: number, weekday: number, n: number): LocalDate {
  if (n > 0) {
    const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    const day = 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
    return formatLocalDate(year, month, day);
  }
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lastWeekday = new Date(Date.UTC(year, month - 1, lastDay)).getUTCDay();
  return formatLocalDate(year, month, lastDay - ((lastWeekday - weekday + 7) % 7));
}

/**
 * OPM's rule for fixed-date holidays: one on a Saturday is observed the Friday before, one on a Sunday
 * the Monday after (5 U.S.C. 6103(b), as applied to full-time employees on a Monday–Friday week).
 */
function observed(date: LocalDate): LocalDate {
  const wd = weekdayOf(date);
  if (wd === 6) return addDays(date, -1);
  if (wd === 0) return addDays(date, 1);
  return date;
}

/** The holidays of 5 U.S.C. 6103(a) that fall in `year`, by their actual (not observed) dates. */
function statutoryHolidays(year: number): Holiday[] {
  const list: Holiday[] = [
    { date: formatLocalDate(year, 1, 1), name: "New Year's Day" },
    { date: nthWeekday(year, 1, 1, 3), name: 'Birthday of Martin Luther King, Jr.' },
    { date: nthWeekday(year, 2, 1, 3), name: "Washington's Birthday" },
    { date: nthWeekday(year, 5, 1, -1), name: 'Memorial Day' },
    { date: formatLocalDate(year, 7, 4), name: 'Independence Day' },
    { date: nthWeekday(year, 9, 1, 1), name: 'Labor Day' },
    { date: nthWeekday(year, 10, 1, 2), name: 'Columbus Day' },
    { date: formatLocalDate(year, 11, 11), name: 'Veterans Day' },
    { date: nthWeekday(year, 11, 4, 4), name: 'Thanksgiving Day' },
    { date: formatLocalDate(year, 12, 25), name: 'Christmas Day' },
  ];
  // Juneteenth National Independence Day became a federal holiday in 2021.
  if (year >= 2021)
    list.push({ date: formatLocalDate(year, 6, 19), name: 'Juneteenth National Independence Day' });
  return list;
}

/**
 * US federal holidays as observed by OPM whose observed date falls in `year`. When New Year's Day of the
 * following year is a Saturday it is observed on 31 December of this one (e.g. 2021-12-31 for 2022).
 * Inauguration Day is left out: it is a holiday only for the Washington, DC area.
 */
export function usFederalHolidays(year: number): Holiday[] {
  const candidates = [...statutoryHolidays(year), statutoryHolidays(year + 1)[0] as Holiday];
  return candidates
    .map((h) => ({
      name: h.date === observed(h.date) ? h.name : `${h.name} (observed)`,
      date: observed(h.date),
    }))
    .filter((h) => parseLocalDate(h.date).year === year)
    .sort((a, b) => a.date.localeCompare(b.date));
}

/** The default calendar: OPM-observed federal holidays for any year, generated on demand. */
export function usFederalHolidayCalendar(): HolidayCalendar {
  const byYear = new Map<number, Holiday[]>();
  const datesByYear = new Map<number, Set<LocalDate>>();
  const holidaysIn = (year: number): Holiday[] => {
    let list = byYear.get(year);
    if (!list) {
      list = usFederalHolidays(year);
      byYear.set(year, list);
      datesByYear.set(year, new Set(list.map((h) => h.date)));
    }
    return list;
  };
  return {
    holidaysIn,
    isHoliday(date) {
      const year = parseLocalDate(date).year;
      holidaysIn(year);
      return datesByYear.get(year)?.has(date) ?? false;
    },
  };
}

/** A fixed, configured list of days off (dates in the business time zone). */
export function holidayList(holidays: readonly (Holiday | LocalDate)[]): HolidayCalendar {
  const list = holidays.map((h) => (typeof h === 'string' ? { date: h, name: 'Holiday' } : h));
  for (const h of list) parseLocalDate(h.date);
  const dates = new Set(list.map((h) => h.date));
  return {
    isHoliday: (date) => dates.has(date),
    holidaysIn: (year) =>
      list.filter((h) => parseLocalDate(h.date).year === year).sort((a, b) => a.date.localeCompare(b.date)),
  };
}

/** Days off in any of the given calendars (e.g. the federal default plus a company shutdown). */
export function combineHolidays(...calendars: HolidayCalendar[]): HolidayCalendar {
  return {
    isHoliday: (date) => calendars.some((c) => c.isHoliday(date)),
    holidaysIn: (year) =>
      calendars.flatMap((c) => c.holidaysIn(year)).sort((a, b) => a.date.localeCompare(b.date)),
  };
}
