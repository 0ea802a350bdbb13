import { SEVERITY_LEVELS } from '../../domain/severity.ts';
import { CASE_STATUSES } from '../../domain/status.ts';
import type { CaseQuery } from '../../ports/case-store.ts';
import { caseIdFromSortKey, EVENT_SORT_KEY_PREFIX, keys } from './case-items.ts';
import { queryFingerprint } from './cursor.ts';
import type { FilterCondition, ReadPlan } from './page-reader.ts';
import { GLOBAL_INDEXES, type IndexDefinition, TABLE_KEYS } from './table-definition.ts';

/*
 * Which index and partitions each list reads, and what it must filter, is decided here and nowhere
 * else; `page-reader.ts` only carries a plan out. Pure, so every choice is testable without DynamoDB.
 */

/**
 * `<deadline>#<id>`, `~<updatedAt>#<id>` or `~~~<ms before 2286>#<id>` (`deadlineSortKey`; `~~<updatedAt>`
 * from before `LIST_KEYS_VERSION` 2), nothing else.
 */
const CASE_POSITION = /^~{0,3}[0-9][0-9A-Z:.+-]{0,40}#[^#]{1,200}$/;
const EVENT_ID_POSITION = /^[^#]{1,200}$/;
const EVENT_SORT_KEY_POSITION = new RegExp(`^${EVENT_SORT_KEY_PREFIX}[^#]{1,200}$`);

const equal = (path: string[], value: unknown): FilterCondition[] =>
  value === undefined ? [] : [{ path, equals: value }];

function casePlan(
  q: CaseQuery,
  index: IndexDefinition,
  partitions: string[],
  filter: FilterCondition[],
): ReadPlan {
  return {
    // Normalised as the keys are, so a cursor survives a client re-spelling the same email.
    fingerprint: queryFingerprint([
      'cases',
      q.status ?? null,
      q.severity ?? null,
      q.type ?? null,
      q.assignee?.trim().toLowerCase() ?? null,
      q.sellerId ?? null,
      q.requesterEmail?.trim().toLowerCase() ?? null,
    ]),
    index,
    partitions,
    filter,
    position: CASE_POSITION,
    // An index's start key needs the table key too; the case id in the position gives it.
    startKey: (partition, position) => ({
      [index.partitionKey]: partition,
      [index.sortKey]: position,
      ...keys.case(caseIdFromSortKey(position)),
    }),
  };
}

/**
 * The cheapest read for a case list, so a list is never a scan: a requester's own partition (by email),
 * a seller's, an agent's, the whole queue's two (open, closed), or the status × severity queue
 * partitions a status or a level narrows it to (1, 4 or 7). Null when no case can match (a seller id with `type: consumer`). What the keys cannot express
 * (`type` on the queue, `status` on an agent's or a requester's list) is a filter: DynamoDB still reads
 * the items it drops, so its cost grows with the partition, not the page.
 */
export function planCaseList(q: CaseQuery): ReadPlan | null {
  const { queue, openQueue, byAssignee, byRequester, bySeller } = GLOBAL_INDEXES;
  const status = equal(['status'], q.status);
  const severity = equal(['severity', 'level'], q.severity);
  const type = equal(['type'], q.type);
  // Emails are compared through the normalised key attributes, as the index lookups are.
  const assignee =
    q.assignee === undefined ? [] : equal([byAssignee.partitionKey], keys.assignee(q.assignee));
  // Only seller cases have a seller.
  if (q.sellerId !== undefined && q.type === 'consumer') return null;
  if (q.requesterEmail !== undefined) {
    const seller = q.sellerId === undefined ? [] : equal([bySeller.partitionKey], keys.seller(q.sellerId));
    return casePlan(
      q,
      byRequester,
      [keys.requester(q.requesterEmail)],
      [...status, ...severity, ...(q.sellerId === undefined ? type : []), ...assignee, ...seller],
    );
  }
  if (q.sellerId !== undefined) {
    return casePlan(q, bySeller, [keys.seller(q.sellerId)], [...status, ...severity, ...assignee]);
  }
  if (q.assignee !== undefined) {
    return casePlan(q, byAssignee, [keys.assignee(q.assignee)], [...status, ...severity, ...type]);
  }
  // The default view: the whole queue is two partitions (open, closed), merged by deadline.
  if (q.status === undefined && q.severity === undefined)
    return casePlan(q, openQueue, [keys.openQueue('open'), keys.openQueue('closed')], type);
  const statuses = q.status === undefined ? CASE_STATUSES : [q.status];
  const levels = q.severity === undefined ? SEVERITY_LEVELS : [q.severity];
  const partitions = statuses.flatMap((s) => levels.map((l) => keys.queue(s, l)));
  return casePlan(q, queue, partitions, type);
}

/**
 * A requester's view reads the sparse public index, so its pages stay full however many internal
 * notes a case has; an agent's reads the case's own partition, which can be read consistently.
 */
export function planTimeline(caseId: string, publicOnly: boolean): ReadPlan {
  const fingerprint = queryFingerprint(['events', caseId, publicOnly]);
  if (publicOnly) {
    const index = GLOBAL_INDEXES.publicTimeline;
    return {
      fingerprint,
      index,
      partitions: [keys.publicTimeline(caseId)],
      filter: [],
      position: EVENT_ID_POSITION,
      startKey: (partition, eventId) => ({
        [index.partitionKey]: partition,
        [index.sortKey]: eventId,
        ...keys.event(caseId, eventId),
      }),
    };
  }
  return {
    fingerprint,
    index: null,
    partitions: [keys.casePartition(caseId)],
    sortKeyPrefix: EVENT_SORT_KEY_PREFIX,
    filter: [],
    position: EVENT_SORT_KEY_POSITION,
    startKey: (partition, sortKey) => ({
      [TABLE_KEYS.partitionKey]: partition,
      [TABLE_KEYS.sortKey]: sortKey,
    }),
  };
}
