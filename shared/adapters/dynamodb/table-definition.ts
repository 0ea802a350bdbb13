import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single table's shape, in one place: the CDK stack and the local runtime (DynamoDB Local) both
 * build the table from this, so they cannot drift. Item layouts and key builders live in `case-items.ts`.
 *
 * | access pattern                         | key / index                                          |
 * | -------------------------------------- | ---------------------------------------------------- |
 * | get a case                             | pk `CASE#<id>`, sk `CASE`                            |
 * | case by number                         | pk `NUMBER#<number>`, sk `NUMBER` → caseId           |
 * | a case's timeline, paged               | pk `CASE#<id>`, sk begins_with `EVENT#` (ULID order)  |
 * | a case's public timeline, paged        | GSI `publicTimeline`: gsi4pk `<caseId>`, gsi4sk event id |
 * | an upload URL handed out, until its file arrives | pk `CASE#<id>`, sk `UPLOAD#<attachmentId>`, TTL 2 days past the URL |
 * | a file of a case (what a download reads) | pk `CASE#<id>`, sk `ATTACHMENT#<attachmentId>`, written with its `attachment.added` |
 * | the whole queue, by deadline (the agents' default view) | GSI `openQueue`: gsi6pk `O#open` (every status but closed) or `O#closed`, gsi6sk `<deadline>#<id>` |
 * | queue by status × severity, by deadline| GSI `queue`: gsi1pk `Q#<status>#<level>`, gsi1sk `<deadline>#<id>` |
 * | an agent's cases, by deadline          | GSI `byAssignee`: gsi2pk `A#<email>`, gsi2sk `<deadline>#<id>` |
 * | a requester's cases (by email), by deadline | GSI `byRequester`: gsi3pk `R#E#<email>`, gsi3sk `<deadline>#<id>` |
 * | a seller's cases, by deadline          | GSI `bySeller`: gsi5pk `S#<sellerId>`, gsi5sk `<deadline>#<id>` |
 * | idempotency records (Powertools)       | pk `idempotency#<function>`, sk `<hash>`, TTL `expiration` |
 * | backlog: open cases by status × severity | pk `BACKLOG`, sk `<status>#<level>` (not closed), number `count` |
 * | a mail sent (or inbound mail handled) once | pk `MAIL#<eventId>#<kind>` / `MAIL#inbound#<id>`, sk `MAIL`, TTL 90 days (`sent-mail-ledger.ts`) |
 * | a change applied once (an inbound mail's receipt) | pk `ONCE#<key>`, sk `ONCE`, written in the change's own transaction, TTL 30 days |
 * | automatic mail spent from a budget in a window | pk `MAILBUDGET#<budget>` (`to:<address>`, `escalation:<caseId>`), sk the window's first instant, number `n`, TTL 2 days past it (`mail-budget.ts`) |
 * | an address that has written to us      | pk `SENDER#<address>`, sk `SENDER`, first and latest mail, TTL a year past the latest (`mail-addresses.ts`) |
 * | an address no mail goes to any more    | pk `SUPPRESSED#<address>`, sk `SUPPRESSED`, reason, instant and case (`mail-addresses.ts`) |
 * | a registered webhook                   | pk `WEBHOOKS`, sk `<id>` (one Query lists them all; a desk has a handful) (`webhook-store.ts`) |
 * | one delivery attempt of a webhook      | pk `WEBHOOK#<id>`, sk `ATTEMPT#<at>#<eventId>#<n>`, TTL 30 days (`webhook-store.ts`) |
 *
 * The backlog counters move in the same transaction as the case write that changes a case's status or
 * level (`ADD count ±1`), so they are exact without scans or recounts, and their stream records publish
 * each new value. They are deliberately not sharded: a shard's record could not carry the total, and at
 * a support desk's write rate the rare `TransactionConflict` on a counter is retried by the store.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const TTL_ATTRIBUTE = 'expiration';

export interface IndexDefinition {
  indexName: string;
  partitionKey: string;
  sortKey: string;
}

export const GLOBAL_INDEXES = {
  queue: { indexName: 'queue', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  byAssignee: { indexName: 'byAssignee', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  byRequester: { indexName: 'byRequester', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  publicTimeline: { indexName: 'publicTimeline', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  bySeller: { indexName: 'bySeller', partitionKey: 'gsi5pk', sortKey: 'gsi5sk' },
  openQueue: { indexName: 'openQueue', partitionKey: 'gsi6pk', sortKey: 'gsi6sk' },
} as const satisfies Record<string, IndexDefinition>;

/** Every key attribute is a string. */
export const KEY_ATTRIBUTES: string[] = [
  TABLE_KEYS.partitionKey,
  TABLE_KEYS.sortKey,
  ...Object.values(GLOBAL_INDEXES).flatMap((i) => [i.partitionKey, i.sortKey]),
];

/** Timer reconciliation and notifications compare each case before and after a change. */
export const STREAM_VIEW_TYPE = 'NEW_AND_OLD_IMAGES' as const;

/**
 * Every index projects ALL attributes, `publicTimeline` included: a requester's timeline page is read
 * straight from it, and KEYS_ONLY would turn every page into a query plus a BatchGetItem. The index is
 * sparse (only public events carry gsi4 keys), so the copy it keeps is exactly what a requester may see.
 */
export const INDEX_PROJECTION = {
  queue: 'ALL',
  byAssignee: 'ALL',
  byRequester: 'ALL',
  publicTimeline: 'ALL',
  bySeller: 'ALL',
  openQueue: 'ALL',
} as const satisfies Record<keyof typeof GLOBAL_INDEXES, 'ALL' | 'KEYS_ONLY'>;

/**
 * The CreateTable request for this design: on-demand, streams with both images, every index. Pure
 * data, so DynamoDB Local and any test build exactly the table the CDK stack declares. TTL on
 * `TTL_ATTRIBUTE` is a separate call (UpdateTimeToLive) in the DynamoDB API.
 */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const indexes = Object.entries(GLOBAL_INDEXES) as [keyof typeof GLOBAL_INDEXES, IndexDefinition][];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map(([name, index]) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: INDEX_PROJECTION[name] },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE },
  };
}
