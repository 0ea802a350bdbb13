import * as z from 'zod';
import { isLocalDate } from './local-date.ts';

/**
 * Instants as the case stores and the API shows them: ISO 8601 in UTC with milliseconds
 * (`2026-11-27T09:00:00.000Z`). In that one format, string order is time order.
 */
export type Instant = string;

/** An instant as the API shows it (always UTC, with milliseconds). */
export const InstantSchema = z.iso
  .datetime()
  .meta({ description: 'ISO 8601 instant in UTC', example: '2026-11-30T17:00:00.000Z' });

export function toInstant(at: Date | number): Instant {
  return new Date(at).toISOString();
}

export function epochOf(at: Instant): number {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${at}`);
  return ms;
}

export function dateOf(at: Instant): Date {
  return new Date(epochOf(at));
}

const ISO_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * Accepts an ISO 8601 date-time with `Z` or an explicit offset and answers the canonical UTC form;
 * null for anything else, including dates that do not exist (Feb 30, 24:00) which `Date.parse` would
 * quietly roll over.
 */
export function parseInstant(text: string): Instant | null {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return null;
  const [, date, hh, mm, ss, oh, om] = m;
  if (!isLocalDate(date as string)) return null;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59) return null;
  if (oh !== undefined && (Number(oh) > 23 || Number(om) > 59)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : toInstant(ms);
}
