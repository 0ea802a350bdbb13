import type { Case } from '../../shared/domain/case.ts';
import {
  agentShareOf,
  type ComplianceFigure,
  firstResponseFigure,
  hourOf,
  nextUpdateFigures,
  type SurveyAnswered,
  surveyAnsweredOf,
  type WaitingEscalation,
  waitingEscalationOf,
} from '../../shared/domain/lead-figures.ts';
import { SEVERITY_LEVELS } from '../../shared/domain/severity.ts';
import { BACKLOG_STATUSES } from '../../shared/domain/status.ts';
import type { TimelineEvent } from '../../shared/domain/timeline.ts';
import {
  type AgentLoad,
  AlreadyAppliedError,
  type AttachmentRecord,
  type BacklogCount,
  type CaseStore,
  type ComplianceCount,
  type Page,
  type PendingUpload,
  type SurveyTotals,
  type WriteOptions,
  type WriteOutcome,
} from '../../shared/ports/case-store.ts';
import type { StoredChange } from '../../shared/ports/stored-change.ts';

/**
 * A CaseStore in memory for use-case tests: the same contract as the DynamoDB adapter (version
 * conditions, all-or-nothing writes) and a change log standing in for the table's stream. The backlog
 * and the leads' figures are counted from the cases and their timelines on demand — the reference the
 * DynamoDB store's counters are checked against — so the log carries no counter changes.
 */
export class MemoryCaseStore implements CaseStore {
  readonly cases = new Map<string, Case>();
  readonly events = new Map<string, TimelineEvent[]>();
  /** Every committed change, in order, as the stream would carry it. */
  readonly stream: StoredChange[] = [];
  /** `onceKey`s of changes already applied. */
  readonly applied = new Set<string>();
  /** Pending uploads and file records, by `<caseId>/<attachmentId>`. */
  readonly uploads = new Map<string, PendingUpload>();
  readonly attachments = new Map<string, AttachmentRecord>();

  private once(options: WriteOptions | undefined): void {
    if (options?.onceKey && this.applied.has(options.onceKey)) throw new AlreadyAppliedError(options.onceKey);
    // As in the table: a file record is never overwritten, and a change that would is refused whole.
    const taken = options?.attachments?.find((a) => this.attachments.has(`${a.caseId}/${a.attachmentId}`));
    if (taken) throw new Error(`attachment ${taken.attachmentId} is already recorded`);
  }

  /** What every committed write does besides the case and its events: its once-key and file records. */
  private keep(options: WriteOptions | undefined): void {
    if (options?.onceKey) this.applied.add(options.onceKey);
    for (const a of options?.attachments ?? [])
      this.attachments.set(`${a.caseId}/${a.attachmentId}`, structuredClone(a));
  }

  async create(c: Case, events: TimelineEvent[], options?: WriteOptions): Promise<boolean> {
    this.once(options);
    if (this.cases.has(c.id) || [...this.cases.values()].some((x) => x.number === c.number)) return false;
    this.keep(options);
    this.cases.set(c.id, structuredClone(c));
    this.events.set(c.id, structuredClone(events));
    this.stream.push({ kind: 'case', before: null, after: structuredClone(c) });
    for (const e of events) this.stream.push({ kind: 'event', event: structuredClone(e) });
    return true;
  }

  async get(id: string): Promise<Case | null> {
    const c = this.cases.get(id);
    return c ? structuredClone(c) : null;
  }

  async getByNumber(number: string): Promise<Case | null> {
    const c = [...this.cases.values()].find((x) => x.number === number);
    return c ? structuredClone(c) : null;
  }

  async update(
    next: Case,
    expectedVersion: number,
    events: TimelineEvent[],
    options?: WriteOptions,
  ): Promise<WriteOutcome> {
    const current = this.cases.get(next.id);
    if (!current || current.version !== expectedVersion) return { ok: false, reason: 'stale' };
    if (next.version !== expectedVersion + 1)
      throw new RangeError('next.version must be expectedVersion + 1');
    this.once(options);
    this.keep(options);
    this.cases.set(next.id, structuredClone(next));
    this.events.get(next.id)?.push(...structuredClone(events));
    this.stream.push({ kind: 'case', before: structuredClone(current), after: structuredClone(next) });
    for (const e of events) this.stream.push({ kind: 'event', event: structuredClone(e) });
    return { ok: true };
  }

  async listEvents(caseId: string): Promise<Page<TimelineEvent>> {
    return { items: structuredClone(this.events.get(caseId) ?? []), cursor: null };
  }

  async list(): Promise<Page<Case>> {
    throw new Error('listing is not part of the in-memory store');
  }

  async recordUpload(upload: PendingUpload): Promise<void> {
    const key = `${upload.caseId}/${upload.attachmentId}`;
    if (this.uploads.has(key)) throw new Error(`upload ${upload.attachmentId} is already recorded`);
    this.uploads.set(key, structuredClone(upload));
  }

  async getUpload(caseId: string, attachmentId: string): Promise<PendingUpload | null> {
    return structuredClone(this.uploads.get(`${caseId}/${attachmentId}`) ?? null);
  }

  async getAttachment(caseId: string, attachmentId: string): Promise<AttachmentRecord | null> {
    return structuredClone(this.attachments.get(`${caseId}/${attachmentId}`) ?? null);
  }

  async backlog(): Promise<BacklogCount[]> {
    const cases = [...this.cases.values()];
    return BACKLOG_STATUSES.flatMap((status) =>
      SEVERITY_LEVELS.map((level) => ({
        status,
        level,
        count: cases.filter((c) => c.status === status && c.severity.level === level).length,
      })),
    );
  }

  async complianceCounts(fromHour: string, toHour: string): Promise<ComplianceCount[]> {
    const counts = new Map<string, ComplianceCount>();
    const count = (at: string, kind: 'firstResponse' | 'nextUpdate', figure: ComplianceFigure) => {
      const hour = hourOf(at);
      if (hour < fromHour || hour > toHour) return;
      const key = `${hour}#${figure.level}`;
      const row = counts.get(key) ?? {
        hour,
        level: figure.level,
        firstResponse: { met: 0, breached: 0 },
        nextUpdate: { met: 0, breached: 0 },
      };
      row[kind][figure.outcome]++;
      counts.set(key, row);
    };
    for (const c of this.cases.values()) {
      const timeline = this.events.get(c.id) ?? [];
      for (const e of timeline) {
        const figure = firstResponseFigure(e, c);
        if (figure !== null) count(e.at, 'firstResponse', figure);
      }
      // The whole timeline from the opening: each update judged on the window as it stood then.
      for (const figure of nextUpdateFigures(null, c, timeline)) count(figure.at, 'nextUpdate', figure);
    }
    return [...counts.values()].sort((a, b) =>
      a.hour === b.hour ? a.level - b.level : a.hour < b.hour ? -1 : 1,
    );
  }

  async agentLoads(): Promise<AgentLoad[]> {
    const loads = new Map<string, AgentLoad>();
    for (const c of this.cases.values()) {
      const share = agentShareOf(c);
      if (share === null) continue;
      const load = loads.get(share.agent) ?? { agent: share.agent, open: 0, breached: 0 };
      load.open++;
      if (share.breached) load.breached++;
      loads.set(share.agent, load);
    }
    return [...loads.values()].sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
  }

  async waitingEscalations(): Promise<WaitingEscalation[]> {
    return [...this.cases.values()]
      .map(waitingEscalationOf)
      .filter((w): w is WaitingEscalation => w !== null)
      .sort((a, b) => compare(`${a.requestedAt}#${a.caseId}`, `${b.requestedAt}#${b.caseId}`));
  }

  async surveyTotals(): Promise<SurveyTotals> {
    const answers = this.surveyAnswers();
    const sum = (topic: keyof SurveyTotals['sums']) => answers.reduce((n, a) => n + a.ratings[topic], 0);
    return {
      count: answers.length,
      sums: { overall: sum('overall'), timeliness: sum('timeliness'), friendliness: sum('friendliness') },
    };
  }

  async recentSurveyAnswers(limit: number): Promise<SurveyAnswered[]> {
    return this.surveyAnswers()
      .sort((a, b) => compare(`${b.submittedAt}#${b.caseId}`, `${a.submittedAt}#${a.caseId}`))
      .slice(0, Math.max(0, limit));
  }

  private surveyAnswers(): SurveyAnswered[] {
    return [...this.cases.values()]
      .map(surveyAnsweredOf)
      .filter((a): a is SurveyAnswered => a !== null)
      .map((a) => structuredClone(a));
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
