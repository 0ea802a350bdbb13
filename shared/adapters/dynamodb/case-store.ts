import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Case } from '../../domain/case.ts';
import { epochOf } from '../../domain/instant.ts';
import { SEVERITY_LEVELS } from '../../domain/severity.ts';
import type { SlaPolicy } from '../../domain/sla-policy.ts';
import { BACKLOG_STATUSES, CASE_STATUSES } from '../../domain/status.ts';
import { publicView, type TimelineEvent } from '../../domain/timeline.ts';
import {
  AlreadyAppliedError,
  type BacklogCount,
  type CaseQuery,
  type CaseStore,
  InvalidCursorError,
  type Page,
  type PageRequest,
  type WriteOptions,
  type WriteOutcome,
} from '../../ports/case-store.ts';
import {
  BACKLOG_PARTITION,
  backlogCounterUpdate,
  backlogDeltas,
  caseFromItem,
  caseIdFromNumberItem,
  caseIdFromSortKey,
  caseNumberToItem,
  caseToItem,
  counterFromItem,
  ENTITY_ATTRIBUTE,
  EVENT_SORT_KEY_PREFIX,
  eventFromItem,
  eventToItem,
  type Item,
  keys,
} from './case-items.ts';
import {
  type CursorCodec,
  type CursorScope,
  createCursorCodec,
  EXHAUSTED,
  type Position,
  queryFingerprint,
} from './cursor.ts';
import { CONDITIONAL_CHECK_FAILED, transactWrite } from './dynamodb-calls.ts';
import { GLOBAL_INDEXES, type IndexDefinition, TABLE_KEYS, TTL_ATTRIBUTE } from './table-definition.ts';

/** How long a change's `onceKey` marker is kept: far longer than any retry of the same delivery. */
const ONCE_KEEP_SECONDS = 30 * 24 * 3600;

export interface CaseStoreOptions {
  /** Build it with `createDocumentClient` (or the same marshalling options). */
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The deadline sort keys of the list indexes are derived with it. */
  policy: SlaPolicy;
  /**
   * Signs cursors (HMAC-SHA256, at least 16 bytes), so a client can neither forge nor edit one. Without
   * a key cursors are still strictly validated and bound to their query, just not signed.
   */
  cursorKey?: Uint8Array | string | undefined;
}

/** Nested objects become maps; absent optional fields are left out instead of failing the write. */
const DOCUMENT_CLIENT_CONFIG = {
  marshallOptions: { removeUndefinedValues: true },
  unmarshallOptions: { wrapNumbers: false },
} as const;

/** The document client the store expects, over any low-level client (AWS or DynamoDB Local). */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, DOCUMENT_CLIENT_CONFIG);
}

const PK = TABLE_KEYS.partitionKey;
const SK = TABLE_KEYS.sortKey;
const MAX_PAGE_LIMIT = 1000;
/** Query round trips per partition and page when a filter leaves pages short; bounds one request's cost. */
const MAX_ROUNDS_PER_PARTITION = 5;

type Filter = { expression: string; names: Record<string, string>; values: Record<string, unknown> };

/** Equality filters, joined with AND, with placeholders that cannot collide with the key condition's. */
function equalityFilter(conditions: [path: string[], value: unknown][]): Filter | undefined {
  if (conditions.length === 0) return undefined;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = conditions.map(([path, value], i) => {
    const expression = path
      .map((segment, j) => {
        names[`#f${i}_${j}`] = segment;
        return `#f${i}_${j}`;
      })
      .join('.');
    values[`:f${i}`] = value;
    return `${expression} = :f${i}`;
  });
  return { expression: parts.join(' AND '), names, values };
}

/**
 * How one list request reads the table: the index, its partitions (read in parallel and merged by
 * sort key), and the filters its keys cannot express. Partitions always come from the query, never
 * from a cursor: a cursor only says how far into each partition the reader already got.
 */
interface ListPlan extends CursorScope {
  index: IndexDefinition | null;
  sortKeyPrefix?: string;
  filter?: Filter | undefined;
  /** The ExclusiveStartKey that resumes a partition after `position`. */
  startKey(partition: string, position: string): Item;
}

const CASE_POSITION = /^~{0,2}[0-9][0-9A-Z:.+-]{0,40}#[^#]{1,200}$/;
const EVENT_ID_POSITION = /^[^#]{1,200}$/;

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new RangeError(`a page limit must be an integer in 1..${MAX_PAGE_LIMIT}, got ${limit}`);
  }
}

/** The stored case's version and backlog slot, read to guard an update and move its counters. */
type StoredSlot = Pick<Case, 'version' | 'status'> & { severity: Pick<Case['severity'], 'level'> };

/**
 * The case store on one DynamoDB table (design and access patterns: `table-definition.ts`).
 * Conditional failures come back as domain outcomes (`false`, `stale`); every other error is thrown.
 */
export function createCaseStore({ client, tableName, policy, cursorKey }: CaseStoreOptions): CaseStore {
  const cursors: CursorCodec = createCursorCodec(cursorKey);

  const query = (input: QueryCommandInput) => client.send(new QueryCommand(input));

  /**
   * Reads one partition from `position` until it holds `want` matching items, ends, or the round
   * budget is spent. `frontier` is the sort key up to which every matching item is in `items`
   * (null: the partition was read to its end).
   */
  async function readPartition(
    plan: ListPlan,
    partition: string,
    position: string | null,
    want: number,
  ): Promise<{ items: Item[]; frontier: string | null }> {
    const pkName = plan.index?.partitionKey ?? PK;
    const skName = plan.index?.sortKey ?? SK;
    const input: QueryCommandInput = {
      TableName: tableName,
      IndexName: plan.index?.indexName,
      KeyConditionExpression:
        plan.sortKeyPrefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: {
        '#pk': pkName,
        ...(plan.sortKeyPrefix === undefined ? {} : { '#sk': skName }),
        ...plan.filter?.names,
      },
      ExpressionAttributeValues: {
        ':pk': partition,
        ...(plan.sortKeyPrefix === undefined ? {} : { ':prefix': plan.sortKeyPrefix }),
        ...plan.filter?.values,
      },
      FilterExpression: plan.filter?.expression,
      ScanIndexForward: true,
      // Global secondary indexes cannot be read consistently; the base table (a timeline) is.
      ConsistentRead: plan.index === null,
      Limit: want,
    };
    const items: Item[] = [];
    let startKey = position === null ? undefined : plan.startKey(partition, position);
    for (let round = 1; ; round++) {
      let out: Awaited<ReturnType<typeof query>>;
      try {
        out = await query({ ...input, ExclusiveStartKey: startKey });
      } catch (error) {
        // Validation above should make this unreachable; a start key DynamoDB refuses is still a bad cursor.
        if (
          startKey &&
          error instanceof Error &&
          error.name === 'ValidationException' &&
          /start/i.test(error.message)
        )
          throw new InvalidCursorError();
        throw error;
      }
      items.push(...(out.Items ?? []));
      const last = out.LastEvaluatedKey;
      if (!last) return { items, frontier: null };
      if (items.length >= want || round >= MAX_ROUNDS_PER_PARTITION) {
        return { items, frontier: last[skName] as string };
      }
      startKey = last;
    }
  }

  /**
   * One page of a plan: each unfinished partition is read (in parallel) for up to `limit + 1` items
   * after its position, the heads are merged by sort key (k-way), and the cursor records, per
   * partition, the key of the last item consumed from it — or that it has been read to the end.
   * The extra item per partition tells "more follows" from "done", so the last page has a null cursor
   * instead of being followed by an empty one.
   */
  async function readPage(
    plan: ListPlan,
    page: PageRequest,
  ): Promise<{ items: Item[]; cursor: string | null }> {
    checkLimit(page.limit);
    const positions = cursors.decode(plan, page.cursor);
    const skName = plan.index?.sortKey ?? SK;
    const reads = await Promise.all(
      plan.partitions.map((partition, i) => {
        const position = positions[i] as Position;
        return position === EXHAUSTED
          ? { items: [], frontier: null }
          : readPartition(plan, partition, position, page.limit + 1);
      }),
    );
    // Nothing beyond the lowest frontier may be emitted: a partition stopped by its round budget may
    // still hold matching items up there.
    const bound = reads.reduce<string | null>(
      (min, r) => (r.frontier !== null && (min === null || r.frontier < min) ? r.frontier : min),
      null,
    );
    const consumed = reads.map(() => 0);
    const items: Item[] = [];
    while (items.length < page.limit) {
      let best = -1;
      let bestKey = '';
      reads.forEach((r, i) => {
        const head = r.items[consumed[i] as number];
        if (head === undefined) return;
        const sortKey = head[skName] as string;
        if (bound !== null && sortKey > bound) return;
        if (best === -1 || sortKey < bestKey) {
          best = i;
          bestKey = sortKey;
        }
      });
      if (best === -1) break;
      items.push((reads[best] as (typeof reads)[number]).items[consumed[best] as number] as Item);
      consumed[best] = (consumed[best] as number) + 1;
    }
    const next: Position[] = reads.map((r, i) => {
      const before = positions[i] as Position;
      if (before === EXHAUSTED) return EXHAUSTED;
      const taken = consumed[i] as number;
      // Every match up to the frontier was consumed: resume after it (or the partition is done).
      if (taken === r.items.length) return r.frontier ?? EXHAUSTED;
      return taken > 0 ? ((r.items[taken - 1] as Item)[skName] as string) : before;
    });
    return { items, cursor: cursors.encode(plan, next) };
  }

  function casePlan(index: IndexDefinition, partitions: string[], q: CaseQuery, filter?: Filter): ListPlan {
    return {
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
      startKey: (partition, position) => ({
        [index.partitionKey]: partition,
        [index.sortKey]: position,
        ...keys.case(caseIdFromSortKey(position)),
      }),
    };
  }

  /**
   * The cheapest index for a query: a requester's own partition, an agent's, or the status × severity
   * queue partitions the filter allows (1, 4, 7 or all 28). Null when no case can match (a seller id
   * together with a consumer's email or with `type: consumer`, and so on).
   */
  function planCaseList(q: CaseQuery): ListPlan | null {
    const { queue, byAssignee, byRequester } = GLOBAL_INDEXES;
    const conditions: [string[], unknown][] = [];
    const status = (): void => {
      if (q.status !== undefined) conditions.push([['status'], q.status]);
    };
    const severity = (): void => {
      if (q.severity !== undefined) conditions.push([['severity', 'level'], q.severity]);
    };
    const type = (): void => {
      if (q.type !== undefined) conditions.push([['type'], q.type]);
    };
    // Emails are compared through the normalised key attributes, as the index lookups are.
    const assignee = (): void => {
      if (q.assignee !== undefined) conditions.push([[byAssignee.partitionKey], keys.assignee(q.assignee)]);
    };
    if (q.sellerId !== undefined || q.requesterEmail !== undefined) {
      // A case has one requester: a seller (seller case) or a buyer's email (consumer case).
      if (q.sellerId !== undefined && q.requesterEmail !== undefined) return null;
      const seller = q.sellerId !== undefined;
      if (q.type !== undefined && q.type !== (seller ? 'seller' : 'consumer')) return null;
      const partition = seller
        ? keys.sellerRequester(q.sellerId as string)
        : keys.consumerRequester(q.requesterEmail as string);
      status();
      severity();
      assignee();
      return casePlan(byRequester, [partition], q, equalityFilter(conditions));
    }
    if (q.assignee !== undefined) {
      status();
      severity();
      type();
      return casePlan(byAssignee, [keys.assignee(q.assignee)], q, equalityFilter(conditions));
    }
    const statuses = q.status === undefined ? CASE_STATUSES : [q.status];
    const levels = q.severity === undefined ? SEVERITY_LEVELS : [q.severity];
    const partitions = statuses.flatMap((s) => levels.map((l) => keys.queue(s, l)));
    type();
    return casePlan(queue, partitions, q, equalityFilter(conditions));
  }

  function eventPlan(caseId: string, publicOnly: boolean): ListPlan {
    const fp = queryFingerprint(['events', caseId, publicOnly]);
    if (publicOnly) {
      const index = GLOBAL_INDEXES.publicTimeline;
      return {
        fingerprint: fp,
        index,
        partitions: [keys.publicTimeline(caseId)],
        position: EVENT_ID_POSITION,
        startKey: (partition, eventId) => ({
          [index.partitionKey]: partition,
          [index.sortKey]: eventId,
          ...keys.event(caseId, eventId),
        }),
      };
    }
    return {
      fingerprint: fp,
      index: null,
      partitions: [keys.casePartition(caseId)],
      sortKeyPrefix: EVENT_SORT_KEY_PREFIX,
      position: new RegExp(`^${EVENT_SORT_KEY_PREFIX}[^#]{1,200}$`),
      startKey: (partition, sortKey) => ({ [PK]: partition, [SK]: sortKey }),
    };
  }

  const putNew = (item: Item) => ({
    Put: {
      TableName: tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': PK },
    },
  });

  /** The backlog counters' share of a case write: one Update per counter it moves. */
  const counterUpdates = (before: StoredSlot | null, after: Case) =>
    backlogDeltas(before, after).map(({ status, level, delta }) => ({
      Update: { TableName: tableName, ...backlogCounterUpdate(status, level, delta) },
    }));

  /**
   * The marker a change with a `onceKey` writes with itself (kept 30 days past the change, by TTL).
   * Always the transaction's last item, so its cancellation reason is the last one.
   */
  const onceItem = (options: WriteOptions | undefined, c: Case): Item | null =>
    options?.onceKey
      ? {
          ...keys.once(options.onceKey),
          [ENTITY_ATTRIBUTE]: 'once',
          [TTL_ATTRIBUTE]: Math.floor(epochOf(c.updatedAt) / 1000) + ONCE_KEEP_SECONDS,
        }
      : null;

  function refuseIfApplied(options: WriteOptions | undefined, reasons: (string | undefined)[]): void {
    if (options?.onceKey && reasons.at(-1) === CONDITIONAL_CHECK_FAILED)
      throw new AlreadyAppliedError(options.onceKey);
  }

  /** Just what an update needs to know of the stored case: its version and its backlog slot. */
  async function storedSlot(id: string): Promise<StoredSlot | null> {
    const out = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.case(id),
        ConsistentRead: true,
        ProjectionExpression: '#version, #status, #severity.#level',
        ExpressionAttributeNames: {
          '#version': 'version',
          '#status': 'status',
          '#severity': 'severity',
          '#level': 'level',
        },
      }),
    );
    return out.Item ? (out.Item as StoredSlot) : null;
  }

  function checkEventsOf(c: Case, events: TimelineEvent[]): void {
    const stray = events.find((e) => e.caseId !== c.id);
    if (stray) throw new RangeError(`event ${stray.id} belongs to case ${stray.caseId}, not ${c.id}`);
  }

  async function getCase(id: string): Promise<Case | null> {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.case(id), ConsistentRead: true }),
    );
    return out.Item ? caseFromItem(out.Item) : null;
  }

  /** No real id or number is this long; anything longer is simply not found (and not a key DynamoDB refuses). */
  const plausibleId = (id: string) => typeof id === 'string' && id.length > 0 && id.length <= 256;

  return {
    async create(c, events, options) {
      checkEventsOf(c, events);
      const once = onceItem(options, c);
      const result = await transactWrite(client, [
        putNew(caseToItem(c, policy)),
        putNew(caseNumberToItem(c)),
        ...counterUpdates(null, c),
        ...events.map((e) => putNew(eventToItem(e))),
        ...(once ? [putNew(once)] : []),
      ]);
      if (result.ok) return true;
      refuseIfApplied(options, result.reasons);
      const [caseTaken, numberTaken] = result.reasons;
      if (caseTaken === CONDITIONAL_CHECK_FAILED || numberTaken === CONDITIONAL_CHECK_FAILED) return false;
      throw new Error(`case ${c.id}: an event id of the new case is already stored`);
    },

    async update(next, expectedVersion, events, options): Promise<WriteOutcome> {
      if (next.version !== expectedVersion + 1) {
        throw new RangeError(
          `case ${next.id}: the next version must be ${expectedVersion + 1}, got ${next.version}`,
        );
      }
      checkEventsOf(next, events);
      // The counters to move depend on the case's stored status and level; the write below is guarded
      // on exactly what was read here, so the counters move with the case or not at all. A case that
      // does not exist (the caller re-reads and finds nothing) or moved on is stale without a write.
      const known = options?.previous;
      const before = known && known.version === expectedVersion ? known : await storedSlot(next.id);
      if (before === null || before.version !== expectedVersion) return { ok: false, reason: 'stale' };
      const once = onceItem(options, next);
      const result = await transactWrite(client, [
        {
          Put: {
            TableName: tableName,
            Item: caseToItem(next, policy),
            ConditionExpression: '#version = :expected AND #status = :status AND #severity.#level = :level',
            ExpressionAttributeNames: {
              '#version': 'version',
              '#status': 'status',
              '#severity': 'severity',
              '#level': 'level',
            },
            ExpressionAttributeValues: {
              ':expected': expectedVersion,
              ':status': before.status,
              ':level': before.severity.level,
            },
          },
        },
        ...counterUpdates(before, next),
        ...events.map((e) => putNew(eventToItem(e))),
        ...(once ? [putNew(once)] : []),
      ]);
      if (result.ok) return { ok: true };
      refuseIfApplied(options, result.reasons);
      if (result.reasons[0] === CONDITIONAL_CHECK_FAILED) return { ok: false, reason: 'stale' };
      throw new Error(`case ${next.id}: an event id of this change is already stored`);
    },

    async get(id) {
      return plausibleId(id) ? getCase(id) : null;
    },

    async getByNumber(number) {
      if (!plausibleId(number)) return null;
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.caseNumber(number), ConsistentRead: true }),
      );
      return out.Item ? getCase(caseIdFromNumberItem(out.Item)) : null;
    },

    async listEvents(caseId, page, options) {
      const publicOnly = options?.publicOnly === true;
      const plan = eventPlan(caseId, publicOnly);
      if (!plausibleId(caseId)) {
        checkLimit(page.limit);
        cursors.decode(plan, page.cursor);
        return { items: [], cursor: null };
      }
      const { items, cursor } = await readPage(plan, page);
      const events = items.map(eventFromItem);
      // The index holds only public events; a status note the agent kept internal still stays hidden.
      return { items: publicOnly ? events.map(publicView) : events, cursor };
    },

    /**
     * Cases sorted by their earliest open deadline, from an index, never a scan. Filters that the
     * chosen index's keys cannot express (e.g. `type` on the queue, `status` on an agent's or a
     * requester's list) are FilterExpressions: DynamoDB reads the items they drop, so their cost grows
     * with the partition, not with the page. A request stops after a few rounds per partition, so a
     * selective filter may give a short (even empty) page with a cursor: follow it until it is null.
     */
    async list(query, page): Promise<Page<Case>> {
      const plan = planCaseList(query);
      if (plan === null) {
        checkLimit(page.limit);
        if (page.cursor !== undefined) throw new InvalidCursorError();
        return { items: [], cursor: null };
      }
      const { items, cursor } = await readPage(plan, page);
      return { items: items.map(caseFromItem), cursor };
    },

    /** One consistent Query of the counter partition (24 small items); a counter never written is 0. */
    async backlog(): Promise<BacklogCount[]> {
      const counts = new Map<string, number>();
      let startKey: Item | undefined;
      do {
        const out = await query({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':pk': BACKLOG_PARTITION },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        });
        for (const item of out.Items ?? []) {
          const { status, level, count } = counterFromItem(item);
          counts.set(`${status}#${level}`, count);
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      return BACKLOG_STATUSES.flatMap((status) =>
        SEVERITY_LEVELS.map((level) => ({ status, level, count: counts.get(`${status}#${level}`) ?? 0 })),
      );
    },
  };
}
