import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers; each assertion checks the shape it needs.
export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  token?: string | undefined;
  caseToken?: string | undefined;
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** A running local runtime on free ports, and a small client for its API. */
export class LocalApi {
  private constructor(public readonly runtime: LocalRuntime) {}

  public static async start(options: { clock?: 'system' | 'manual'; start?: Date } = {}): Promise<LocalApi> {
    const runtime = await startLocalRuntime({
      port: 0,
      dynamodbPort: 0,
      sesPort: 0,
      clock: options.clock ?? 'manual',
      start: options.start ?? new Date('2026-11-30T17:00:00Z'),
    });
    return new LocalApi(runtime);
  }

  public stop(): Promise<void> {
    return this.runtime.stop();
  }

  // biome-ignore lint/suspicious/noExplicitAny: see ApiAnswer.
  public async call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.caseToken) headers['x-case-token'] = options.caseToken;
    let body: string | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.runtime.apiUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  public async token(role: 'seller' | 'agent' | 'lead', email: string, sellerId?: string): Promise<string> {
    const answer = await this.call('POST', '/_local/tokens', { body: { role, email, sellerId } });
    if (answer.status !== 200) throw new Error(`token: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.token as string;
  }
}

export const consumerCase = (overrides: Record<string, unknown> = {}) => ({
  type: 'consumer',
  subject: 'Charged twice',
  description: 'My statement shows double billing.',
  email: 'buyer@example.com',
  orderNumber: 'FS-123',
  billingDescriptor: 'FSPRG*ACME',
  ...overrides,
});

export const sellerCase = (overrides: Record<string, unknown> = {}) => ({
  type: 'seller',
  subject: 'Webhook not firing',
  description: 'order.completed webhooks stopped at 10:00.',
  ...overrides,
});
