import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { startLocalRuntime } from '../local/runtime.ts';
import { RUNTIME_TABLE_SUFFIX } from '../local/runtime-table.ts';

/** us-east-1 list prices (December 2026) the bill is reckoned at. */
export const PRICES_USD = {
  /** DynamoDB on demand, per million write / read request units. */
  writeUnitsPerMillion: 0.625,
  readUnitsPerMillion: 0.125,
  /** API Gateway HTTP API, per million requests. */
  httpApiPerMillion: 1.0,
  /** Lambda, per million requests (duration not counted here). */
  lambdaPerMillion: 0.2,
  /** SES, per thousand mails. */
  sesPerThousand: 0.1,
  /** EventBridge Scheduler, per million schedule invocations (API calls to manage them are free). */
  schedulerPerMillion: 1.0,
} as const;

/** DynamoDB operations that consume write units; the others read. */
const isWrite = (operation: string) => /Put|Update|Delete|Write/.test(operation);

export interface BillReport {
  steps: string[];
  dynamodb: { operations: Record<string, number>; writeUnits: number; readUnits: number };
  apiRequests: number;
  timerInvocations: number;
  mails: number;
  usd: { dynamodb: number; api: number; lambda: number; ses: number; scheduler: number; total: number };
}

/**
 * Every AWS operation one case makes over a realistic life, counted on the local runtime: a proxy in front
 * of DynamoDB Local records each operation on the case table and the capacity it consumed (stream reads
 * are Lambda's own poller, free in AWS; the local scheduler's table stands in for EventBridge Scheduler
 * and is not counted as DynamoDB); API requests, timers fired and mails sent from the runtime itself.
 */
export async function benchBill(): Promise<BillReport> {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const dynamo = await startDynamoDbLocal();
  const upstream = new URL(dynamo.endpoint);
  const operations: Record<string, number> = {};
  let counting = false;
  let writeUnits = 0;
  let readUnits = 0;
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.split('.')[1] ?? '?';
      const text = body.toString();
      let parsed: Record<string, unknown> | null = null;
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // Not JSON: forwarded as it is, not counted.
      }
      const caseTable =
        target.startsWith('DynamoDB_20120810') &&
        !text.includes(RUNTIME_TABLE_SUFFIX) &&
        operation !== 'DescribeTable';
      const counted = counting && caseTable && parsed !== null ? parsed : null;
      if (counted) {
        operations[operation] = (operations[operation] ?? 0) + 1;
        counted.ReturnConsumedCapacity = 'TOTAL';
        body = Buffer.from(JSON.stringify(counted));
      }
      const headers = { ...req.headers, 'content-length': String(body.length), host: upstream.host };
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          const back: Buffer[] = [];
          answer.on('data', (c: Buffer) => back.push(c));
          answer.on('end', () => {
            const out = Buffer.concat(back);
            if (counted) {
              try {
                const json = JSON.parse(out.toString()) as { ConsumedCapacity?: unknown };
                const all = Array.isArray(json.ConsumedCapacity)
                  ? json.ConsumedCapacity
                  : [json.ConsumedCapacity];
                for (const c of all as (
                  | { CapacityUnits?: number; WriteCapacityUnits?: number; ReadCapacityUnits?: number }
                  | undefined
                )[]) {
                  if (!c) continue;
                  if (isWrite(operation)) writeUnits += c.WriteCapacityUnits ?? c.CapacityUnits ?? 0;
                  else readUnits += c.ReadCapacityUnits ?? c.CapacityUnits ?? 0;
                }
              } catch {
                // Not JSON: nothing to add.
              }
            }
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            res.end(out);
          });
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const runtime = await startLocalRuntime({
    port: 0,
    dynamodbPort: 0,
    sesPort: 0,
    clock: 'manual',
    start: new Date('2026-11-30T17:00:00.000Z'),
    dynamodbEndpoint: proxyUrl,
  });
  let apiRequests = 0;
  let timerInvocations = 0;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const local = path.startsWith('/_local');
    if (!local) apiRequests++;
    const response = await fetch(`${runtime.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    if (local && Array.isArray(json.fired)) timerInvocations += json.fired.length;
    return json;
  };
  const steps: string[] = [];
  try {
    const agent = (await call('POST', '/_local/tokens', { role: 'agent', email: 'ann@support.example' }))
      .token as string;
    const staff = { authorization: `Bearer ${agent}` };
    counting = true;
    const step = async (name: string, run: () => Promise<unknown>) => {
      await run();
      await call('POST', '/_local/clock', { advance: 'PT1M' });
      steps.push(name);
    };
    let id = '';
    let buyer: Record<string, string> = {};
    await step('open (buyer, API)', async () => {
      const c = await call('POST', '/cases', {
        type: 'consumer',
        subject: 'Charged twice',
        description: 'My statement shows the same charge twice.',
        email: 'pat@example.net',
        orderNumber: 'FS-1',
        billingDescriptor: 'FSPRG*ACME',
      });
      id = c.id as string;
      buyer = { 'x-case-token': c.caseToken as string };
    });
    await step('agent reads the queue and the case', async () => {
      await call('GET', '/cases?limit=20', undefined, staff);
      await call('GET', `/cases/${id}`, undefined, staff);
      await call('GET', `/cases/${id}/events`, undefined, staff);
    });
    await step('assign', () => call('PUT', `/cases/${id}/assignee`, { agent: 'ann@support.example' }, staff));
    await step('agent replies', () =>
      call('POST', `/cases/${id}/messages`, { body: 'Looking into it.' }, staff),
    );
    await step('buyer reads and replies', async () => {
      await call('GET', `/cases/${id}`, undefined, buyer);
      await call('GET', `/cases/${id}/events`, undefined, buyer);
      await call('POST', `/cases/${id}/messages`, { body: 'Thanks, here is my receipt number R-1.' }, buyer);
    });
    await step('internal note', () =>
      call('POST', `/cases/${id}/messages`, { body: 'Refund R-88.', internal: true }, staff),
    );
    await step('severity change', () =>
      call('PUT', `/cases/${id}/severity`, { level: 1, reason: 'double charge' }, staff),
    );
    await step('agent replies again', () =>
      call('POST', `/cases/${id}/messages`, { body: 'Refunded.' }, staff),
    );
    await step('pending closure', () =>
      call(
        'POST',
        `/cases/${id}/status`,
        { status: 'pending_closure', note: 'Resolved?', public: true },
        staff,
      ),
    );
    await step('five quiet days: auto-close, survey mailed', () =>
      call('POST', '/_local/clock', { advance: 'P6D' }),
    );
    await step('buyer answers the survey', () =>
      call('POST', `/cases/${id}/survey`, { ratings: { overall: 5, timeliness: 4, friendliness: 5 } }, buyer),
    );
    counting = false;
    const mails = ((await call('GET', '/_local/mail/sent')).sent as unknown[]).length;
    const dyn =
      (writeUnits * PRICES_USD.writeUnitsPerMillion + readUnits * PRICES_USD.readUnitsPerMillion) / 1e6;
    const api = (apiRequests * PRICES_USD.httpApiPerMillion) / 1e6;
    // Every API request is one Lambda invocation, every timer one, and the stream function about one per write.
    const writes = Object.entries(operations)
      .filter(([op]) => isWrite(op))
      .reduce((s, [, n]) => s + n, 0);
    const lambda = ((apiRequests + timerInvocations + writes) * PRICES_USD.lambdaPerMillion) / 1e6;
    const ses = (mails * PRICES_USD.sesPerThousand) / 1e3;
    const scheduler = (timerInvocations * PRICES_USD.schedulerPerMillion) / 1e6;
    return {
      steps,
      dynamodb: { operations, writeUnits, readUnits },
      apiRequests,
      timerInvocations,
      mails,
      usd: { dynamodb: dyn, api, lambda, ses, scheduler, total: dyn + api + lambda + ses + scheduler },
    };
  } finally {
    await runtime.stop();
    proxy.close();
    await dynamo.stop();
  }
}
