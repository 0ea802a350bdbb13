import type { Case } from '../domain/case.ts';
import { meetingOf } from '../domain/changes/meeting.ts';
import { recordSurveySent } from '../domain/changes/survey.ts';
import { mayQuoteRequester } from '../domain/email/mail-limits.ts';
import { epochOf, type Instant, toInstant } from '../domain/instant.ts';
import { firstResponseFigure } from '../domain/lead-figures.ts';
import { firstResponseDueAt } from '../domain/sla.ts';
import { SURVEY_QUESTIONS } from '../domain/survey.ts';
import type { TimelineEvent } from '../domain/timeline.ts';
import type { Clock } from '../ports/clock.ts';
import type { Correspondents } from '../ports/mail-safeguards.ts';
import type { MeetingLinks } from '../ports/meeting-links.ts';
import { METRICS, type RecordMetric } from '../ports/metrics.ts';
import type { Notice, Notifier } from '../ports/notifier.ts';
import type { OnceLedger } from '../ports/once-ledger.ts';
import type { StoredChange } from '../ports/stored-change.ts';
import type { SurveyTokens } from '../ports/survey-tokens.ts';
import type { TimerScheduler } from '../ports/timer-scheduler.ts';
import type { EventPublisher } from '../ports/webhooks.ts';
import type { Actor } from './actor.ts';
import { changeCase } from './change-case.ts';
import type { CoreDeps } from './deps.ts';
import { ConflictError } from './errors.ts';
import { applyTimerPlan, planTimers } from './reconcile-timers.ts';

const CASEWATCH: Actor = { kind: 'system' };

export interface ReactionDeps extends CoreDeps {
  scheduler: TimerScheduler;
  notifier: Notifier;
  /** Who has written to us: only their mail repeats what the requester typed (docs/mail.md#who-gets-what). */
  correspondents: Correspondents;
  surveyTokens: SurveyTokens;
  /** Signs the link a meeting proposal's mail carries (docs/meetings.md#the-link). */
  meetingLinks: MeetingLinks;
  /** Where the stream's timeline events are published (docs/integrations.md#events-out); none when absent. */
  events?: EventPublisher;
  recordMetric?: RecordMetric;
  /**
   * An event's metrics are published once even when the stream delivers it again, so replays cannot
   * inflate counts or wake the breach alarms. Without a ledger every delivery publishes.
   */
  once?: OnceLedger;
}

const BREACH_METRIC = {
  'first-response': METRICS.firstResponseBreached,
  'next-update': METRICS.nextUpdateBreached,
} as const;

type Metric = Parameters<RecordMetric>;

/**
 * Human words for the fields a case opened by mail may lack (docs/mail.md#missing-fields: the acknowledgment
 * lists them).
 */
function missingFields(c: Case): string[] {
  if (c.type !== 'consumer') return [];
  const missing: string[] = [];
  if (!c.orderNumber) missing.push('order or invoice number');
  if (!c.billingDescriptor)
    missing.push('billing descriptor (the text on your card or bank statement, e.g. FSPRG*ACME)');
  return missing;
}

/** Whether customer mail about the case may repeat what its requester typed (docs/mail.md#who-gets-what). */
async function mayQuote(deps: ReactionDeps, c: Case): Promise<boolean> {
  if (c.type === 'seller') return mayQuoteRequester(c, false);
  return mayQuoteRequester(
    c,
    c.requester.email ? await deps.correspondents.hasWritten(c.requester.email) : false,
  );
}

/** The notices and metrics an event calls for, whatever wrote it (a timer, a settle, a request, a mail). */
async function consequences(
  deps: ReactionDeps,
  e: TimelineEvent,
  c: Case,
): Promise<{ notices: Notice[]; metrics: Metric[] }> {
  // The level the event happened at, when it says (sla.* events do); the case's level otherwise.
  const severity = String(('level' in e ? e.level : undefined) ?? c.severity.level);
  const eventId = e.id;
  // Asked only for customer mail, once per event.
  let quote: Promise<boolean> | undefined;
  const requesterText = () => {
    quote ??= mayQuote(deps, c);
    return quote;
  };
  switch (e.type) {
    case 'case.opened': {
      // Counted here, not in the API, so cases opened by mail count too (at the severity they opened with).
      const opened: Metric = [METRICS.caseOpened, { severity, type: c.type, channel: e.channel }];
      if (e.acknowledge === false || !c.requester.email) return { notices: [], metrics: [opened] };
      const related = c.relatedCaseId ? await deps.store.get(c.relatedCaseId) : null;
      return {
        notices: [
          {
            kind: 'acknowledgment',
            eventId,
            requesterText: await requesterText(),
            case: c,
            firstResponseDueAt: firstResponseDueAt(c.sla, deps.policy),
            missing: missingFields(c),
            relatedCaseNumber: related?.number ?? null,
          },
        ],
        metrics: [opened],
      };
    }
    case 'message.posted':
      return e.visibility === 'public' && (e.actor.role === 'agent' || e.actor.role === 'lead')
        ? {
            notices: [
              {
                kind: 'agent.message',
                eventId,
                case: c,
                body: e.body,
                author: e.actor.id,
                requesterText: await requesterText(),
              },
            ],
            metrics: [],
          }
        : { notices: [], metrics: [] };
    case 'sla.met': {
      if (e.deadline !== 'first-response') return { notices: [], metrics: [] };
      const minutes = Math.max(0, Math.round((epochOf(e.at) - epochOf(c.createdAt)) / 60_000));
      const took: Metric = [METRICS.timeToFirstResponse, { severity }, minutes, 'Minutes'];
      // A late answer still has a time to first response, but the promise was breached, not met:
      // compliance is met ÷ (met + breached), so each first response counts on exactly one side — the
      // same rule the leads' figures count by.
      const met = firstResponseFigure(e, c)?.outcome === 'met';
      return { notices: [], metrics: met ? [[METRICS.firstResponseMet, { severity }], took] : [took] };
    }
    case 'sla.at_risk':
      return {
        notices: [{ kind: 'sla.at_risk', eventId, case: c, deadline: e.deadline, dueAt: e.dueAt }],
        metrics: [[METRICS.slaAtRisk, { severity }]],
      };
    case 'sla.breached':
      return {
        notices: [
          { kind: 'sla.breached', eventId, case: c, deadline: e.deadline, dueAt: e.dueAt, breachedAt: e.at },
        ],
        metrics: [[BREACH_METRIC[e.deadline], { severity }]],
      };
    case 'escalation.requested':
      return {
        notices: [{ kind: 'escalation.requested', eventId, case: c, reason: e.reason }],
        metrics: [[METRICS.escalationRequested, { severity }]],
      };
    case 'case.closed':
      await sendSurveyOnce(deps, c, e.at);
      return {
        notices: [{ kind: 'closure', eventId, case: c, auto: e.auto, requesterText: await requesterText() }],
        metrics: e.auto ? [[METRICS.caseAutoClosed, {}]] : [],
      };
    case 'survey.sent':
      return c.requester.email
        ? {
            notices: [
              {
                kind: 'survey',
                eventId,
                case: c,
                surveyToken: await deps.surveyTokens.issue(c.id),
                requesterText: await requesterText(),
              },
            ],
            metrics: [],
          }
        : { notices: [], metrics: [] };
    case 'survey.submitted':
      return {
        notices: [],
        metrics: SURVEY_QUESTIONS.map(
          ({ topic }): Metric => [METRICS.surveyScore, { topic }, e.ratings[topic], 'None'],
        ),
      };
    case 'status.changed': {
      const notices: Notice[] = [];
      // The system reopens a waiting case only because the customer wrote.
      if (
        e.actor.role === 'system' &&
        e.to === 'open' &&
        (e.from === 'pending_closure' || e.from === 'on_hold')
      )
        notices.push({ kind: 'customer.replied', eventId, case: c, from: e.from });
      // A public note on any other move is an update to the customer like a message
      // (docs/mail.md#customer-mail).
      if (
        e.visibility === 'public' &&
        e.note &&
        e.to !== 'pending_closure' &&
        (e.actor.role === 'agent' || e.actor.role === 'lead')
      )
        notices.push({
          kind: 'agent.message',
          eventId,
          case: c,
          body: e.note,
          author: e.actor.id,
          requesterText: await requesterText(),
        });
      // Told only while it still holds: a customer who already answered needs no "closing soon" mail.
      if (e.to === 'pending_closure' && c.status === 'pending_closure' && c.sla.pendingClosureSince) {
        notices.push({
          kind: 'pending-closure',
          eventId,
          requesterText: await requesterText(),
          case: c,
          autoCloseAt: deps.policy.autoCloseAt(c.sla.pendingClosureSince),
          note: e.visibility === 'public' ? e.note : null,
        });
      }
      return { notices, metrics: [] };
    }
    case 'meeting.proposed': {
      const m = meetingOf(c, e.meetingId);
      // Withdrawn or expired by the time the record is handled (a typo cancelled at once, a late retry):
      // links to a dead proposal would only confuse.
      if (m?.status !== 'proposed' || !c.requester.email) return { notices: [], metrics: [] };
      const linkToken = await deps.meetingLinks.issue({ caseId: c.id, meetingId: m.id });
      const requester = await requesterText();
      return {
        notices: [
          { kind: 'meeting.proposal', eventId, case: c, meeting: m, linkToken, requesterText: requester },
        ],
        metrics: [],
      };
    }
    case 'meeting.scheduled':
    case 'meeting.rescheduled':
    case 'meeting.cancelled': {
      const m = meetingOf(c, e.meetingId);
      // The invitation tells of this event's time and SEQUENCE, even when the meeting has moved on since.
      const meeting =
        m &&
        (e.type === 'meeting.cancelled'
          ? { ...m, sequence: e.sequence }
          : { ...m, scheduled: e.type === 'meeting.scheduled' ? e.slot : e.to, sequence: e.sequence });
      // A proposal withdrawn before anyone picked a time has no invitation to cancel.
      if (!meeting || meeting.scheduled === null) return { notices: [], metrics: [] };
      const method = e.type === 'meeting.cancelled' ? 'CANCEL' : 'REQUEST';
      // Staff's (or casewatch's own) reason for cancelling is told to both; a requester's stays on the
      // timeline (mail repeats no words a caller typed to an inbox, docs/mail.md#who-gets-what).
      const byStaff = e.actor.role === 'agent' || e.actor.role === 'lead' || e.actor.role === 'system';
      const reason = e.type === 'meeting.cancelled' && byStaff ? e.reason : null;
      const notices: Notice[] = [
        { kind: 'meeting.staff-invitation', eventId, case: c, meeting, method, reason },
      ];
      if (c.requester.email)
        notices.unshift({
          kind: 'meeting.invitation',
          eventId,
          case: c,
          meeting,
          method,
          reason,
          requesterText: await requesterText(),
        });
      return { notices, metrics: [] };
    }
    case 'meeting.reminded': {
      const m = meetingOf(c, e.meetingId);
      // Settled (or its record reached) only after the start — timers were down: a reminder now would
      // only confuse. The event is dated at its due instant either way (settleDue), so ask the clock.
      const late = toInstant(deps.clock.now()) >= e.startsAt;
      // Moved since the reminder was recorded: the new time gets its own reminder.
      const moved = m?.scheduled?.start !== e.startsAt;
      if (m?.status !== 'scheduled' || late || moved) return { notices: [], metrics: [] };
      const meeting = m;
      const notices: Notice[] = [{ kind: 'meeting.staff-reminder', eventId, case: c, meeting }];
      if (c.requester.email)
        notices.unshift({
          kind: 'meeting.reminder',
          eventId,
          case: c,
          meeting,
          requesterText: await requesterText(),
        });
      return { notices, metrics: [] };
    }
    case 'meeting.expired': {
      const m = meetingOf(c, e.meetingId);
      return m
        ? { notices: [{ kind: 'meeting.expired', eventId, case: c, meeting: m }], metrics: [] }
        : { notices: [], metrics: [] };
    }
    default:
      return { notices: [], metrics: [] };
  }
}

/**
 * Records `survey.sent` once per case (one survey per case); the survey mail follows from that event.
 * A replayed `case.closed` finds the survey already recorded and does nothing.
 */
async function sendSurveyOnce(deps: ReactionDeps, closed: Case, closedAt: Instant): Promise<void> {
  await changeCase(deps, CASEWATCH, closed.id, undefined, (c) => recordSurveySent(c, closedAt), {
    settle: false,
    // The first attempt decides on the case just read for the event; a lost race reads it again.
    stored: closed,
  }).catch((error: unknown) => {
    if (!(error instanceof ConflictError && error.refused)) throw error;
  });
}

/** At most once per key, over the ledger: true the first time, false on every replay. */
async function firstTime(ledger: OnceLedger, clock: Clock, key: string): Promise<boolean> {
  if ((await ledger.claim(key, clock.now())) !== 'claimed') return false;
  await ledger.confirm(key, null);
  return true;
}

/**
 * What casewatch does after a write lands: a case change reconciles its timers; an event sends the
 * notices and metrics it calls for. Both follow from what was stored, whoever stored it, and both are
 * safe to replay (deterministic timer names; notifiers send one mail per event and kind).
 */
export async function reactToChange(deps: ReactionDeps, change: StoredChange): Promise<void> {
  if (change.kind === 'case') {
    const caseId = (change.after ?? change.before)?.id;
    if (caseId)
      await applyTimerPlan(deps.scheduler, caseId, planTimers(change.before, change.after, deps.policy));
    return;
  }
  if (change.kind === 'counter') {
    deps.recordMetric?.(
      METRICS.openCases,
      { status: change.status, severity: String(change.level) },
      change.count,
      'Count',
    );
    return;
  }
  if (change.kind !== 'event') return;
  const c = await deps.store.get(change.event.caseId);
  if (!c) return;
  const { notices, metrics } = await consequences(deps, change.event, c);
  for (const notice of notices) await deps.notifier.notify(notice);
  if (metrics.length === 0 || !deps.recordMetric) return;
  // After the mail: a record that fails mid-way is retried, and its metrics must not be lost to that.
  if (deps.once && !(await firstTime(deps.once, deps.clock, `${change.event.id}#metrics`))) return;
  for (const metric of metrics) deps.recordMetric(...metric);
}
