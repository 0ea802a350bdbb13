import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { ManualClock } from '../../local/clock.ts';
import type { AppDeps, CoreDeps } from '../../shared/app/deps.ts';
import { type FireOutcome, fireTimer } from '../../shared/app/fire-timer.ts';
import { reactToChange } from '../../shared/app/react-to-change.ts';
import { DEFAULT_BREADTH_THRESHOLDS } from '../../shared/domain/severity.ts';
import { createSlaPolicy } from '../../shared/domain/sla-policy.ts';
import type { DesiredTimer, TimerKind } from '../../shared/domain/timers.ts';
import type { MeetingLinks } from '../../shared/ports/meeting-links.ts';
import type { MetricName, MetricUnit } from '../../shared/ports/metrics.ts';
import { audienceOf, type CustomerNotice, type InternalNotice } from '../../shared/ports/notifier.ts';
import type { StaffDirectory } from '../../shared/ports/staff-directory.ts';
import type { SurveyTokens } from '../../shared/ports/survey-tokens.ts';
import { scheduleName, type TimerPayload, type TimerScheduler } from '../../shared/ports/timer-scheduler.ts';
import { MemoryCaseStore } from './memory-case-store.ts';
import { createMemoryCorrespondents } from './memory-mail-safeguards.ts';
import { supportTeam } from './staff-directory.ts';

/** Schedules kept in memory by name, as EventBridge would keep them. */
export class MemoryScheduler implements TimerScheduler {
  readonly schedules = new Map<string, TimerPayload>();
  calls = 0;

  async set(caseId: string, timer: DesiredTimer): Promise<void> {
    this.calls++;
    this.schedules.set(scheduleName(caseId, timer.kind), {
      caseId,
      kind: timer.kind,
      window: timer.window,
      dueAt: timer.dueAt,
    });
  }

  async cancel(caseId: string, kind: TimerKind): Promise<void> {
    this.calls++;
    this.schedules.delete(scheduleName(caseId, kind));
  }
}

/**
 * The whole timer loop in memory: use cases write to a fake store, its change log plays the stream
 * (reconcile + notices), the scheduler holds timers, and `deliver` plays SQS. Deterministic; the
 * clock only moves when told.
 */
export class TimerSim {
  readonly clock: ManualClock;
  readonly store = new MemoryCaseStore();
  readonly scheduler = new MemoryScheduler();
  /** Who wrote to us: inbound mail notes them, customer mail asks (`requesterText`). */
  readonly correspondents = createMemoryCorrespondents();
  /** Internal notices (at risk, breach, escalation, customer replied). */
  readonly notices: InternalNotice[] = [];
  /** Mail to requesters (acknowledgment, agent messages, closing, survey). */
  readonly customerMail: CustomerNotice[] = [];
  readonly metrics: {
    name: MetricName;
    dimensions: Record<string, string>;
    value?: number;
    unit?: MetricUnit | undefined;
  }[] = [];
  /** Survey links are `survey-<caseId>`: nothing here checks a signature. */
  readonly surveyTokens: SurveyTokens = {
    issue: async (caseId) => `survey-${caseId}`,
    verify: async (token) => (token.startsWith('survey-') ? token.slice('survey-'.length) : null),
  };
  /** Meeting links are `meeting.<caseId>.<meetingId>`: nothing here checks a signature. */
  readonly meetingLinks: MeetingLinks = {
    issue: async ({ caseId, meetingId }) => `meeting.${caseId}.${meetingId}`,
    verify: async (token) => {
      const [prefix, caseId, meetingId] = token.split('.');
      return prefix === 'meeting' && caseId && meetingId ? { caseId, meetingId } : null;
    },
  };
  readonly deps: CoreDeps;
  /** The use cases' dependencies, with case tokens stubbed out (nothing here verifies one) and a test team. */
  readonly appDeps: AppDeps & { staff: StaffDirectory };
  private streamPosition = 0;

  constructor(start: string) {
    this.clock = new ManualClock(new Date(start));
    const ulid = monotonicFactory();
    this.deps = {
      store: this.store,
      clock: this.clock,
      ids: {
        next: () => ulid(this.clock.now().getTime()),
        caseNumberEntropy: () => new Uint8Array(randomBytes(4)),
      },
      policy: createSlaPolicy(),
      thresholds: DEFAULT_BREADTH_THRESHOLDS,
    };
    this.appDeps = {
      ...this.deps,
      caseTokens: { issue: async () => 'token', verify: async () => null },
      staff: supportTeam,
    };
  }

  /** Runs every stream reaction not yet run: timers reconciled, notices collected. */
  async drain(): Promise<void> {
    while (this.streamPosition < this.store.stream.length) {
      const change = this.store.stream[this.streamPosition++];
      if (change) {
        await reactToChange(
          {
            ...this.deps,
            scheduler: this.scheduler,
            surveyTokens: this.surveyTokens,
            meetingLinks: this.meetingLinks,
            correspondents: this.correspondents,
            notifier: {
              notify: async (n) =>
                void (audienceOf(n) === 'customer'
                  ? this.customerMail.push(n as CustomerNotice)
                  : this.notices.push(n as InternalNotice)),
            },
            recordMetric: (name, dimensions, value, unit) =>
              void this.metrics.push({
                name,
                dimensions,
                ...(value !== undefined && (value !== 1 || (unit ?? 'Count') !== 'Count')
                  ? { value, unit }
                  : {}),
              }),
          },
          change,
        );
      }
    }
  }

  /**
   * Runs every stream reaction again from the first record, as after a lost checkpoint. Notices and
   * metrics are collected again (the sim has no sent-mail ledger): what a replay must not repeat is
   * a write, or a notice under a new event id.
   */
  async replay(): Promise<void> {
    this.streamPosition = 0;
    await this.drain();
  }

  /** Timers due at or before now, earliest first. */
  due(): TimerPayload[] {
    const now = this.clock.now().toISOString();
    return [...this.schedules()].filter((t) => t.dueAt <= now).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }

  schedules(): TimerPayload[] {
    return [...this.scheduler.schedules.values()];
  }

  /** Delivers one timer as SQS would; the schedule deletes itself after running (ActionAfterCompletion). */
  async deliver(t: TimerPayload, remove = true): Promise<FireOutcome> {
    if (remove) this.scheduler.schedules.delete(scheduleName(t.caseId, t.kind));
    const outcome = await fireTimer(this.deps, t);
    await this.drain();
    return outcome;
  }

  /** A clean run: move time forward, firing every timer exactly at its due instant, in order. */
  async advanceTo(iso: string): Promise<void> {
    await this.drain();
    for (;;) {
      const next = [...this.schedules()]
        .filter((t) => t.dueAt <= iso)
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
      if (!next) break;
      this.clock.set(new Date(next.dueAt));
      await this.deliver(next);
    }
    this.clock.set(new Date(iso));
  }
}
