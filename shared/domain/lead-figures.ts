import type { Case } from './case.ts';
import { epochOf, type Instant, toInstant } from './instant.ts';
import type { SeverityLevel } from './severity.ts';
import type { SurveyRatings } from './survey.ts';
import type { TimelineEvent } from './timeline.ts';

/*
 * What the leads' figures count (docs/service-levels.md#figures-for-leads), as rules on a case and its
 * events. The store keeps the figures exactly, moved by the same writes that change the cases; the
 * reference store recounts them from the cases with the same rules.
 */

/** How a first response or a next update counts for compliance: given in time, or not. */
export type ComplianceOutcome = 'met' | 'breached';

/** A first response or a next update as compliance counts it: at the level it happened at, met or not. */
export interface ComplianceFigure {
  level: SeverityLevel;
  outcome: ComplianceOutcome;
}

/**
 * Whether `e` is a first response as compliance counts it, at the level it happened at: an
 * `sla.breached` of the first response is a breach; an `sla.met` of it is met unless the deadline was
 * breached first (a late answer counts once, as the breach). `c` is the case as written with the event
 * or later: the first response's breach, once recorded, never changes. Null for every other event.
 */
export function firstResponseFigure(e: TimelineEvent, c: Case): ComplianceFigure | null {
  if ((e.type !== 'sla.met' && e.type !== 'sla.breached') || e.deadline !== 'first-response') return null;
  const level = e.level ?? c.severity.level;
  if (e.type === 'sla.breached') return { level, outcome: 'breached' };
  const breachedAt = c.sla.firstResponse.breachedAt;
  return breachedAt !== null && breachedAt <= e.at ? null : { level, outcome: 'met' };
}

/**
 * Whether `e` is a next update as compliance counts it, at the level it happened at: an `sla.breached`
 * of the next update is a breach; an `sla.met` of it is met unless the window it answered was breached
 * first (a late update counts once, as the breach). `owed` is the case as it stood just before `e`: the
 * window an update answers is the one that case owed, and its `breachedAt` says whether it was breached.
 * Unlike the first response, the case written with the event cannot tell: the update opens a fresh
 * window, and the answered one, breach and all, is gone from it. Null for every other event.
 */
export function nextUpdateFigure(e: TimelineEvent, owed: Case): ComplianceFigure | null {
  return nextUpdateOf(e, (owed.sla.updateWindow?.breachedAt ?? null) !== null, owed.severity.level);
}

/** The rule of `nextUpdateFigure`, given whether the window owed just before `e` was breached. */
function nextUpdateOf(e: TimelineEvent, breachedFirst: boolean, caseLevel: SeverityLevel) {
  if ((e.type !== 'sla.met' && e.type !== 'sla.breached') || e.deadline !== 'next-update') return null;
  const level = e.level ?? caseLevel;
  if (e.type === 'sla.breached') return { level, outcome: 'breached' as const };
  return breachedFirst ? null : { level, outcome: 'met' as const };
}

/**
 * Whether the update window a case owes is breached after `e`, given whether it was before: a breach
 * of the next update marks it; an update (an `sla.met` of the first response or of the next update)
 * answers the window and opens a fresh one; the closing ends it. Nothing else replaces a window: a
 * window that starts afresh when the requester writes back to a case pending closure replaces only one
 * that was not breached (docs/service-levels.md#pauses-and-stops-by-status).
 */
function breachedAfter(e: TimelineEvent, breached: boolean): boolean {
  if (e.type === 'sla.breached' && e.deadline === 'next-update') return true;
  if (e.type === 'sla.met' || e.type === 'case.closed') return false;
  return breached;
}

/**
 * The next updates among `events`, in the order they were recorded — one write's events, or a case's
 * whole timeline — each decided as `nextUpdateFigure` decides it on the case as it stood just before
 * it. `before` is the case before the first of them (null: they start with its opening, when no
 * update is owed yet), carried forward through what each event does to the window (a breach marks
 * it, an update opens a fresh one): so one write's share, started from the case that write replaced,
 * is the same as that write's part of a count over the whole timeline. `c` is the case as written with
 * the events, for the level of an event that does not record its own.
 */
export function nextUpdateFigures(
  before: Case | null,
  c: Case,
  events: readonly TimelineEvent[],
): (ComplianceFigure & { at: Instant })[] {
  let breached = (before?.sla.updateWindow?.breachedAt ?? null) !== null;
  const figures: (ComplianceFigure & { at: Instant })[] = [];
  for (const e of events) {
    const figure = nextUpdateOf(e, breached, c.severity.level);
    if (figure !== null) figures.push({ at: e.at, ...figure });
    breached = breachedAfter(e, breached);
  }
  return figures;
}

/** `met ÷ (met + breached)` in percent, to one decimal; null when nothing fell either way. */
export function compliancePercent(met: number, breached: number): number | null {
  const total = met + breached;
  return total === 0 ? null : Math.round((1000 * met) / total) / 10;
}

/** The UTC hour an instant falls in, `yyyy-mm-ddThh`: the bucket compliance is counted in. */
export function hourOf(at: Instant): string {
  return at.slice(0, 13);
}

const HOUR_MS = 3_600_000;

/**
 * The hourly buckets of a window of `hours` hours that ends with the hour `now` falls in (that hour, so
 * far, included): the first and last bucket, and the instant the first one starts.
 */
export function hourWindow(now: Instant, hours: number): { from: string; to: string; since: Instant } {
  const to = hourOf(now);
  const since = toInstant(epochOf(`${to}:00:00.000Z`) - (hours - 1) * HOUR_MS);
  return { from: hourOf(since), to, since };
}

/**
 * The case is overdue right now: its first response was breached and is still not given, or its
 * current update window was breached. Closed cases owe nothing.
 */
export function isBreachedNow(c: Case): boolean {
  if (c.status === 'closed') return false;
  const firstResponse = c.sla.firstResponse;
  return (
    (firstResponse.breachedAt !== null && firstResponse.metAt === null) ||
    (c.sla.updateWindow?.breachedAt ?? null) !== null
  );
}

/** What a case adds to its agent's load: one open case, overdue or not; nothing unassigned or closed. */
export function agentShareOf(c: Case): { agent: string; breached: boolean } | null {
  if (c.assignee === null || c.status === 'closed') return null;
  return { agent: c.assignee, breached: isBreachedNow(c) };
}

/** An escalation waiting for a lead, as the leads' list shows it. */
export interface WaitingEscalation {
  caseId: string;
  number: string;
  subject: string;
  level: SeverityLevel;
  assignee: string | null;
  requestedAt: Instant;
  reason: string;
}

export function waitingEscalationOf(c: Case): WaitingEscalation | null {
  if (c.escalation === null || c.status === 'closed') return null;
  return {
    caseId: c.id,
    number: c.number,
    subject: c.subject,
    level: c.severity.level,
    assignee: c.assignee,
    requestedAt: c.escalation.requestedAt,
    reason: c.escalation.reason,
  };
}

/** One survey answer, as the leads' list shows it: whose case, and who worked it. */
export interface SurveyAnswered {
  caseId: string;
  number: string;
  submittedAt: Instant;
  ratings: SurveyRatings;
  comment: string | null;
  assignee: string | null;
}

export function surveyAnsweredOf(c: Case): SurveyAnswered | null {
  const survey = c.survey;
  if (!survey || survey.submittedAt === null || survey.ratings === null) return null;
  return {
    caseId: c.id,
    number: c.number,
    submittedAt: survey.submittedAt,
    ratings: survey.ratings,
    comment: survey.comment,
    assignee: c.assignee,
  };
}
