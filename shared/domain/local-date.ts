/**
 * Calendar dates and wall-clock times in a named IANA time zone.
 *
 * Offsets come from the runtime's own tz data through `Intl`, so DST rules are never hand-coded here.
 * A `LocalDate` is a plain `YYYY-MM-DD` string: cheap to compare, hash and put in configuration.
 */

/** A calendar date, `YYYY-MM-DD`, in whatever zone the caller is speaking of. */
export type LocalDate = string;

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError for a zone name the runtime does not know. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/** The wall clock in `timeZone` at the instant `epochMs`. */
export function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const out: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };
  for (const p of parts) {
    if (p.type === 'year' || p.type === 'month' || p.type === 'day') out[p.type] = Number(p.value);
    else if (p.type === 'hour' || p.type === 'minute' || p.type === 'second') out[p.type] = Number(p.value);
  }
  out.millisecond = ((epochMs % 1000) + 1000) % 1000;
  return out;
}

/** UTC offset of `timeZone` at `epochMs`, in milliseconds (negative west of Greenwich). */
export function offsetAt(epochMs: number, timeZone: string): number {
  const w = wallClockAt(epochMs, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond) - epochMs;
}

/**
 * The instant at which the wall clock in `timeZone` shows the given date and time, resolved as
 * Temporal's "compatible" disambiguation does: a time repeated when clocks fall back is its first
 * occurrence; a time skipped when clocks spring forward moves later by the gap (02:30 → 03:30).
 */
export function instantOf(date: LocalDate, hour: number, minute: number, timeZone: string): number {
  const { year, month, day } = parseLocalDate(date);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Offsets half a day either side bracket any transition near the wanted instant.
  const earlier = wall - offsetAt(wall - 43_200_000, timeZone);
  const later = wall - offsetAt(wall + 43_200_000, timeZone);
  const fits = (t: number) => t + offsetAt(t, timeZone) === wall;
  if (fits(earlier) && fits(later)) return Math.min(earlier, later);
  if (fits(earlier)) return earlier;
  if (fits(later)) return later;
  return earlier;
}

export function localDateAt(epochMs: number, timeZone: string): LocalDate {
  const w = wallClockAt(epochMs, timeZone);
  return formatLocalDate(w.year, w.month, w.day);
}

export function formatLocalDate(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseLocalDate(date: LocalDate): { year: number; month: number; day: number } {
  const m = LOCAL_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`no such date: ${date}`);
  }
  return { year, month, day };
}

export function isLocalDate(value: string): boolean {
  try {
    parseLocalDate(value);
    return true;
  } catch {
    return false;
  }
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  const { year, month, day } = parseLocalDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = parseLocalDate(date);
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return formatLocalDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}
