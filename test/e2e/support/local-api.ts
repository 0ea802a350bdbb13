import { randomBytes } from 'node:crypto';
import { createTransport } from 'nodemailer';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { afterAll, beforeAll, inject } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.ts';
import type { components, paths } from '../../../openapi/schema.d.ts';
import { contractViolation } from '../../support/api-contract-check.ts';

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
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface FiredTimer {
  caseId: string;
  kind: string;
  dueAt: string;
  outcome: 'acted' | 'stale' | 'missing' | 'failed' | 'dead-lettered';
  attempt: number;
}

export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** As mailparser saw them: a calendar invitation's `text/calendar` part is one (content in base64). */
  attachments?: { contentType: string; filename?: string; content: string }[];
  at: number;
}

/** A mail as `GET /_local/mail/sent` lists it. */
export interface SentMail {
  providerMessageId: string | null;
  messageId: string;
  to: string[];
  subject: string;
  tags: Record<string, string>;
}

export interface StartOptions {
  clock?: 'system' | 'manual';
  start?: Date;
  dataDir?: string;
  /** Serve the web portal (built once per run) at `/`. */
  portal?: boolean;
}

const uniqueTableName = () => `casewatch-${randomBytes(6).toString('hex')}`;

/**
 * Checks every answer the typed client gets against the API document (as `call` does), so an answer
 * the document does not describe fails the test even where the types cannot see it.
 */
const contractCheck: Middleware = {
  async onResponse({ request, response }) {
    const text = await response.clone().text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: checked as it is.
    }
    const violation = contractViolation(
      request.method,
      new URL(request.url).pathname,
      response.status,
      response.headers.get('content-type'),
      body,
      response.headers,
    );
    if (violation) throw new Error(`the API document does not describe this answer: ${violation}`);
    return response;
  },
};

export type Problem = components['schemas']['Problem'];
/** API Gateway's own answer (its authorizer's 401, a crashed function's 500), not problem+json. */
export type GatewayMessage = components['schemas']['GatewayMessage'];

/**
 * The success body of a typed call; any other answer fails the test, saying what it was. For the calls
 * whose answer a test goes on to use (the case it opened, the page it read).
 */
export function dataOf<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data === undefined) {
    throw new Error(
      `expected a success answer, got ${answer.response.status} ${JSON.stringify(answer.error)}`,
    );
  }
  return answer.data;
}

/** The problem+json of a typed call's error (an error that is API Gateway's own body fails the test). */
export function problemOf(error: unknown): Problem {
  if (error && typeof error === 'object' && 'type' in error && 'status' in error) return error as Problem;
  throw new Error(`expected a problem+json answer, got ${JSON.stringify(error)}`);
}

/** Who is calling, as the headers of a typed request: a bearer JWT, or a buyer's case token. */
export function credential(who: { token?: string; caseToken?: string }): Record<string, string> {
  if (who.token) return { authorization: `Bearer ${who.token}` };
  if (who.caseToken) return { 'x-case-token': who.caseToken };
  return {};
}

/** A running local runtime on free ports, and clients for its API: typed (`client`) and raw (`call`). */
export class LocalApi {
  /** The client generated from the API document: paths, bodies and answers are typed by it. */
  public readonly client: Client<paths>;

  private constructor(public readonly runtime: LocalRuntime) {
    this.client = createClient<paths>({ baseUrl: runtime.apiUrl });
    this.client.use(contractCheck);
  }

  public static async start(options: StartOptions = {}): Promise<LocalApi> {
    const runtime = await startLocalRuntime({
      port: 0,
      dynamodbPort: 0,
      sesPort: 0,
      clock: options.clock ?? 'manual',
      start: options.start ?? new Date('2026-11-30T17:00:00Z'),
      dataDir: options.dataDir,
      ...(options.portal ? { portalDir: inject('portalDir') } : {}),
      // The run's DynamoDB Local, with tables of this runtime's own; a data dir needs its own instance.
      ...(options.dataDir
        ? {}
        : { dynamodbEndpoint: inject('dynamodbEndpoint'), tableName: uniqueTableName() }),
    });
    return new LocalApi(runtime);
  }

  /** `POST /_local/clock { advance }`: answers `{ now, fired }` once every due timer was delivered. */
  public async advance(duration: string): Promise<{ now: string; fired: FiredTimer[] }> {
    const answer = await this.call('POST', '/_local/clock', { body: { advance: duration } });
    if (answer.status !== 200) throw new Error(`clock: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** Mail the local SES inbox holds (aws-ses-v2-local's `GET /store`). */
  public async inbox(): Promise<StoredEmail[]> {
    const response = await fetch(`${this.runtime.sesUrl}/store`);
    if (!response.ok) throw new Error(`SES store: ${response.status}`);
    return ((await response.json()) as { emails: StoredEmail[] }).emails;
  }

  /** Mail to the inbound SMTP server, as a customer's mail client would send it. */
  public async smtp(mail: {
    from: string;
    to: string;
    subject: string;
    text: string;
    inReplyTo?: string;
    references?: string[];
    headers?: Record<string, string>;
    attachments?: { filename: string; content: Buffer; contentType: string }[];
  }): Promise<void> {
    const transport = createTransport({
      host: '127.0.0.1',
      port: this.runtime.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail(mail);
    } finally {
      transport.close();
    }
  }

  /**
   * A raw RFC 5322 message over SMTP, byte for byte, with its own envelope: what a mail server that
   * retries (or delivers one message to several of our addresses) hands over.
   */
  public async smtpRaw(raw: string, envelope: { from: string; to: string[] }): Promise<void> {
    const transport = createTransport({
      host: '127.0.0.1',
      port: this.runtime.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail({ envelope, raw });
    } finally {
      transport.close();
    }
  }

  /** `POST /_local/inbound` with a raw message (`to`: envelope recipients); answers its results. */
  // biome-ignore lint/suspicious/noExplicitAny: see ApiAnswer.
  public async inbound(raw: string, to: string[] = []): Promise<any[]> {
    const query = to.map((t) => `to=${encodeURIComponent(t)}`).join('&');
    const answer = await this.call('POST', `/_local/inbound${query ? `?${query}` : ''}`, {
      rawBody: raw,
      headers: { 'content-type': 'message/rfc822' },
    });
    if (answer.status !== 200) throw new Error(`inbound: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.results;
  }

  /** `GET /_local/mail/sent`: every mail sent, with its Message-ID and SES tags, oldest first. */
  public async sent(): Promise<SentMail[]> {
    return (await this.call('GET', '/_local/mail/sent')).body.sent;
  }

  /** Mail in the SES inbox addressed to `to`, oldest first. */
  public async mailTo(to: string): Promise<StoredEmail[]> {
    return (await this.inbox()).filter((m) => m.destination.to.some((d) => d.includes(to)));
  }

  public stop(): Promise<void> {
    return this.runtime.stop();
  }

  // biome-ignore lint/suspicious/noExplicitAny: see ApiAnswer.
  public async call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.caseToken) headers['x-case-token'] = options.caseToken;
    let body: string | Uint8Array | undefined = options.rawBody;
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
    // Every answer of the API must be one the document describes, whatever the test then checks.
    const violation = contractViolation(
      method,
      new URL(path, 'http://localhost').pathname,
      response.status,
      response.headers.get('content-type'),
      parsed,
      response.headers,
    );
    if (violation) throw new Error(`the API document does not describe this answer: ${violation}`);
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  public async token(role: 'seller' | 'agent' | 'lead', email: string, sellerId?: string): Promise<string> {
    const answer = await this.call('POST', '/_local/tokens', { body: { role, email, sellerId } });
    if (answer.status !== 200) throw new Error(`token: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.token as string;
  }
}

/** The support agent the end-to-end tests act as. */
export const AGENT_EMAIL = 'alice@support.example';

/**
 * A local runtime for the enclosing suite: started before its tests, with a token for the agent
 * (`AGENT_EMAIL`), and stopped after them. `ready` is handed both inside the same `beforeAll` (which
 * allows the two minutes a cold start may take), to keep them and to prepare what the tests share.
 */
export function useLocalApi(
  ready: (started: { api: LocalApi; agent: string }) => void | Promise<void>,
  options: StartOptions = {},
): void {
  let api: LocalApi | undefined;
  beforeAll(async () => {
    api = await LocalApi.start(options);
    await ready({ api, agent: await api.token('agent', AGENT_EMAIL) });
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
  }, 60_000);
}

type NewConsumerCase = components['schemas']['NewConsumerCase'];
type NewSellerCase = components['schemas']['NewSellerCase'];

/** A well-formed consumer case (a test that means to send an invalid one spreads it into its own body). */
export const consumerCase = (overrides: Partial<NewConsumerCase> = {}): NewConsumerCase => ({
  type: 'consumer',
  subject: 'Charged twice',
  description: 'My statement shows double billing.',
  email: 'buyer@example.com',
  orderNumber: 'FS-123',
  billingDescriptor: 'FSPRG*ACME',
  ...overrides,
});

/** A well-formed seller case. */
export const sellerCase = (overrides: Partial<NewSellerCase> = {}): NewSellerCase => ({
  type: 'seller',
  subject: 'Webhook not firing',
  description: 'order.completed webhooks stopped at 10:00.',
  ...overrides,
});
