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

/** How a first response counts for compliance: given in time, or not. */
export type FirstResponseOutcome = 'met' | 'breached';

/**
 * Whether `e` is a first response as compliance counts it, at the level it happened at: an
 * `sla.breached` of the first response is a breach; an `sla.met` of it is met unless the deadline was
 * breached first (a late answer counts once, as the breach). `c` is the case as written with the event
 * or later: the first response's breach, once recorded, never changes. Null for every other event.
 */
export function firstResponseFigure(
  e: TimelineEvent,
  c: Case,
): { level: SeverityLevel; outcome: FirstResponseOutcome } | null {
  if ((e.type !== 'sla.met' && e.type !== 'sla.breached') || e.deadline !== 'first-response') return null;
  const level = e.level ?? c.severity.level;
  if (e.type === 'sla.breached') return { level, outcome: 'breached' };
  const breachedAt = c.sla.firstResponse.breachedAt;
  return breachedAt !== null && breachedAt <= e.at ? null : { level, outcome: 'met' };
}

/** `met ÷ (met + breached)` in percent, to one decimal; null when nothing fell either way. */
export function compliancePercent(met: number, breached: number): number | null {
  const total = met + breached;
  return total === 0 ? null : Math.round((1000 * met) / total) / 10;
}

/** The UTC hour an instant falls in, `yyyy-mm-ddThh`: the bucket first responses are counted in. */
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
