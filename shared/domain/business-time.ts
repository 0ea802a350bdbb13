import { type HolidayCalendar, usFederalHolidayCalendar } from './holidays.ts';
import { addDays, assertTimeZone, instantOf, type LocalDate, localDateAt, weekdayOf } from './local-date.ts';

export const HOUR_MS = 3_600_000;

export interface BusinessHoursConfig {
  /** IANA zone the office hours are kept in. */
  timeZone: string;
  /** Opening and closing wall-clock times, minutes after midnight. */
  opensAtMinute: number;
  closesAtMinute: number;
  /** Working weekdays, 0 = Sunday … 6 = Saturday. */
  workdays: readonly number[];
  holidays: HolidayCalendar;
}

/** Monday–Friday 09:00–17:00 Pacific, US federal holidays off (docs/service-levels.md#business-time). */
export function defaultBusinessHours(): BusinessHoursConfig {
  return {
    timeZone: 'America/Los_Angeles',
    opensAtMinute: 9 * 60,
    closesAtMinute: 17 * 60,
    workdays: [1, 2, 3, 4, 5],
    holidays: usFederalHolidayCalendar(),
  };
}

/** Office hours on one local date, as instants; null on weekends and holidays. */
interface DayWindow {
  open: number;
  close: number;
}

export interface BusinessCalendar {
  readonly config: BusinessHoursConfig;
  /** The instant `ms` business milliseconds after `start`; a start outside hours counts from the next opening. */
  addBusinessMs(start: Date, ms: number): Date;
  addBusinessHours(start: Date, hours: number): Date;
  /** Business milliseconds in [from, to); 0 when `to` is not after `from`. */
  businessMsBetween(from: Date, to: Date): number;
  businessHoursBetween(from: Date, to: Date): number;
  isBusinessTime(at: Date): boolean;
  /** `at` itself when within hours, else the next opening. */
  nextBusinessInstant(at: Date): Date;
}

/** Far enough for any SLA window, short enough that a calendar with no working days fails fast. */
const MAX_DAYS_SCANNED = 3 * 366;
const MAX_CACHED_DAYS = 4096;

/**
 * Business-time arithmetic that walks a day at a time (never a minute at a time): each local date's
 * opening and closing instants are computed once, DST-correct, and cached.
 */
export function createBusinessCalendar(
  config: BusinessHoursConfig = defaultBusinessHours(),
): BusinessCalendar {
  assertTimeZone(config.timeZone);
  if (
    !(
      config.opensAtMinute >= 0 &&
      config.opensAtMinute < config.closesAtMinute &&
      config.closesAtMinute <= 1440
    )
  ) {
    throw new RangeError('business hours must open before they close, within one day');
  }
  const workdays = new Set(config.workdays);
  const cache = new Map<LocalDate, DayWindow | null>();

  const windowOn = (date: LocalDate): DayWindow | null => {
    const hit = cache.get(date);
    if (hit !== undefined) return hit;
    let w: DayWindow | null = null;
    if (workdays.has(weekdayOf(date)) && !config.holidays.isHoliday(date)) {
      const at = (minute: number) => instantOf(date, Math.floor(minute / 60), minute % 60, config.timeZone);
      w = { open: at(config.opensAtMinute), close: at(config.closesAtMinute) };
    }
    if (cache.size >= MAX_CACHED_DAYS) cache.clear();
    cache.set(date, w);
    return w;
  };

  const addBusinessMs = (start: Date, ms: number): Date => {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`business time to add must be ≥ 0, got ${ms}`);
    const t0 = start.getTime();
    if (ms === 0) return new Date(t0);
    let left = ms;
    let date = localDateAt(t0, config.timeZone);
    for (let i = 0; i < MAX_DAYS_SCANNED; i++, date = addDays(date, 1)) {
      const w = windowOn(date);
      if (!w) continue;
      const from = Math.max(t0, w.open);
      if (from >= w.close) continue;
      const available = w.close - from;
      if (left <= available) return new Date(from + left);
      left -= available;
    }
    throw new RangeError(`no business time within ${MAX_DAYS_SCANNED} days of ${start.toISOString()}`);
  };

  const businessMsBetween = (from: Date, to: Date): number => {
    const a = from.getTime();
    const b = to.getTime();
    if (b <= a) return 0;
    let total = 0;
    const last = localDateAt(b, config.timeZone);
    for (let date = localDateAt(a, config.timeZone); date <= last; date = addDays(date, 1)) {
      const w = windowOn(date);
      if (!w) continue;
      const lo = Math.max(a, w.open);
      const hi = Math.min(b, w.close);
      if (hi > lo) total += hi - lo;
    }
    return total;
  };

  const isBusinessTime = (at: Date): boolean => {
    const t = at.getTime();
    const w = windowOn(localDateAt(t, config.timeZone));
    return w !== null && t >= w.open && t < w.close;
  };

  const nextBusinessInstant = (at: Date): Date => {
    const t = at.getTime();
    let date = localDateAt(t, config.timeZone);
    for (let i = 0; i < MAX_DAYS_SCANNED; i++, date = addDays(date, 1)) {
      const w = windowOn(date);
      if (w && t < w.close) return new Date(Math.max(t, w.open));
    }
    throw new RangeError(`no business time within ${MAX_DAYS_SCANNED} days of ${at.toISOString()}`);
  };

  return {
    config,
    addBusinessMs,
    addBusinessHours: (start, hours) => addBusinessMs(start, Math.round(hours * HOUR_MS)),
    businessMsBetween,
    businessHoursBetween: (from, to) => businessMsBetween(from, to) / HOUR_MS,
    isBusinessTime,
    nextBusinessInstant,
  };
}
