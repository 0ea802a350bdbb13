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
 * | queue by status × severity, by deadline| GSI `queue`: gsi1pk `Q#<status>#<level>`, gsi1sk `<deadline>#<id>` |
 * | an agent's cases, by deadline          | GSI `byAssignee`: gsi2pk `A#<email>`, gsi2sk `<deadline>#<id>` |
 * | a requester's cases, by deadline       | GSI `byRequester`: gsi3pk `R#S#<sellerId>` / `R#E#<email>`, gsi3sk `<deadline>#<id>` |
 * | idempotency records (Powertools)       | pk `idempotency#<function>`, sk `<hash>`, TTL `expiration` |
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
} as const satisfies Record<string, IndexDefinition>;

/** Every key attribute is a string. */
export const KEY_ATTRIBUTES: string[] = [
  TABLE_KEYS.partitionKey,
  TABLE_KEYS.sortKey,
  ...Object.values(GLOBAL_INDEXES).flatMap((i) => [i.partitionKey, i.sortKey]),
];
