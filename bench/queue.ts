import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createTable, LOCAL_CLIENT_CONFIG, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { caseToItem, keys } from '../shared/adapters/dynamodb/case-items.ts';
import { createCaseStore, createDocumentClient } from '../shared/adapters/dynamodb/case-store.ts';
import { createCursorCodec, queryFingerprint } from '../shared/adapters/dynamodb/cursor.ts';
import { createPageReader, type ReadPlan } from '../shared/adapters/dynamodb/page-reader.ts';
import { GLOBAL_INDEXES } from '../shared/adapters/dynamodb/table-definition.ts';
import { caseNumberFrom, newCase } from '../shared/domain/case.ts';
import { toInstant } from '../shared/domain/instant.ts';
import { SEVERITY_LEVELS, type SeverityLevel } from '../shared/domain/severity.ts';
import { createSlaPolicy } from '../shared/domain/sla-policy.ts';
import { CASE_STATUSES, type CaseStatus } from '../shared/domain/status.ts';
import type { CaseQuery } from '../shared/ports/case-store.ts';
import { percentile, round } from './stats.ts';

/** A support desk's mix: most cases closed, the open ones spread over the statuses, few at level 0. */
const STATUS_MIX: [CaseStatus, number][] = [
  ['new', 4],
  ['open', 8],
  ['working', 6],
  ['pending_internal', 3],
  ['pending_closure', 3],
  ['on_hold', 1],
  ['closed', 75],
];
const LEVEL_MIX: [SeverityLevel, number][] = [
  [0, 5],
  [1, 15],
  [2, 40],
  [3, 40],
];
const AGENTS = Array.from({ length: 20 }, (_, i) => `agent${i}@support.example`);
const SELLERS = Array.from({ length: 200 }, (_, i) => `seller-${i}`);

export interface QueueRow {
  cases: number;
  view: string;
  /** Query calls for one page of 20 (first page). */
  queries: number;
  /** Read capacity one page consumed (ReturnConsumedCapacity TOTAL, DynamoDB Local's reckoning). */
  readUnits: number;
  p50Ms: number;
  p90Ms: number;
}

const pick = <T>(weighted: [T, number][], r: number): T => {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let x = r * total;
  for (const [v, w] of weighted) {
    x -= w;
    if (x < 0) return v;
  }
  return (weighted.at(-1) as [T, number])[0];
};

/**
 * The agents' queue views on DynamoDB Local at each size in `sizes` (case items made by the store's own
 * mapping, written in batches): Query calls and read units per page of 20, and latency, with the whole queue read both
 * ways — the open/closed index (two partitions) and the status × level partitions it replaced (28).
 */
export async function benchQueue(sizes: number[], reads = 15): Promise<QueueRow[]> {
  const dynamo = await startDynamoDbLocal();
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
  const documents = createDocumentClient(client);
  let queries = 0;
  let readUnits = 0;
  documents.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string; IndexName?: string };
      if ('KeyConditionExpression' in input) {
        queries++;
        input.ReturnConsumedCapacity = 'TOTAL';
      }
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
      readUnits += consumed?.CapacityUnits ?? 0;
      return out;
    },
    { step: 'initialize', name: 'countQueries' },
  );
  const policy = createSlaPolicy();
  const rows: QueueRow[] = [];
  try {
    let loaded = 0;
    const tableName = 'casewatch-queue-bench';
    await createTable(client, tableName);
    const store = createCaseStore({
      client: documents,
      tableName,
      policy,
      cursorKey: 'bench-cursor-key-32-bytes-long!!',
    });
    const reader = createPageReader({
      client: documents,
      tableName,
      cursors: createCursorCodec('bench-cursor-key-32-bytes-long!!'),
    });
    let seed = 7;
    /** A fixed-seed generator (Park–Miller), so every run loads the same mix. */
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const start = Date.parse('2026-11-02T17:00:00Z');
    for (const size of [...sizes].sort((a, b) => a - b)) {
      for (; loaded < size; loaded += 100) {
        const items = Array.from({ length: Math.min(100, size - loaded) }, (_, k) => {
          const n = loaded + k;
          const at = toInstant(new Date(start + n * 37_000));
          const seller = random() < 0.6;
          const level = pick(LEVEL_MIX, random());
          const status = pick(STATUS_MIX, random());
          const id = `01BENCH${String(n).padStart(19, '0')}`;
          const base = newCase(
            seller
              ? { type: 'seller', subject: `Case ${n}`, description: 'Webhooks down.' }
              : {
                  type: 'consumer',
                  subject: `Case ${n}`,
                  description: 'Charged twice.',
                  email: `buyer${n % 5000}@example.com`,
                  orderNumber: `FS-${n}`,
                  billingDescriptor: 'FSPRG',
                },
            {
              id,
              number: caseNumberFrom(new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255])),
              channel: 'api',
              openedAt: at,
              requester: seller
                ? {
                    email: `ops@${SELLERS[n % SELLERS.length]}.example`,
                    sellerId: SELLERS[n % SELLERS.length] as string,
                  }
                : { email: `buyer${n % 5000}@example.com`, sellerId: null },
            },
          );
          const c = {
            ...base,
            status,
            severity: { ...base.severity, level },
            assignee: status === 'new' ? null : (AGENTS[n % AGENTS.length] as string),
          };
          // The store's own item mapping (every list index key as a case write sets it); written in
          // batches, since 100,000 transactions would take DynamoDB Local most of an hour.
          return caseToItem(c, policy);
        });
        await Promise.all(
          [0, 25, 50, 75].map(async (from) => {
            let batch = items.slice(from, from + 25).map((Item) => ({ PutRequest: { Item } }));
            while (batch.length > 0) {
              const out = await documents.send(
                new BatchWriteCommand({ RequestItems: { [tableName]: batch } }),
              );
              batch = (out.UnprocessedItems?.[tableName] ?? []) as typeof batch;
            }
          }),
        );
      }
      const measure = async (view: string, read: () => Promise<unknown>) => {
        const ms: number[] = [];
        let q = 0;
        let ru = 0;
        for (let i = 0; i < reads; i++) {
          queries = 0;
          readUnits = 0;
          const t0 = performance.now();
          await read();
          ms.push(performance.now() - t0);
          q = queries;
          ru = readUnits;
        }
        rows.push({
          cases: size,
          view,
          queries: q,
          readUnits: round(ru, 1),
          p50Ms: round(percentile(ms, 50)),
          p90Ms: round(percentile(ms, 90)),
        });
      };
      const page = { limit: 20 };
      const views: [string, CaseQuery][] = [
        ['whole queue (open/closed index)', {}],
        ['one status (open)', { status: 'open' }],
        ['one severity (1)', { severity: 1 }],
        ['one assignee', { assignee: AGENTS[3] as string }],
        ["a seller's cases", { sellerId: SELLERS[5] as string }],
      ];
      for (const [view, q] of views) await measure(view, () => store.list(q, page));
      // What the whole queue cost before: every status × level partition of the queue index, merged.
      const before: ReadPlan = {
        fingerprint: queryFingerprint(['bench-before']),
        index: GLOBAL_INDEXES.queue,
        partitions: CASE_STATUSES.flatMap((s) => SEVERITY_LEVELS.map((l) => keys.queue(s, l))),
        filter: [],
        position: /.*/,
        startKey: () => ({}),
      };
      await measure('whole queue (28 status × level partitions, before)', () => reader.read(before, page));
    }
  } finally {
    client.destroy();
    await dynamo.stop();
  }
  return rows;
}
