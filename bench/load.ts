import autocannon from 'autocannon';
import { startLocalRuntime } from '../local/runtime.ts';
import { round } from './stats.ts';

export interface LoadRow {
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  requests: number;
}

const CONNECTIONS = 20;

/**
 * What 20 clients at once get from the local runtime (the Lambda handlers behind the local gateway, on
 * DynamoDB Local), `seconds` per scenario: one case, the agents' default queue, opening cases, and
 * messages to one hot case (409s under contention are counted, not hidden).
 */
export async function benchLoad(seconds = 30, seedCases = 200): Promise<LoadRow[]> {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const runtime = await startLocalRuntime({ port: 0, dynamodbPort: 0, sesPort: 0, clock: 'system' });
  const url = runtime.apiUrl;
  const json = async (method: string, path: string, body: unknown, token?: string) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const newCase = (n: number) => ({
    type: 'consumer',
    subject: `Charged twice ${n}`,
    description: 'My statement shows double billing.',
    email: `buyer${n}@example.com`,
    orderNumber: `FS-${n}`,
    billingDescriptor: 'FSPRG*ACME',
  });
  try {
    const { token } = (await json('POST', '/_local/tokens', {
      role: 'agent',
      email: 'ann@support.example',
    })) as {
      token: string;
    };
    let one = '';
    for (let i = 0; i < seedCases; i += 20) {
      const opened = await Promise.all(
        Array.from({ length: 20 }, (_, k) => json('POST', '/cases', newCase(i + k))),
      );
      one ||= (opened[0] as { id: string }).id;
    }
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    let n = 100_000;
    const scenarios: [string, autocannon.Options][] = [
      ['GET one case', { url: `${url}/cases/${one}`, headers: auth }],
      ['GET the default queue (limit 20)', { url: `${url}/cases?limit=20`, headers: auth }],
      [
        'POST a new case',
        {
          url: `${url}/cases`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupClient: (client) => {
            client.setBody(JSON.stringify(newCase(n++)));
            client.on('response', () => client.setBody(JSON.stringify(newCase(n++))));
          },
        },
      ],
      [
        'POST a message to one hot case',
        {
          url: `${url}/cases/${one}/messages`,
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ body: 'Looking into it.', internal: true }),
        },
      ],
    ];
    const rows: LoadRow[] = [];
    for (const [scenario, options] of scenarios) {
      const result = await autocannon({ ...options, connections: CONNECTIONS, duration: seconds });
      rows.push({
        scenario,
        requestsPerSecond: round(result.requests.average, 1),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        requests: result.requests.total,
      });
    }
    return rows;
  } finally {
    await runtime.stop();
  }
}
