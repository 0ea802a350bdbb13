import { type BusinessCalendar, createBusinessCalendar, HOUR_MS } from './business-time.ts';
import { dateOf, epochOf, type Instant, toInstant } from './instant.ts';
import type { SeverityLevel } from './severity.ts';

/**
 * Calendar time runs 24/7; business time only in office hours
 * (docs/service-levels.md#calendar-time-and-business-time).
 */
export type TimeBase = 'calendar' | 'business';

export interface SlaDuration {
  base: TimeBase;
  hours: number;
}

export interface SlaTargets {
  /** First-response targets, calendar hours: support runs 24/7. */
  firstResponseHours: Record<SeverityLevel, number>;
  updatePeriod: Record<SeverityLevel, SlaDuration>;
  /** Levels whose update period relaxes to another level's once a workaround or resolution is recorded. */
  afterWorkaround: Partial<Record<SeverityLevel, SeverityLevel>>;
  /** Share of a window after which it is "at risk". */
  atRiskFraction: number;
  autoCloseHours: number;
}

const BUSINESS_DAY_HOURS = 8;

export const DEFAULT_SLA_TARGETS: SlaTargets = {
  firstResponseHours: { 0: 1, 1: 4, 2: 12, 3: 24 },
  updatePeriod: {
    0: { base: 'calendar', hours: 12 },
    1: { base: 'business', hours: 1 * BUSINESS_DAY_HOURS },
    2: { base: 'business', hours: 5 * BUSINESS_DAY_HOURS },
    3: { base: 'business', hours: 20 * BUSINESS_DAY_HOURS },
  },
  afterWorkaround: { 1: 2 },
  atRiskFraction: 0.75,
  autoCloseHours: 120,
};

/** A stretch of time during which an update window did not run (the case was on hold). */
export interface Pause {
  from: Instant;
  /** null while the pause lasts. */
  to: Instant | null;
}

/** What a deadline is measured from: its start, less any pauses. */
export interface WindowStart {
  startedAt: Instant;
  pauses: readonly Pause[];
}

/**
 * The support policy's arithmetic: targets per level, applied in calendar or business time.
 * Every deadline casewatch shows, schedules or checks comes from here.
 */
export interface SlaPolicy {
  readonly targets: SlaTargets;
  readonly calendar: BusinessCalendar;
  firstResponseTarget(level: SeverityLevel): SlaDuration;
  updatePeriod(level: SeverityLevel, workaroundRecorded: boolean): SlaDuration;
  /** `start` + `duration` in the duration's time base. */
  add(start: Instant, duration: SlaDuration): Instant;
  /** Time elapsed in [from, to) in `base`, in hours. */
  elapsedHours(from: Instant, to: Instant, base: TimeBase): number;
  /** When a window that runs except during its pauses has run for `duration`; null while paused. */
  windowEnd(window: WindowStart, duration: SlaDuration): Instant | null;
  /** The at-risk share of a duration (75% by default), in the same base. */
  atRiskPart(duration: SlaDuration): SlaDuration;
  autoCloseAt(enteredPendingClosureAt: Instant): Instant;
}

export interface SlaPolicyOptions {
  calendar?: BusinessCalendar;
  targets?: SlaTargets;
}

export function createSlaPolicy(options: SlaPolicyOptions = {}): SlaPolicy {
  const calendar = options.calendar ?? createBusinessCalendar();
  const targets = options.targets ?? DEFAULT_SLA_TARGETS;
  if (!(targets.atRiskFraction > 0 && targets.atRiskFraction < 1)) {
    throw new RangeError('atRiskFraction must be between 0 and 1');
  }

  const addMs = (start: number, ms: number, base: TimeBase): number =>
    base === 'calendar' ? start + ms : calendar.addBusinessMs(new Date(start), ms).getTime();
  const elapsedMs = (from: number, to: number, base: TimeBase): number =>
    base === 'calendar' ? Math.max(0, to - from) : calendar.businessMsBetween(new Date(from), new Date(to));

  const windowEnd = (window: WindowStart, duration: SlaDuration): Instant | null => {
    let left = Math.round(duration.hours * HOUR_MS);
    let segmentStart = epochOf(window.startedAt);
    const pauses = [...window.pauses].sort((a, b) => a.from.localeCompare(b.from));
    for (const pause of pauses) {
      const pausedAt = epochOf(pause.from);
      const ran = elapsedMs(segmentStart, pausedAt, duration.base);
      if (ran >= left) return toInstant(addMs(segmentStart, left, duration.base));
      left -= ran;
      if (pause.to === null) return null;
      segmentStart = Math.max(segmentStart, epochOf(pause.to));
    }
    return toInstant(addMs(segmentStart, left, duration.base));
  };

  return {
    targets,
    calendar,
    firstResponseTarget: (level) => ({ base: 'calendar', hours: targets.firstResponseHours[level] }),
    updatePeriod: (level, workaroundRecorded) => {
      const relaxed = workaroundRecorded ? targets.afterWorkaround[level] : undefined;
      return targets.updatePeriod[relaxed ?? level];
    },
    add: (start, duration) =>
      toInstant(addMs(epochOf(start), Math.round(duration.hours * HOUR_MS), duration.base)),
    elapsedHours: (from, to, base) => elapsedMs(epochOf(from), epochOf(to), base) / HOUR_MS,
    windowEnd,
    atRiskPart: (duration) => ({ base: duration.base, hours: duration.hours * targets.atRiskFraction }),
    autoCloseAt: (enteredAt) => toInstant(dateOf(enteredAt).getTime() + targets.autoCloseHours * HOUR_MS),
  };
}
