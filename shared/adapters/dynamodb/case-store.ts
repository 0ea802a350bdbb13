import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Case } from '../../domain/case.ts';
import { epochOf } from '../../domain/instant.ts';
import { SEVERITY_LEVELS } from '../../domain/severity.ts';
import type { SlaPolicy } from '../../domain/sla-policy.ts';
import { BACKLOG_STATUSES } from '../../domain/status.ts';
import { publicView, type TimelineEvent } from '../../domain/timeline.ts';
import {
  AlreadyAppliedError,
  type BacklogCount,
  type CaseStore,
  type Page,
  type WriteOptions,
  type WriteOutcome,
} from '../../ports/case-store.ts';
import {
  agentLoadFromItem,
  attachmentFromItem,
  attachmentToItem,
  BACKLOG_PARTITION,
  backlogCounterUpdate,
  backlogDeltas,
  caseFromItem,
  caseIdFromNumberItem,
  caseNumberToItem,
  caseToItem,
  complianceCountsFromItem,
  counterFromItem,
  ENTITY_ATTRIBUTE,
  eventFromItem,
  eventToItem,
  FIGURE_PARTITIONS,
  type FigureWrite,
  figureWrites,
  type Item,
  keys,
  SURVEY_ANSWER_SORT_KEY_PREFIX,
  surveyAnsweredFromItem,
  surveyTotalsFromItem,
  uploadFromItem,
  uploadToItem,
  waitingEscalationFromItem,
} from './case-items.ts';
import { createCursorCodec } from './cursor.ts';
import { CONDITIONAL_CHECK_FAILED, isConditionFailure, transactWrite } from './dynamodb-calls.ts';
import { planCaseList, planTimeline } from './list-plans.ts';
import { createPageReader } from './page-reader.ts';
import { TABLE_KEYS, TTL_ATTRIBUTE } from './table-definition.ts';

/** How long a change's `onceKey` marker is kept: far longer than any retry of the same delivery. */
const ONCE_KEEP_SECONDS = 30 * 24 * 3600;
/**
 * How long an upload is kept after its URL expires: a file put at the last moment is still recorded
 * when the delivery of its arrival is retried (EventBridge retries for up to a day).
 */
const UPLOAD_KEEP_SECONDS = 2 * 24 * 3600;

/** What one store needs: its table, the policy its list keys sort by, and how to sign cursors. */
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

/**
 * The case store on one DynamoDB table (design and access patterns: `table-definition.ts`).
 * Conditional failures come back as domain outcomes (`false`, `stale`); every other error is thrown.
 */
export function createCaseStore({ client, tableName, policy, cursorKey }: CaseStoreOptions): CaseStore {
  const reader = createPageReader({ client, tableName, cursors: createCursorCodec(cursorKey) });

  const putNew = (item: Item) => ({
    Put: {
      TableName: tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': PK },
    },
  });

  /** The backlog counters' share of a case write: one Update per counter it moves. */
  const counterUpdates = (before: Case | null, after: Case) =>
    backlogDeltas(before, after).map(({ status, level, delta }) => ({
      Update: { TableName: tableName, ...backlogCounterUpdate(status, level, delta) },
    }));

  /** The leads' figures' share of a case write (`figureWrites`), on this table. */
  const figureItems = (before: Case | null, after: Case, events: readonly TimelineEvent[]) =>
    figureWrites(before, after, events).map((write: FigureWrite) => {
      if ('Update' in write) return { Update: { TableName: tableName, ...write.Update } };
      if ('Put' in write) return { Put: { TableName: tableName, ...write.Put } };
      return { Delete: { TableName: tableName, ...write.Delete } };
    });

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

  function checkEventsOf(c: Case, events: TimelineEvent[], options: WriteOptions | undefined): void {
    const stray = events.find((e) => e.caseId !== c.id);
    if (stray) throw new RangeError(`event ${stray.id} belongs to case ${stray.caseId}, not ${c.id}`);
    const strayFile = options?.attachments?.find((a) => a.caseId !== c.id);
    if (strayFile)
      throw new RangeError(
        `attachment ${strayFile.attachmentId} belongs to case ${strayFile.caseId}, not ${c.id}`,
      );
  }

  /** The file records a change writes with itself, each new (a record is never overwritten). */
  const attachmentPuts = (options: WriteOptions | undefined) =>
    (options?.attachments ?? []).map((a) => putNew(attachmentToItem(a)));

  async function getItem(key: Item): Promise<Item | null> {
    if (![key[PK], key[TABLE_KEYS.sortKey]].every((k) => typeof k === 'string' && plausibleId(k)))
      return null;
    const out = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    return out.Item ?? null;
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
      checkEventsOf(c, events, options);
      const once = onceItem(options, c);
      const result = await transactWrite(client, [
        putNew(caseToItem(c, policy)),
        putNew(caseNumberToItem(c)),
        ...counterUpdates(null, c),
        ...figureItems(null, c, events),
        ...events.map((e) => putNew(eventToItem(e))),
        ...attachmentPuts(options),
        ...(once ? [putNew(once)] : []),
      ]);
      if (result.ok) return true;
      refuseIfApplied(options, result.reasons);
      const [caseTaken, numberTaken] = result.reasons;
      if (caseTaken === CONDITIONAL_CHECK_FAILED || numberTaken === CONDITIONAL_CHECK_FAILED) return false;
      throw new Error(`case ${c.id}: an event or attachment id of the new case is already stored`);
    },

    async update(next, expectedVersion, events, options): Promise<WriteOutcome> {
      if (next.version !== expectedVersion + 1) {
        throw new RangeError(
          `case ${next.id}: the next version must be ${expectedVersion + 1}, got ${next.version}`,
        );
      }
      checkEventsOf(next, events, options);
      // The counters and figures to move depend on the case as stored; the write below is guarded on
      // the version read here (and the status and level the backlog counts by), so they move with the
      // case or not at all. A case that does not exist (the caller re-reads and finds nothing) or moved
      // on is stale without a write.
      const known = options?.previous;
      const before = known && known.version === expectedVersion ? known : await getCase(next.id);
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
        ...figureItems(before, next, events),
        ...events.map((e) => putNew(eventToItem(e))),
        ...attachmentPuts(options),
        ...(once ? [putNew(once)] : []),
      ]);
      if (result.ok) return { ok: true };
      refuseIfApplied(options, result.reasons);
      if (result.reasons[0] === CONDITIONAL_CHECK_FAILED) return { ok: false, reason: 'stale' };
      throw new Error(
        `case ${next.id}: an event or attachment id (or a survey answer) of this change is already stored`,
      );
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
      const plan = planTimeline(caseId, publicOnly);
      if (!plausibleId(caseId)) return reader.nothing(plan, page);
      const { items, cursor } = await reader.read(plan, page);
      const events = items.map(eventFromItem);
      // The index holds only public events; a status note the agent kept internal still stays hidden.
      return { items: publicOnly ? events.map(publicView) : events, cursor };
    },

    /**
     * Cases sorted by their earliest open deadline, read as `planCaseList` plans. A request stops after
     * a few rounds per partition, so a selective filter may give a short (even empty) page with a
     * cursor: follow it until it is null.
     */
    async list(query, page): Promise<Page<Case>> {
      const plan = planCaseList(query);
      if (plan === null) return reader.nothing(null, page);
      const { items, cursor } = await reader.read(plan, page);
      return { items: items.map(caseFromItem), cursor };
    },

    async recordUpload(upload) {
      const keepUntil = Math.floor(epochOf(upload.expiresAt) / 1000) + UPLOAD_KEEP_SECONDS;
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: uploadToItem(upload, keepUntil),
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        throw new Error(`case ${upload.caseId}: upload ${upload.attachmentId} is already recorded`);
      }
    },

    async getUpload(caseId, attachmentId) {
      const item = await getItem(keys.upload(caseId, attachmentId));
      return item ? uploadFromItem(item) : null;
    },

    async getAttachment(caseId, attachmentId) {
      const item = await getItem(keys.attachment(caseId, attachmentId));
      return item ? attachmentFromItem(item) : null;
    },

    /** One consistent Query of the counter partition (24 small items); a counter never written is 0. */
    async backlog(): Promise<BacklogCount[]> {
      const counts = new Map<string, number>();
      for (const item of await queryAll({ partition: BACKLOG_PARTITION })) {
        const { status, level, count } = counterFromItem(item);
        counts.set(`${status}#${level}`, count);
      }
      return BACKLOG_STATUSES.flatMap((status) =>
        SEVERITY_LEVELS.map((level) => ({ status, level, count: counts.get(`${status}#${level}`) ?? 0 })),
      );
    },

    /** One Query of the hours asked for (at most one item per hour, both kinds in it: 168 for a week). */
    async complianceCounts(fromHour, toHour) {
      if (fromHour > toHour) return [];
      const items = await queryAll({
        partition: FIGURE_PARTITIONS.firstResponses,
        sortKey: { between: [fromHour, toHour] },
      });
      return items.flatMap(complianceCountsFromItem);
    },

    /** One Query of every agent's item; an agent whose cases all closed (or moved on) has none open. */
    async agentLoads() {
      const items = await queryAll({ partition: FIGURE_PARTITIONS.agents });
      return items
        .map(agentLoadFromItem)
        .filter((load) => load.open > 0)
        .sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
    },

    /** One Query: only waiting escalations have an item, sorted by when they were asked for. */
    async waitingEscalations() {
      return (await queryAll({ partition: FIGURE_PARTITIONS.escalations })).map(waitingEscalationFromItem);
    },

    async surveyTotals() {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.surveyTotals(), ConsistentRead: true }),
      );
      return surveyTotalsFromItem(out.Item ?? null);
    },

    /** One Query, backwards from the newest answer, of at most `limit` items. */
    async recentSurveyAnswers(limit) {
      if (limit < 1) return [];
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: {
            ':pk': FIGURE_PARTITIONS.surveys,
            ':prefix': SURVEY_ANSWER_SORT_KEY_PREFIX,
          },
          ScanIndexForward: false,
          Limit: limit,
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map(surveyAnsweredFromItem);
    },
  };

  /** Every item of one partition (or a range of its sort keys), in key order: consistent reads, all pages. */
  async function queryAll(query: {
    partition: string;
    sortKey?: { between: [string, string] };
  }): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: query.sortKey ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PK, ...(query.sortKey ? { '#sk': SK } : {}) },
          ExpressionAttributeValues: {
            ':pk': query.partition,
            ...(query.sortKey ? { ':from': query.sortKey.between[0], ':to': query.sortKey.between[1] } : {}),
          },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
