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
  attachmentFromItem,
  attachmentToItem,
  BACKLOG_PARTITION,
  backlogCounterUpdate,
  backlogDeltas,
  caseFromItem,
  caseIdFromNumberItem,
  caseNumberToItem,
  caseToItem,
  counterFromItem,
  ENTITY_ATTRIBUTE,
  eventFromItem,
  eventToItem,
  type Item,
  keys,
  uploadFromItem,
  uploadToItem,
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

/** The stored case's version and backlog slot, read to guard an update and move its counters. */
type StoredSlot = Pick<Case, 'version' | 'status'> & { severity: Pick<Case['severity'], 'level'> };

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
        ...attachmentPuts(options),
        ...(once ? [putNew(once)] : []),
      ]);
      if (result.ok) return { ok: true };
      refuseIfApplied(options, result.reasons);
      if (result.reasons[0] === CONDITIONAL_CHECK_FAILED) return { ok: false, reason: 'stale' };
      throw new Error(`case ${next.id}: an event or attachment id of this change is already stored`);
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
      let startKey: Item | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':pk': BACKLOG_PARTITION },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
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
