import type { Case, CaseType } from '../domain/case.ts';
import type { AttachedFile } from '../domain/changes/attachment.ts';
import type { Instant } from '../domain/instant.ts';
import type { SurveyAnswered, WaitingEscalation } from '../domain/lead-figures.ts';
import type { SeverityLevel } from '../domain/severity.ts';
import type { BacklogStatus, CaseStatus } from '../domain/status.ts';
import type { SurveyRatings } from '../domain/survey.ts';
import type { EventActor, TimelineEvent, Visibility } from '../domain/timeline.ts';

/** A page of results and the opaque cursor for the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  cursor: string | null;
}

export interface PageRequest {
  limit: number;
  /** Opaque, from a previous page; a cursor that does not decode is refused with `InvalidCursorError`. */
  cursor?: string | undefined;
}

/** Which cases to list; every list is answered from an index, sorted by the earliest open deadline. */
export interface CaseQuery {
  status?: CaseStatus | undefined;
  severity?: SeverityLevel | undefined;
  type?: CaseType | undefined;
  /** Only this agent's cases. */
  assignee?: string | undefined;
  /** Only this seller's cases (a seller sees nothing else). */
  sellerId?: string | undefined;
  /** Only cases this consumer opened (by email). */
  requesterEmail?: string | undefined;
}

/** The outcome of a conditional write that lost a race: the caller re-reads and decides (412 / retry). */
export type WriteOutcome = { ok: true } | { ok: false; reason: 'stale' };

/** How many cases are open in one status at one severity level right now. */
export interface BacklogCount {
  status: BacklogStatus;
  level: SeverityLevel;
  count: number;
}

/** How many of one kind of deadline were met, and how many breached. */
export interface ComplianceTally {
  met: number;
  breached: number;
}

/**
 * First responses and next updates at one level, counted in one UTC hour (`yyyy-mm-ddThh`) by the
 * instant each happened.
 */
export interface ComplianceCount {
  hour: string;
  level: SeverityLevel;
  firstResponse: ComplianceTally;
  nextUpdate: ComplianceTally;
}

/** One agent's open (not closed) assigned cases, and how many of them are overdue right now. */
export interface AgentLoad {
  agent: string;
  open: number;
  breached: number;
}

/** How many surveys were answered, and each topic's ratings added up. */
export interface SurveyTotals {
  count: number;
  sums: SurveyRatings;
}

/**
 * A file of a case as a download needs it: what it is, who may fetch it, where its bytes are. Written in
 * the same transaction as the file's `attachment.added` (docs/cases.md#attachments).
 */
export interface AttachmentRecord extends AttachedFile {
  caseId: string;
  visibility: Visibility;
  /** Its key in the blob store. */
  blobKey: string;
}

/** An upload URL handed out whose file has not been recorded yet: what may arrive, and from whom. */
export interface PendingUpload extends AttachmentRecord {
  /** Who asked for the URL: the actor of the `attachment.added` its file will be recorded with. */
  uploadedBy: EventActor;
  /** When the upload URL stops working. */
  expiresAt: Instant;
}

/**
 * Where cases and their timelines live. Every state change writes the case (guarded by its version)
 * and the events it caused in one transaction: all or nothing, and never over a newer write.
 */
export interface CaseStore {
  /** Stores a new case and its first events; refuses (false) when the id or case number is taken. */
  create(c: Case, events: TimelineEvent[], options?: WriteOptions): Promise<boolean>;
  get(id: string): Promise<Case | null>;
  getByNumber(number: string): Promise<Case | null>;
  /** Replaces the case if its stored version is still `expectedVersion`; `next.version` must be one more. */
  update(
    next: Case,
    expectedVersion: number,
    events: TimelineEvent[],
    options?: WriteOptions,
  ): Promise<WriteOutcome>;
  /** The timeline in order; `publicOnly` reads only what the requester may see (its own index, so pages stay full). */
  listEvents(
    caseId: string,
    page: PageRequest,
    options?: { publicOnly?: boolean },
  ): Promise<Page<TimelineEvent>>;
  list(query: CaseQuery, page: PageRequest): Promise<Page<Case>>;
  /**
   * Keeps an upload until its file arrives, and a while after its URL expires (deliveries of the arrival
   * are retried for hours). An attachment id is kept once: a second one is a bug, and throws.
   */
  recordUpload(upload: PendingUpload): Promise<void>;
  getUpload(caseId: string, attachmentId: string): Promise<PendingUpload | null>;
  /** The record of a file on the case (null for one never recorded, or not yet arrived). */
  getAttachment(caseId: string, attachmentId: string): Promise<AttachmentRecord | null>;
  /**
   * The open cases per status × severity level: every `BACKLOG_STATUSES` × `SEVERITY_LEVELS` row (zeros
   * included), statuses outer, in that order. Exact: kept by the same writes that change the cases.
   */
  backlog(): Promise<BacklogCount[]>;
  /*
   * The leads' figures (docs/service-levels.md#figures-for-leads): exact, kept by the same writes that
   * change the cases, each read without a scan.
   */
  /**
   * First responses and next updates met and breached, per level, in each UTC hour from `fromHour` to
   * `toHour` (`yyyy-mm-ddThh`, both included), counted at the instant of their `sla.*` event. Hours and
   * levels with none of either are left out; by hour, then level.
   */
  complianceCounts(fromHour: string, toHour: string): Promise<ComplianceCount[]>;
  /** Every agent with open assigned cases: how many, how many of them overdue right now; by agent. */
  agentLoads(): Promise<AgentLoad[]>;
  /** Escalations waiting for a lead, oldest request first (then by case id). */
  waitingEscalations(): Promise<WaitingEscalation[]>;
  surveyTotals(): Promise<SurveyTotals>;
  /** The latest `limit` survey answers, newest first (then by case id, descending). */
  recentSurveyAnswers(limit: number): Promise<SurveyAnswered[]>;
}

export interface WriteOptions {
  /**
   * Written in the same transaction as the change: a change carrying a key that was already written is
   * refused whole with `AlreadyAppliedError`. Makes a retried delivery (an inbound mail SES invokes
   * again) land at most once, even when the first attempt died after its write.
   */
  onceKey?: string | undefined;
  /** The records of the files this change adds (one per `attachment.added` it writes), written with it. */
  attachments?: readonly AttachmentRecord[] | undefined;
  /**
   * For `update`: the stored case the caller read at `expectedVersion` (the same version is the same
   * item, so what the counters and figures count of it is known). Saves the store a read; without it
   * the store reads it.
   */
  previous?: Case;
}

/** The change was made before, under the same `onceKey`: nothing was written this time. */
export class AlreadyAppliedError extends Error {
  public constructor(public readonly onceKey: string) {
    super(`a change with key ${onceKey} was already applied`);
    this.name = 'AlreadyAppliedError';
  }
}

export class InvalidCursorError extends Error {
  public constructor(message = 'the cursor is not one this API issued') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}
