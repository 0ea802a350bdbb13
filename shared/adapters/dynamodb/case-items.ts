import { type Case, CaseEscalationSchema, CaseSeveritySchema, RequesterSchema } from '../../domain/case.ts';
import { epochOf, type Instant } from '../../domain/instant.ts';
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
} from '../../domain/lead-figures.ts';
import { MeetingSchema } from '../../domain/meeting.ts';
import { SEVERITY_LEVELS, type SeverityLevel } from '../../domain/severity.ts';
import { firstResponseDueAt, nextUpdateDueAt } from '../../domain/sla.ts';
import type { SlaPolicy } from '../../domain/sla-policy.ts';
import { BACKLOG_STATUSES, type BacklogStatus, type CaseStatus } from '../../domain/status.ts';
import { CaseSurveySchema, SURVEY_QUESTIONS, SurveyRatingsSchema } from '../../domain/survey.ts';
import { isPublicEvent, type TimelineEvent, TimelineEventSchema } from '../../domain/timeline.ts';
import { desiredTimers, isSlaTimer, type TimedCase } from '../../domain/timers.ts';
import type {
  AgentLoad,
  AttachmentRecord,
  BacklogCount,
  ComplianceCount,
  PendingUpload,
  SurveyTotals,
} from '../../ports/case-store.ts';
import { inSchemaOrder } from './key-order.ts';
import { GLOBAL_INDEXES, KEY_ATTRIBUTES, TABLE_KEYS, TTL_ATTRIBUTE } from './table-definition.ts';

/**
 * How cases, case numbers, timeline events, uploads, attachment records and backlog counters become items of
 * the single table (see the access pattern table in `table-definition.ts`). Every key is built here and nowhere else, the sent-mail ledger's
 * and the mail budgets' and address records' included.
 */
export type Item = Record<string, unknown>;

/** Which kind of record an item is; lets a reader refuse an item of the wrong kind instead of misreading it. */
export const ENTITY_ATTRIBUTE = 'entity';
export type Entity =
  | 'case'
  | 'case-number'
  | 'event'
  | 'counter'
  | 'once'
  | 'upload'
  | 'attachment'
  /** An item of the leads' figures: read by the stats route, set off no reaction. */
  | 'figure'
  /** A webhook and its delivery log (docs/integrations.md#webhooks): set off no reaction. */
  | 'webhook'
  | 'webhook-attempt';

const PK = TABLE_KEYS.partitionKey;
const SK = TABLE_KEYS.sortKey;
const { queue, openQueue, byAssignee, byRequester, bySeller, publicTimeline } = GLOBAL_INDEXES;

const CASE_SORT_KEY = 'CASE';
const NUMBER_SORT_KEY = 'NUMBER';
export const EVENT_SORT_KEY_PREFIX = 'EVENT#';
const UPLOAD_SORT_KEY_PREFIX = 'UPLOAD#';
const ATTACHMENT_SORT_KEY_PREFIX = 'ATTACHMENT#';
/** The one partition holding every backlog counter, so the whole backlog is a single Query. */
export const BACKLOG_PARTITION = 'BACKLOG';
/**
 * The partitions of the leads' figures (docs/service-levels.md#figures-for-leads), each read whole (or a
 * range of it) by one Query: first responses and next updates per UTC hour (both in `firstResponses`,
 * named for what it held first), agents' loads, waiting escalations, surveys.
 * Nothing else reads them: they carry no index keys and sit outside every case's partition.
 */
export const FIGURE_PARTITIONS = {
  firstResponses: 'STATS#FR',
  agents: 'STATS#AGENTS',
  escalations: 'STATS#ESCALATIONS',
  surveys: 'STATS#SURVEYS',
} as const;
const SURVEY_TOTALS_SORT_KEY = 'TOTALS';
export const SURVEY_ANSWER_SORT_KEY_PREFIX = 'ANSWER#';

/**
 * Sorts after every ISO instant (`~` > digits): an open case owing nothing right now (on hold after
 * its first response) comes after every case that owes something, oldest change first.
 */
const NO_DEADLINE = '~';
/**
 * Closed cases come after everything still open (in an agent's or a requester's list), the most recently
 * changed first: `~~~` then the milliseconds left until the year 2286 (13 digits), which shrink as time
 * goes on. (Before `LIST_KEYS_VERSION` 2 they were `~~<updatedAt>`, oldest first; `reindexCases` rewrites
 * them, and such a key still sorts after every open case.)
 */
const CLOSED = '~~~';
const LAST_MS = 9_999_999_999_999;

/**
 * Which derivation of the list-index keys this version writes: a table whose cases were keyed by an older
 * one is reindexed once (`reindexCases`; the local runtime does it by itself). 2: closed cases newest first.
 */
export const LIST_KEYS_VERSION = 2;

/** Ids end up inside composite keys (`<deadline>#<id>`), so a `#` in one would make keys ambiguous. */
function keyPart(value: string, what: string): string {
  if (value.length === 0 || value.includes('#'))
    throw new RangeError(`${what} cannot be a key part: "${value}"`);
  return value;
}

/** Emails are matched without regard to case: `Alice@X` and `alice@x` are one agent, one buyer. */
const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export const keys = {
  case: (id: string): Item => ({ [PK]: `CASE#${id}`, [SK]: CASE_SORT_KEY }),
  caseNumber: (number: string): Item => ({
    [PK]: `NUMBER#${number.trim().toUpperCase()}`,
    [SK]: NUMBER_SORT_KEY,
  }),
  /** The partition holding a case and its whole timeline. */
  casePartition: (caseId: string): string => `CASE#${caseId}`,
  event: (caseId: string, eventId: string): Item => ({
    [PK]: `CASE#${caseId}`,
    [SK]: `${EVENT_SORT_KEY_PREFIX}${eventId}`,
  }),
  /** An upload URL handed out, in its case's partition (outside the `EVENT#` range a timeline reads). */
  upload: (caseId: string, attachmentId: string): Item => ({
    [PK]: `CASE#${caseId}`,
    [SK]: `${UPLOAD_SORT_KEY_PREFIX}${attachmentId}`,
  }),
  /** A file's record, read by a download with one GetItem. */
  attachment: (caseId: string, attachmentId: string): Item => ({
    [PK]: `CASE#${caseId}`,
    [SK]: `${ATTACHMENT_SORT_KEY_PREFIX}${attachmentId}`,
  }),
  queue: (status: CaseStatus, level: SeverityLevel): string => `Q#${status}#${level}`,
  /**
   * The whole queue in two partitions, open and closed: the default view reads two, not one per status
   * and level. Not sharded: every case write lands in one of them, far below a partition's 1,000 writes a
   * second at any support desk's rate (README, "Data: one DynamoDB table").
   */
  openQueue: (status: CaseStatus): string => (status === 'closed' ? 'O#closed' : 'O#open'),
  assignee: (email: string): string => `A#${normalizeEmail(email)}`,
  /** Every case of one requester (by their email), seller and consumer cases alike. */
  requester: (email: string): string => `R#E#${normalizeEmail(email)}`,
  /** Every case of one seller (company), whoever of it opened them. */
  seller: (sellerId: string): string => `S#${sellerId}`,
  publicTimeline: (caseId: string): string => caseId,
  /** A change applied under a `onceKey` (an inbound mail's receipt): its marker item. */
  once: (key: string): Item => ({ [PK]: `ONCE#${key}`, [SK]: 'ONCE' }),
  backlogCounter: (status: BacklogStatus, level: SeverityLevel): Item => ({
    [PK]: BACKLOG_PARTITION,
    [SK]: `${status}#${level}`,
  }),
  /**
   * One at-most-once ledger entry, alone in its partition: a notice mailed (`<eventId>#<kind>`), an
   * inbound mail handled (`inbound#<id>`), an event's metrics published. `MAIL#` is the prefix of its
   * first use, kept so existing entries (and the IAM grant on `MAIL#*`) stay valid.
   */
  onceLedger: (key: string): Item => ({ [PK]: `MAIL#${key}`, [SK]: 'MAIL' }),
  /** One budget of automatic mail (`to:<address>`, `escalation:<caseId>`) in one window (its first instant). */
  mailBudget: (budget: string, window: string): Item => ({ [PK]: `MAILBUDGET#${budget}`, [SK]: window }),
  /** An address that has written to us (docs/mail.md#who-gets-what). */
  correspondent: (address: string): Item => ({ [PK]: `SENDER#${normalizeEmail(address)}`, [SK]: 'SENDER' }),
  /** An address no mail goes to any more (docs/mail.md#bounces-and-complaints). */
  suppressed: (address: string): Item => ({
    [PK]: `SUPPRESSED#${normalizeEmail(address)}`,
    [SK]: 'SUPPRESSED',
  }),
  /** First responses and next updates met and breached per level in one UTC hour (`yyyy-mm-ddThh`). */
  complianceHour: (hour: string): Item => ({ [PK]: FIGURE_PARTITIONS.firstResponses, [SK]: hour }),
  /** One agent's open and overdue cases. */
  agentLoad: (agent: string): Item => ({ [PK]: FIGURE_PARTITIONS.agents, [SK]: normalizeEmail(agent) }),
  /** An escalation waiting for a lead; sorted by when it was asked for, so the oldest comes first. */
  waitingEscalation: (requestedAt: Instant, caseId: string): Item => ({
    [PK]: FIGURE_PARTITIONS.escalations,
    [SK]: `${requestedAt}#${keyPart(caseId, 'a case id')}`,
  }),
  surveyTotals: (): Item => ({ [PK]: FIGURE_PARTITIONS.surveys, [SK]: SURVEY_TOTALS_SORT_KEY }),
  /** One survey answer; sorted by when it was given, so the newest are read first backwards. */
  surveyAnswer: (submittedAt: Instant, caseId: string): Item => ({
    [PK]: FIGURE_PARTITIONS.surveys,
    [SK]: `${SURVEY_ANSWER_SORT_KEY_PREFIX}${submittedAt}#${keyPart(caseId, 'a case id')}`,
  }),
} as const;

/**
 * The case's most pressing promise: the earliest due instant among its open deadlines (first
 * response, next update, auto-close) — the instants its non-warning timers are set for. A deadline
 * that was breached has no timer any more but is still owed until met, so it counts too (it is the
 * most overdue thing in the queue and must not sink to the bottom). Null when the case owes nothing.
 */
function earliestOpenDeadline(c: TimedCase, policy: SlaPolicy): Instant | null {
  if (c.status === 'closed') return null;
  const due = desiredTimers(c, policy)
    .filter((t) => isSlaTimer(t.kind) && !t.kind.endsWith('-risk'))
    .map((t) => t.dueAt);
  if (c.sla.firstResponse.metAt === null && c.sla.firstResponse.breachedAt !== null) {
    due.push(firstResponseDueAt(c.sla, policy));
  }
  if (c.sla.updateWindow?.breachedAt) {
    const nextUpdate = nextUpdateDueAt(c.sla, policy);
    if (nextUpdate !== null) due.push(nextUpdate);
  }
  return due.reduce<Instant | null>((min, d) => (min === null || d < min ? d : min), null);
}

/**
 * `<deadline>#<id>`; `~<updatedAt>#<id>` when nothing is owed; `~~~<ms before 2286>#<id>` once closed, so
 * the most recently changed closed case comes first. String order is queue order, and the id keeps keys
 * unique and tells which case a key belongs to.
 * Derived from the case's state and the policy alone (never from "now"), so it changes only when the
 * case is written — or when the policy does (a new holiday calendar re-sorts a case at its next write).
 */
export function deadlineSortKey(c: Case, policy: SlaPolicy): string {
  const deadline =
    c.status === 'closed'
      ? `${CLOSED}${String(LAST_MS - epochOf(c.updatedAt)).padStart(13, '0')}`
      : (earliestOpenDeadline(c, policy) ?? `${NO_DEADLINE}${c.updatedAt}`);
  return `${deadline}#${keyPart(c.id, 'a case id')}`;
}

/** The case id at the end of a `<deadline>#<id>` sort key. */
export function caseIdFromSortKey(sortKey: string): string {
  return sortKey.slice(sortKey.lastIndexOf('#') + 1);
}

/**
 * gsi1 and gsi6 always; gsi2 only while assigned; gsi3 by the requester's email; gsi5 for a seller case's
 * seller.
 */
function caseIndexKeys(c: Case, policy: SlaPolicy): Item {
  const sortKey = deadlineSortKey(c, policy);
  const item: Item = {
    [queue.partitionKey]: keys.queue(c.status, c.severity.level),
    [queue.sortKey]: sortKey,
    [openQueue.partitionKey]: keys.openQueue(c.status),
    [openQueue.sortKey]: sortKey,
  };
  if (c.assignee !== null) {
    item[byAssignee.partitionKey] = keys.assignee(c.assignee);
    item[byAssignee.sortKey] = sortKey;
  }
  if (c.requester.email !== null) {
    item[byRequester.partitionKey] = keys.requester(c.requester.email);
    item[byRequester.sortKey] = sortKey;
  }
  if (c.type === 'seller' && c.requester.sellerId !== null) {
    item[bySeller.partitionKey] = keys.seller(c.requester.sellerId);
    item[bySeller.sortKey] = sortKey;
  }
  return item;
}

function entityOf(item: Item, expected: Entity): void {
  if (item[ENTITY_ATTRIBUTE] !== expected) {
    throw new Error(`expected a ${expected} item at ${String(item[PK])} / ${String(item[SK])}`);
  }
}

/** The case as one item: scalar fields as attributes, requester / severity / sla as maps. */
export function caseToItem(c: Case, policy: SlaPolicy): Item {
  return {
    ...keys.case(keyPart(c.id, 'a case id')),
    [ENTITY_ATTRIBUTE]: 'case',
    ...caseIndexKeys(c, policy),
    ...c,
  };
}

/** Picks the domain fields by name, so key and bookkeeping attributes never leak into a `Case`. */
export function caseFromItem(item: Item): Case {
  entityOf(item, 'case');
  const c = item as unknown as Case;
  return {
    id: c.id,
    number: c.number,
    type: c.type,
    channel: c.channel,
    status: c.status,
    subject: c.subject,
    description: c.description,
    stepsToReproduce: c.stepsToReproduce ?? null,
    orderNumber: c.orderNumber ?? null,
    billingDescriptor: c.billingDescriptor ?? null,
    requester: inSchemaOrder(RequesterSchema, c.requester),
    assignee: c.assignee ?? null,
    severity: inSchemaOrder(CaseSeveritySchema, c.severity),
    sla: c.sla,
    relatedCaseId: c.relatedCaseId ?? null,
    // Cases stored before escalations waited on the case have none waiting.
    escalation: inSchemaOrder(CaseEscalationSchema, c.escalation ?? null),
    survey: inSchemaOrder(CaseSurveySchema, c.survey ?? null),
    // Cases stored before meetings have none.
    meetings: (c.meetings ?? []).map((m) => inSchemaOrder(MeetingSchema, m)),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    version: c.version,
  };
}

/** Reserves a case number: its own item, so uniqueness is a condition on a key, not a scan. */
export function caseNumberToItem(c: Case): Item {
  return { ...keys.caseNumber(c.number), [ENTITY_ATTRIBUTE]: 'case-number', number: c.number, caseId: c.id };
}

export function caseIdFromNumberItem(item: Item): string {
  entityOf(item, 'case-number');
  return item.caseId as string;
}

/** An event lives in its case's partition (ULID order); a public one is also indexed for the requester. */
export function eventToItem(e: TimelineEvent): Item {
  keyPart(e.id, 'an event id');
  const item: Item = {
    ...keys.event(keyPart(e.caseId, 'a case id'), e.id),
    [ENTITY_ATTRIBUTE]: 'event',
    ...e,
  };
  if (isPublicEvent(e)) {
    item[publicTimeline.partitionKey] = keys.publicTimeline(e.caseId);
    item[publicTimeline.sortKey] = e.id;
  }
  return item;
}

const NON_DOMAIN_ATTRIBUTES = new Set([...KEY_ATTRIBUTES, ENTITY_ATTRIBUTE]);

export function eventFromItem(item: Item): TimelineEvent {
  entityOf(item, 'event');
  const event: Item = {};
  for (const [name, value] of Object.entries(item)) if (!NON_DOMAIN_ATTRIBUTES.has(name)) event[name] = value;
  // Messages stored before every message named its channel came through the API (mail ones said so).
  if (event.type === 'message.posted' && event.channel === undefined) event.channel = 'api';
  // Files stored before staff could attach internal ones were all public (and are on the public index).
  if (event.type === 'attachment.added' && event.visibility === undefined) event.visibility = 'public';
  return inSchemaOrder(TimelineEventSchema, event as unknown as TimelineEvent);
}

/** Just the record's fields, by name: an upload item carries more, and keys never leak into a record. */
function attachmentFields(from: object): AttachmentRecord {
  const r = from as AttachmentRecord;
  return {
    caseId: r.caseId,
    attachmentId: r.attachmentId,
    fileName: r.fileName,
    contentType: r.contentType,
    size: r.size,
    visibility: r.visibility,
    blobKey: r.blobKey,
  };
}

export function attachmentToItem(r: AttachmentRecord): Item {
  return {
    ...keys.attachment(keyPart(r.caseId, 'a case id'), keyPart(r.attachmentId, 'an attachment id')),
    [ENTITY_ATTRIBUTE]: 'attachment',
    ...attachmentFields(r),
  };
}

export function attachmentFromItem(item: Item): AttachmentRecord {
  entityOf(item, 'attachment');
  return attachmentFields(item);
}

/** A pending upload, expiring (by TTL, in epoch seconds) at `expiresAtEpoch`. */
export function uploadToItem(u: PendingUpload, expiresAtEpoch: number): Item {
  return {
    ...keys.upload(keyPart(u.caseId, 'a case id'), keyPart(u.attachmentId, 'an attachment id')),
    [ENTITY_ATTRIBUTE]: 'upload',
    ...attachmentFields(u),
    uploadedBy: u.uploadedBy,
    expiresAt: u.expiresAt,
    [TTL_ATTRIBUTE]: expiresAtEpoch,
  };
}

export function uploadFromItem(item: Item): PendingUpload {
  entityOf(item, 'upload');
  const u = item as unknown as PendingUpload;
  return { ...attachmentFields(item), uploadedBy: u.uploadedBy, expiresAt: u.expiresAt };
}

/** The backlog counter a case counts in: its status × level, or none once closed. */
function backlogSlot(c: {
  status: CaseStatus;
  severity: { level: SeverityLevel };
}): { status: BacklogStatus; level: SeverityLevel } | null {
  return c.status === 'closed' ? null : { status: c.status, level: c.severity.level };
}

/**
 * What a write does to the backlog counters: +1 on the case's new slot and −1 on its old one when they
 * differ (a new case only adds, a closing case only subtracts); nothing when the slot is unchanged.
 */
export function backlogDeltas(
  before: Parameters<typeof backlogSlot>[0] | null,
  after: Parameters<typeof backlogSlot>[0],
): { status: BacklogStatus; level: SeverityLevel; delta: 1 | -1 }[] {
  const from = before === null ? null : backlogSlot(before);
  const to = backlogSlot(after);
  if (from !== null && to !== null && from.status === to.status && from.level === to.level) return [];
  return [
    ...(from === null ? [] : [{ ...from, delta: -1 as const }]),
    ...(to === null ? [] : [{ ...to, delta: 1 as const }]),
  ];
}

/**
 * The Update that moves one counter by `delta`, creating it on first use (ADD on a missing number
 * starts from 0). It also (re)writes what the counter counts, so a stream record of it stands alone.
 */
export function backlogCounterUpdate(
  status: BacklogStatus,
  level: SeverityLevel,
  delta: number,
): {
  Key: Item;
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  return {
    Key: keys.backlogCounter(status, level),
    UpdateExpression: 'ADD #count :delta SET #entity = :entity, #status = :status, #level = :level',
    ExpressionAttributeNames: {
      '#count': 'count',
      '#entity': ENTITY_ATTRIBUTE,
      '#status': 'status',
      '#level': 'level',
    },
    ExpressionAttributeValues: { ':delta': delta, ':entity': 'counter', ':status': status, ':level': level },
  };
}

export function counterFromItem(item: Item): BacklogCount {
  entityOf(item, 'counter');
  const { status, level, count } = item;
  if (
    !BACKLOG_STATUSES.includes(status as BacklogStatus) ||
    !SEVERITY_LEVELS.includes(level as SeverityLevel) ||
    !Number.isInteger(count)
  ) {
    throw new Error(`not a backlog counter: ${String(item[PK])} / ${String(item[SK])}`);
  }
  return { status: status as BacklogStatus, level: level as SeverityLevel, count: count as number };
}

/** An Update of one item, as a transaction (or UpdateItem) takes it, without the table name. */
export interface ItemUpdate {
  Key: Item;
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/** What a write does to the leads' figures, item by item; the store adds the table name. */
export type FigureWrite =
  | { Update: ItemUpdate }
  | {
      Put: {
        Item: Item;
        ConditionExpression?: string;
        ExpressionAttributeNames?: Record<string, string>;
      };
    }
  | { Delete: { Key: Item } };

/**
 * `ADD` each number (creating the item on first use), and `SET` what the item is: an item of the
 * figures, and the fields that say which (so it reads back without parsing its key).
 */
function figureUpdate(key: Item, add: Record<string, number>, set: Record<string, unknown>): ItemUpdate {
  const names: Record<string, string> = { '#entity': ENTITY_ATTRIBUTE };
  const values: Record<string, unknown> = { ':entity': 'figure' };
  const adds = Object.entries(add).map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = value;
    return `#a${i} :a${i}`;
  });
  const sets = ['#entity = :entity'];
  Object.entries(set).forEach(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    sets.push(`#s${i} = :s${i}`);
  });
  return {
    Key: key,
    UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * An hour's numbers, one pair per level and kind: `met0`…`met3`, `breached0`…`breached3` for first
 * responses (the names they had before next updates were counted), `nextUpdateMet0`…`nextUpdateMet3`,
 * `nextUpdateBreached0`…`nextUpdateBreached3` for next updates. An item written before next updates
 * were counted has none of the latter: it reads as none.
 */
const complianceAttribute = (kind: 'firstResponse' | 'nextUpdate', { outcome, level }: ComplianceFigure) =>
  kind === 'firstResponse'
    ? `${outcome}${level}`
    : `nextUpdate${outcome === 'met' ? 'Met' : 'Breached'}${level}`;

/**
 * A write's share of the leads' figures (docs/service-levels.md#figures-for-leads), decided from the
 * case before and after it and the events it writes, so they move in the same transaction and exactly
 * once: first responses and next updates counted in their event's UTC hour, one item per hour for
 * both (an update judged on the case the write replaces, moved on by the write's events before it:
 * `nextUpdateFigures`); each agent's open and overdue cases moved by the case leaving one agent's share
 * and entering another's (like the backlog counters); the waiting escalation put while it waits and
 * deleted once answered; a survey answer and the totals it adds to.
 * Each item appears at most once (a transaction may not touch an item twice).
 */
export function figureWrites(
  before: Case | null,
  after: Case,
  events: readonly TimelineEvent[],
): FigureWrite[] {
  const writes: FigureWrite[] = [];

  const hours = new Map<string, Record<string, number>>();
  const count = (at: Instant, attribute: string) => {
    const hour = hourOf(at);
    const counts = hours.get(hour) ?? {};
    counts[attribute] = (counts[attribute] ?? 0) + 1;
    hours.set(hour, counts);
  };
  for (const e of events) {
    const figure = firstResponseFigure(e, after);
    if (figure !== null) count(e.at, complianceAttribute('firstResponse', figure));
  }
  for (const figure of nextUpdateFigures(before, after, events))
    count(figure.at, complianceAttribute('nextUpdate', figure));
  for (const [hour, counts] of hours)
    writes.push({ Update: figureUpdate(keys.complianceHour(hour), counts, { hour }) });

  const agents = new Map<string, { open: number; breached: number }>();
  const share = (c: Case | null, sign: 1 | -1) => {
    const own = c === null ? null : agentShareOf(c);
    if (own === null) return;
    const agent = normalizeEmail(own.agent);
    const load = agents.get(agent) ?? { open: 0, breached: 0 };
    agents.set(agent, { open: load.open + sign, breached: load.breached + (own.breached ? sign : 0) });
  };
  share(before, -1);
  share(after, 1);
  for (const [agent, load] of agents) {
    if (load.open === 0 && load.breached === 0) continue;
    writes.push({ Update: figureUpdate(keys.agentLoad(agent), load, { agent }) });
  }

  const waited = before === null ? null : waitingEscalationOf(before);
  const waits = waitingEscalationOf(after);
  if (JSON.stringify(waited) !== JSON.stringify(waits)) {
    if (waited !== null && waited.requestedAt !== waits?.requestedAt)
      writes.push({ Delete: { Key: keys.waitingEscalation(waited.requestedAt, waited.caseId) } });
    if (waits !== null) writes.push({ Put: { Item: waitingEscalationToItem(waits) } });
  }

  if (events.some((e) => e.type === 'survey.submitted')) {
    const answer = surveyAnsweredOf(after);
    if (answer === null) throw new RangeError(`case ${after.id}: a survey answer the case does not hold`);
    writes.push({
      Put: {
        Item: {
          ...keys.surveyAnswer(answer.submittedAt, answer.caseId),
          [ENTITY_ATTRIBUTE]: 'figure',
          ...answer,
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      },
    });
    writes.push({ Update: figureUpdate(keys.surveyTotals(), { count: 1, ...answer.ratings }, {}) });
  }
  return writes;
}

function waitingEscalationToItem(w: WaitingEscalation): Item {
  return { ...keys.waitingEscalation(w.requestedAt, w.caseId), [ENTITY_ATTRIBUTE]: 'figure', ...w };
}

/** An hour's item as its rows: one per level with any first response or next update, by level. */
export function complianceCountsFromItem(item: Item): ComplianceCount[] {
  entityOf(item, 'figure');
  const hour = item.hour as string;
  const count = (kind: 'firstResponse' | 'nextUpdate', outcome: 'met' | 'breached', level: SeverityLevel) => {
    const value = item[complianceAttribute(kind, { outcome, level })];
    return typeof value === 'number' ? value : 0;
  };
  const tally = (kind: 'firstResponse' | 'nextUpdate', level: SeverityLevel) => ({
    met: count(kind, 'met', level),
    breached: count(kind, 'breached', level),
  });
  return SEVERITY_LEVELS.map((level) => ({
    hour,
    level,
    firstResponse: tally('firstResponse', level),
    nextUpdate: tally('nextUpdate', level),
  })).filter(
    (row) =>
      row.firstResponse.met + row.firstResponse.breached + row.nextUpdate.met + row.nextUpdate.breached > 0,
  );
}

export function agentLoadFromItem(item: Item): AgentLoad {
  entityOf(item, 'figure');
  return { agent: item.agent as string, open: item.open as number, breached: item.breached as number };
}

export function waitingEscalationFromItem(item: Item): WaitingEscalation {
  entityOf(item, 'figure');
  const w = item as unknown as WaitingEscalation;
  return {
    caseId: w.caseId,
    number: w.number,
    subject: w.subject,
    level: w.level,
    assignee: w.assignee ?? null,
    requestedAt: w.requestedAt,
    reason: w.reason,
  };
}

/** The totals, from their item (none yet: nothing answered). */
export function surveyTotalsFromItem(item: Item | null): SurveyTotals {
  if (item !== null) entityOf(item, 'figure');
  const sum = (name: string) => (typeof item?.[name] === 'number' ? (item[name] as number) : 0);
  const sums = Object.fromEntries(SURVEY_QUESTIONS.map(({ topic }) => [topic, sum(topic)]));
  return { count: sum('count'), sums: sums as SurveyTotals['sums'] };
}

export function surveyAnsweredFromItem(item: Item): SurveyAnswered {
  entityOf(item, 'figure');
  const a = item as unknown as SurveyAnswered;
  return {
    caseId: a.caseId,
    number: a.number,
    submittedAt: a.submittedAt,
    ratings: inSchemaOrder(SurveyRatingsSchema, a.ratings),
    comment: a.comment ?? null,
    assignee: a.assignee ?? null,
  };
}
