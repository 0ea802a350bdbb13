import { type Instant, toInstant } from '../domain/instant.ts';
import {
  compliancePercent,
  hourWindow,
  type SurveyAnswered,
  type WaitingEscalation,
} from '../domain/lead-figures.ts';
import { SEVERITY_LEVELS, type SeverityLevel } from '../domain/severity.ts';
import type { SurveyRatings } from '../domain/survey.ts';
import type { AgentLoad, BacklogCount, ComplianceCount } from '../ports/case-store.ts';
import type { Actor } from './actor.ts';
import type { CoreDeps } from './deps.ts';
import { ForbiddenError, UnauthorizedError } from './errors.ts';

/** How many of the latest survey answers the figures list, with their comments. */
export const RECENT_SURVEY_ANSWERS = 20;

/**
 * The compliance windows, in hourly buckets: the hour now is in, so far, and the 23 (167) before it
 * (docs/service-levels.md#figures-for-leads).
 */
export const COMPLIANCE_WINDOWS = { last24h: 24, last7d: 7 * 24 } as const;

/** One level's first responses (or next updates) in a window: met, breached, and the compliance. */
export interface LevelCompliance {
  level: SeverityLevel;
  met: number;
  breached: number;
  /** `met ÷ (met + breached)` in percent, one decimal; null when none fell either way. */
  compliancePercent: number | null;
}

export interface ComplianceWindow {
  /** The start of the window's first hour. */
  since: Instant;
  levels: LevelCompliance[];
}

/** Compliance over the last 24 hours and the last 7 days. */
export type ComplianceWindows = Record<keyof typeof COMPLIANCE_WINDOWS, ComplianceWindow>;

export interface LeadFigures {
  asOf: Instant;
  backlog: BacklogCount[];
  firstResponse: ComplianceWindows;
  nextUpdate: ComplianceWindows;
  agents: AgentLoad[];
  escalations: WaitingEscalation[];
  surveys: {
    count: number;
    /** Each topic's average rating, two decimals; null until a survey is answered. */
    average: SurveyRatingsAverage | null;
    recent: SurveyAnswered[];
  };
  dashboardUrl: string | null;
}

export type SurveyRatingsAverage = Record<keyof SurveyRatings, number>;

/** What the figures need beyond the store: where the CloudWatch dashboard is (null locally). */
export type FiguresDeps = CoreDeps & { dashboardUrl: string | null };

type Kind = 'firstResponse' | 'nextUpdate';
type HourWindow = { from: string; to: string; since: Instant };

/**
 * Every level's met and breached first responses (or next updates) among the hours of a window, and
 * the compliance.
 */
function compliance(rows: ComplianceCount[], kind: Kind, window: HourWindow): ComplianceWindow {
  const inWindow = rows.filter((r) => r.hour >= window.from && r.hour <= window.to);
  return {
    since: window.since,
    levels: SEVERITY_LEVELS.map((level) => {
      const own = inWindow.filter((r) => r.level === level);
      const met = own.reduce((n, r) => n + r[kind].met, 0);
      const breached = own.reduce((n, r) => n + r[kind].breached, 0);
      return { level, met, breached, compliancePercent: compliancePercent(met, breached) };
    }),
  };
}

/** One kind's compliance over both windows. */
const windows = (rows: ComplianceCount[], kind: Kind, day: HourWindow, week: HourWindow) => ({
  last24h: compliance(rows, kind, day),
  last7d: compliance(rows, kind, week),
});

const twoDecimals = (n: number) => Math.round(n * 100) / 100;

/**
 * The leads' figures (docs/service-levels.md#figures-for-leads): the backlog, first-response and
 * next-update compliance over the last 24 hours and 7 days (both from the same hourly counts, one
 * read), each agent's open and overdue cases, the escalations waiting for a lead, and the surveys —
 * every one exact, read from what the writes keep, never a scan.
 * Leads only: agents and sellers are refused.
 */
export async function readLeadFigures(deps: FiguresDeps, actor: Actor): Promise<LeadFigures> {
  if (actor.kind === 'anonymous') throw new UnauthorizedError('sign in to read the figures');
  if (actor.kind !== 'staff' || actor.role !== 'lead')
    throw new ForbiddenError('only leads read the figures');
  const asOf = toInstant(deps.clock.now());
  const week = hourWindow(asOf, COMPLIANCE_WINDOWS.last7d);
  const day = hourWindow(asOf, COMPLIANCE_WINDOWS.last24h);
  const [backlog, hours, agents, escalations, totals, recent] = await Promise.all([
    deps.store.backlog(),
    deps.store.complianceCounts(week.from, week.to),
    deps.store.agentLoads(),
    deps.store.waitingEscalations(),
    deps.store.surveyTotals(),
    deps.store.recentSurveyAnswers(RECENT_SURVEY_ANSWERS),
  ]);
  const { count, sums } = totals;
  return {
    asOf,
    backlog,
    firstResponse: windows(hours, 'firstResponse', day, week),
    nextUpdate: windows(hours, 'nextUpdate', day, week),
    agents,
    escalations,
    surveys: {
      count,
      average:
        count === 0
          ? null
          : {
              overall: twoDecimals(sums.overall / count),
              timeliness: twoDecimals(sums.timeliness / count),
              friendliness: twoDecimals(sums.friendliness / count),
            },
      recent,
    },
    dashboardUrl: deps.dashboardUrl,
  };
}
