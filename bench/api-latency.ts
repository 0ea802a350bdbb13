import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CLIENT_CONFIG } from '../local/dynamodb-local.ts';
import { type LocalRuntime, startLocalRuntime } from '../local/runtime.ts';
import { createCaseStore, createDocumentClient } from '../shared/adapters/dynamodb/case-store.ts';
import { systemClock } from '../shared/adapters/system-clock.ts';
import { createUlidIds } from '../shared/adapters/ulid-ids.ts';
import { caseNumberFrom, newCase, type OpenCaseInput } from '../shared/domain/case.ts';
import { toInstant } from '../shared/domain/instant.ts';
import { createSlaPolicy } from '../shared/domain/sla-policy.ts';
import type { TimelineEvent } from '../shared/domain/timeline.ts';
import { consumerCase } from '../test/e2e/support/local-api.ts';
import { mean, percentile, round } from './stats.ts';

export interface LatencyRow {
  operation: 'create' | 'get' | 'list';
  /** `api`: HTTP through the local gateway and the Lambda handler; `store`: the case store on DynamoDB Local. */
  path: 'api' | 'store';
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  samples: number;
}

export interface LatencyReport {
  warmup: number;
  rows: LatencyRow[];
  /** API p50 minus store p50, per operation: what the gateway, middy stack, auth and JSON add. */
  overheadP50Ms: Record<LatencyRow['operation'], number>;
}

/** The same consumer case the e2e tests open. */
const CONSUMER_CASE = consumerCase() as OpenCaseInput;

type Timed = () => Promise<void>;

function summarise(operation: LatencyRow['operation'], path: LatencyRow['path'], ms: number[]): LatencyRow {
  return {
    operation,
    path,
    p50Ms: round(percentile(ms, 50)),
    p99Ms: round(percentile(ms, 99)),
    meanMs: round(mean(ms)),
    samples: ms.length,
  };
}

/**
 * Runs the API call and its raw store counterpart in turns (alternating which goes first), so both see
 * the same table size, JIT state and background load; sequential, one request in flight.
 */
async function pair(
  warmup: number,
  samples: number,
  api: Timed,
  store: Timed,
): Promise<[number[], number[]]> {
  const apiMs: number[] = [];
  const storeMs: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const order: [Timed, number[]][] = [
      [api, apiMs],
      [store, storeMs],
    ];
    if (i % 2 === 1) order.reverse();
    for (const [fn, into] of order) {
      const t0 = performance.now();
      await fn();
      const ms = performance.now() - t0;
      if (i >= warmup) into.push(ms);
    }
  }
  return [apiMs, storeMs];
}

/**
 * Latency of create / get / list through the whole local system (HTTP → local API Gateway → the Lambda
 * handler → DynamoDB Local), next to the case-store calls the same operations make, straight to DynamoDB Local.
 * An unfiltered list page is one query per status × severity partition (28), so it takes fewer samples to
 * keep `npm run bench` short.
 */
export async function benchApiLatency(warmup = 20, samples = 200, listSamples = 100): Promise<LatencyReport> {
  // Each create publishes a CaseOpened EMF line; hundreds of them would bury the tables.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const runtime = await startLocalRuntime({ port: 0, dynamodbPort: 0, sesPort: 0, clock: 'system' });
  try {
    return await measure(runtime, warmup, samples, listSamples);
  } finally {
    await runtime.stop();
  }
}

/** The three operations against a running runtime; the store shares its DynamoDB Local and table. */
async function measure(
  runtime: LocalRuntime,
  warmup: number,
  samples: number,
  listSamples: number,
): Promise<LatencyReport> {
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: runtime.dynamodbEndpoint });
  try {
    const policy = createSlaPolicy();
    const store = createCaseStore({
      client: createDocumentClient(client),
      tableName: 'casewatch',
      policy,
      cursorKey: 'bench-cursor-key-0123456789abcdef',
    });
    const ids = createUlidIds(systemClock);

    const call = async (method: string, path: string, expect: number, token?: string, body?: unknown) => {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${runtime.apiUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status !== expect) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text;
    };
    const token = (
      JSON.parse(
        await call('POST', '/_local/tokens', 200, undefined, {
          role: 'agent',
          email: 'agent@support.example',
        }),
      ) as { token: string }
    ).token;

    // Every case created here, by either path, is read back by `get`.
    const caseIds: string[] = [];
    const [createApi, createStore] = await pair(
      warmup,
      samples,
      async () => {
        caseIds.push(
          (JSON.parse(await call('POST', '/cases', 201, undefined, CONSUMER_CASE)) as { id: string }).id,
        );
      },
      async () => {
        // What openCase hands the store: the new case and its case.opened event.
        const openedAt = toInstant(systemClock.now());
        const c = newCase(CONSUMER_CASE, {
          id: ids.next(),
          number: caseNumberFrom(ids.caseNumberEntropy()),
          channel: 'api',
          openedAt,
          requester: { email: null, sellerId: null },
        });
        const opened: TimelineEvent = {
          id: ids.next(),
          caseId: c.id,
          at: openedAt,
          actor: { role: 'consumer', id: c.requester.email ?? 'consumer' },
          type: 'case.opened',
          channel: 'api',
        };
        if (!(await store.create(c, [opened]))) throw new Error('store.create refused a fresh case');
        caseIds.push(c.id);
      },
    );

    let g = 0;
    const nextId = () => caseIds[g++ % caseIds.length] as string;
    const [getApi, getStore] = await pair(
      warmup,
      samples,
      async () => {
        await call('GET', `/cases/${nextId()}`, 200, token);
      },
      async () => {
        if (!(await store.get(nextId()))) throw new Error('store.get found no case');
      },
    );

    const [listApi, listStore] = await pair(
      warmup,
      listSamples,
      async () => {
        await call('GET', '/cases?limit=20', 200, token);
      },
      async () => {
        const page = await store.list({}, { limit: 20 });
        if (page.items.length !== 20) throw new Error(`store.list returned ${page.items.length} cases`);
      },
    );

    const rows = [
      summarise('create', 'api', createApi),
      summarise('create', 'store', createStore),
      summarise('get', 'api', getApi),
      summarise('get', 'store', getStore),
      summarise('list', 'api', listApi),
      summarise('list', 'store', listStore),
    ];
    const p50 = (operation: LatencyRow['operation'], path: LatencyRow['path']) =>
      rows.find((r) => r.operation === operation && r.path === path)?.p50Ms ?? Number.NaN;
    return {
      warmup,
      rows,
      overheadP50Ms: {
        create: round(p50('create', 'api') - p50('create', 'store')),
        get: round(p50('get', 'api') - p50('get', 'store')),
        list: round(p50('list', 'api') - p50('list', 'store')),
      },
    };
  } finally {
    client.destroy();
  }
}
