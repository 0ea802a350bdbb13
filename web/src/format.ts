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

/** `in 3 h 12 min` or `5 min overdue`, against the server's clock. */
export function countdown(instant: string, now = serverNow()): string {
  const ms = Date.parse(instant) - now;
  return ms >= 0 ? `in ${span(ms)}` : `${span(ms)} overdue`;
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
