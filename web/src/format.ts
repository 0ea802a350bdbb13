import { defaultBusinessHours } from '../../shared/domain/business-time.ts';
import { instantOf, wallClockAt } from '../../shared/domain/local-date.ts';
import { serverNow } from './api.ts';

const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

/** An instant in the reader's own time zone, named. */
export function when(instant: string): string {
  return dateTime.format(new Date(instant));
}

/** `3 h 12 min`, `2 d 4 h`, `45 s`: how long, to the minute past the first minute. */
export function span(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/**
 * `in 3 h 12 min`, `due now` (from its due instant for a minute), or `5 min overdue`, against the
 * server's clock. Never `in 0 s`: what is left is counted up to the next whole second, and at or after
 * the due instant it is due. `breached`: the server recorded the deadline as missed, so it is never
 * said to be ahead, whatever this clock reads.
 */
export function countdown(instant: string, now = serverNow(), breached = false): string {
  const ms = Date.parse(instant) - now;
  if (ms > 0 && !breached) return `in ${span(Math.ceil(ms / 1000) * 1000)}`;
  if (ms > -60_000) return 'due now';
  return `${span(ms)} overdue`;
}

export const STATUS_LABELS: Record<string, string> = {
  new: 'New',
  open: 'Open',
  working: 'Working on it',
  pending_internal: 'Waiting on our team',
  pending_closure: 'Waiting for your confirmation',
  on_hold: 'On hold',
  closed: 'Closed',
};

export const LEVEL_LABELS = ['Highest', 'High', 'Medium', 'Low'] as const;

/** Support's hours, from the business calendar the API checks slots against (one source of truth). */
const SUPPORT_HOURS = defaultBusinessHours();

/** Support's time zone: its hours and the times agents type are in it. */
export const SUPPORT_TIME_ZONE = SUPPORT_HOURS.timeZone;
/** The zone as people say it: `Pacific Time`. */
export const SUPPORT_ZONE_NAME =
  new Intl.DateTimeFormat('en-US', { timeZone: SUPPORT_TIME_ZONE, timeZoneName: 'longGeneric' })
    .formatToParts(new Date())
    .find((p) => p.type === 'timeZoneName')?.value ?? SUPPORT_TIME_ZONE;

/** `9:00 AM–5:00 PM`: support's opening hours on a working day. */
export const SUPPORT_HOURS_TEXT = [SUPPORT_HOURS.opensAtMinute, SUPPORT_HOURS.closesAtMinute]
  .map((minute) => {
    const h = Math.floor(minute / 60);
    return `${((h + 11) % 12) + 1}:${String(minute % 60).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
  })
  .join('–');

const zoneFormat = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' });
/** The reader's zone at an instant, named as the timeline names it (`UTC`, `PST`, `GMT+2`). */
export function zoneName(at: Date): string {
  return zoneFormat.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

const slotFormats = new Map<string, Intl.DateTimeFormat>();
function slotFormat(timeZone: string | undefined, part: 'date' | 'time'): Intl.DateTimeFormat {
  const key = `${timeZone ?? ''}|${part}`;
  let f = slotFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(
      undefined,
      part === 'date'
        ? { timeZone, weekday: 'long', month: 'long', day: 'numeric' }
        : { timeZone, hour: 'numeric', minute: '2-digit' },
    );
    slotFormats.set(key, f);
  }
  return f;
}

function dayAndTimes(start: Date, end: Date, timeZone: string | undefined) {
  return {
    day: slotFormat(timeZone, 'date').format(start),
    times: slotFormat(timeZone, 'time').formatRange(start, end),
  };
}

/**
 * A meeting's time in plain words, in the reader's own zone (`Tuesday, December 1, 10:00 – 10:30 AM`)
 * and, where support's wall clock differs, in support's (`6:00 – 6:30 PM Pacific Time`, its day named
 * only when that differs too); `support` is null for a reader in support's zone.
 */
export function slotWords(
  start: string,
  end: string,
): { yours: string; zone: string; support: string | null } {
  const from = new Date(start);
  const to = new Date(end);
  const yours = dayAndTimes(from, to, undefined);
  const theirs = dayAndTimes(from, to, SUPPORT_TIME_ZONE);
  const same = yours.day === theirs.day && yours.times === theirs.times;
  return {
    yours: `${yours.day}, ${yours.times}`,
    zone: zoneName(from),
    support: same
      ? null
      : `${theirs.day === yours.day ? '' : `${theirs.day}, `}${theirs.times} ${SUPPORT_ZONE_NAME}`,
  };
}

/** A meeting's time in support's zone, in words: `Thursday, December 3, 10:00 – 10:30 AM Pacific Time`. */
export function supportSlotText(start: string, end: string): string {
  const { day, times } = dayAndTimes(new Date(start), new Date(end), SUPPORT_TIME_ZONE);
  return `${day}, ${times} ${SUPPORT_ZONE_NAME}`;
}

/** A meeting's time in one line: `Tuesday, December 1, 10:00 – 10:30 AM your time (UTC; 6:00 – 6:30 PM Pacific Time)`. */
export function slotText(start: string, end: string): string {
  const { yours, zone, support } = slotWords(start, end);
  return `${yours} your time (${zone}${support ? `; ${support}` : ''})`;
}

/** The end of a slot that starts at `start` and lasts `minutes`, as an ISO instant. */
export function slotEndOf(start: string, minutes: number): string {
  return new Date(Date.parse(start) + minutes * 60_000).toISOString();
}

/**
 * A `datetime-local` value (`2026-12-01T10:00`) read as support's wall clock, as an ISO instant; null
 * when it is not a complete date and time.
 */
export function supportClockToInstant(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  try {
    return new Date(instantOf(m[1] as string, Number(m[2]), Number(m[3]), SUPPORT_TIME_ZONE)).toISOString();
  } catch {
    return null;
  }
}

/** An instant as support's wall clock, in the `datetime-local` form (`2026-12-01T10:00`). */
export function instantToSupportClock(instant: string): string {
  const w = wallClockAt(Date.parse(instant), SUPPORT_TIME_ZONE);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}`;
}
