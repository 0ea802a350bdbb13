import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { JWK } from 'jose';
import * as z from 'zod';
import { createDynamoAutoReplyLimiter } from '../shared/adapters/dynamodb/auto-reply-limiter.ts';
import { createCaseStore, createDocumentClient } from '../shared/adapters/dynamodb/case-store.ts';
import { createDynamoSentMailLedger } from '../shared/adapters/dynamodb/sent-mail-ledger.ts';
import { addressList } from '../shared/adapters/email/mail-notifier.ts';
import { parseReplyAddress } from '../shared/adapters/email/reply-address.ts';
import { recordMetric } from '../shared/adapters/powertools/observability.ts';
import { deriveKey } from '../shared/adapters/secret-keys.ts';
import { systemClock } from '../shared/adapters/system-clock.ts';
import { createCaseTokens } from '../shared/adapters/tokens/case-tokens.ts';
import { createJwtVerifier } from '../shared/adapters/tokens/jwt-verifier.ts';
import { createSurveyTokens } from '../shared/adapters/tokens/survey-tokens.ts';
import { createUlidIds } from '../shared/adapters/ulid-ids.ts';
import type { CoreDeps } from '../shared/app/deps.ts';
import { parseInstant } from '../shared/domain/instant.ts';
import { DEFAULT_BREADTH_THRESHOLDS } from '../shared/domain/severity.ts';
import { createSlaPolicy } from '../shared/domain/sla-policy.ts';
import type { ApiDeps } from '../shared/http/api-handler.ts';
import type { RouteGroup } from '../shared/http/routes.ts';
import type { Clock } from '../shared/ports/clock.ts';
import { createLocalBlobStore } from './blob-store.ts';
import { ManualClock, parseDuration } from './clock.ts';
import { createTable, LOCAL_CLIENT_CONFIG, startDynamoDbLocal } from './dynamodb-local.ts';
import { createGateway, type LambdaHandler, type LocalRoutes } from './gateway.ts';
import { createLocalIdentity } from './local-jwt.ts';
import { createLocalTimers } from './local-timers.ts';
import {
  createLocalInbound,
  createLocalMailArchive,
  createLocalSellerDirectory,
  startSmtpServer,
} from './mail-inbound.ts';
import { createMetricsTally } from './metrics-tally.ts';

export interface LocalRuntimeOptions {
  /** 0 picks a free port (tests); SPEC §8 defaults are 3000 / 8000 / 8005. */
  port: number;
  dynamodbPort: number;
  sesPort: number;
  /** Inbound SMTP (SPEC §8 default 2525); 0 picks a free port. */
  smtpPort?: number;
  /** Keep data (table, keys, blobs) here across restarts; absent: in memory. */
  dataDir?: string | undefined;
  /** `manual`: a virtual clock starting at `start`, moved only by `POST /_local/clock`. */
  clock: 'system' | 'manual';
  start?: Date | undefined;
  tableName?: string;
}

export interface LocalRuntime {
  apiUrl: string;
  sesUrl: string;
  dynamodbEndpoint: string;
  /** `localhost:<port>` of the inbound SMTP server. */
  smtpPort: number;
  /** The domain reply addresses and Message-IDs use (`CASEWATCH_MAIL_DOMAIN`). */
  mailDomain: string;
  clock: Clock;
  stop(): Promise<void>;
}

/** Where local mail says it comes from and where replies go (any domain works: nothing leaves the machine). */
const LOCAL_MAIL_DOMAIN = 'mail.casewatch.localhost';

const TokenRequestSchema = z.strictObject({
  role: z.enum(['seller', 'agent', 'lead']),
  email: z.email(),
  sellerId: z.string().min(1).max(128).optional(),
  agentId: z.string().min(1).max(128).optional(),
});

const ClockRequestSchema = z.union([
  z.strictObject({ advance: z.string() }),
  z.strictObject({ set: z.string() }),
]);

type LocalAnswer = { status: number; body: unknown };

const invalid = (detail: string): LocalAnswer => ({
  status: 400,
  body: { title: 'Invalid request', detail },
});

/** Where `POST /_local/clock` asks the clock to go (a duration ahead, or an instant), or why it cannot. */
function clockTarget(request: z.infer<typeof ClockRequestSchema>, now: Date): Date | LocalAnswer {
  if ('advance' in request) {
    const ms = parseDuration(request.advance);
    return ms === null
      ? invalid(`not an ISO 8601 duration: ${request.advance}`)
      : new Date(now.getTime() + ms);
  }
  const at = parseInstant(request.set);
  return at === null ? invalid(`not an ISO instant: ${request.set}`) : new Date(at);
}

interface SavedKeys {
  secret: string;
  jwtPrivateKey: JWK;
}

/** The signing secret and JWT key survive a restart with a data dir, so issued tokens stay valid. */
async function loadKeys(dataDir: string | undefined, fresh: () => Promise<SavedKeys>): Promise<SavedKeys> {
  if (!dataDir) return fresh();
  const file = join(dataDir, 'local-keys.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SavedKeys;
  } catch {
    const keys = await fresh();
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(keys), { mode: 0o600 });
    return keys;
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((ok) => {
    server.close(() => ok());
    server.closeAllConnections();
  });
}

/**
 * Everything SPEC §8 asks of `npm start`, on one machine: DynamoDB Local with the CDK table, the SES
 * inbox, the API served by the Lambda handlers themselves through a local API Gateway, and the stream
 * and timer handlers driven by a local stream poller and scheduler (`local-timers.ts`).
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  // Powertools reads its settings when the handler modules load: quiet logs, no X-Ray off Lambda.
  process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'casewatch';
  process.env.AWS_LAMBDA_LOG_LEVEL ??= 'WARN';

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const clock: Clock =
      options.clock === 'manual' ? new ManualClock(options.start ?? new Date()) : systemClock;
    const dynamo = await startDynamoDbLocal({ port: options.dynamodbPort, dataDir: options.dataDir });
    stops.push(() => dynamo.stop());
    const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    stops.push(async () => client.destroy());
    const tableName = options.tableName ?? 'casewatch';
    await createTable(client, tableName);

    const { default: sesServer } = (await import('aws-ses-v2-local')) as unknown as {
      default: (config: { port: number; host?: string }) => Promise<Server>;
    };
    const ses = await sesServer({ port: options.sesPort, host: '127.0.0.1' });
    stops.push(() => close(ses));
    const sesPort = (ses.address() as AddressInfo).port;
    const sesUrl = `http://localhost:${sesPort}`;

    const keys = await loadKeys(options.dataDir, async () => {
      const identity = await createLocalIdentity();
      return { secret: randomBytes(32).toString('base64'), jwtPrivateKey: identity.privateJwk };
    });
    const identity = await createLocalIdentity(keys.jwtPrivateKey);
    const verifier = createJwtVerifier({
      keys: identity.keys,
      issuer: identity.issuer,
      audience: identity.audience,
    });

    let apiUrl = '';
    const blobs = createLocalBlobStore({
      baseUrl: () => apiUrl,
      key: deriveKey(keys.secret, 'local-blob-url'),
      dataDir: options.dataDir,
      clock,
    });
    const policy = createSlaPolicy();
    const caseTokenKey = deriveKey(keys.secret, 'case-token');
    const surveyKey = deriveKey(keys.secret, 'survey');
    const replyKey = deriveKey(keys.secret, 'reply-address');
    const documents = createDocumentClient(client);
    // One ledger in the case table for the stream's mail and metrics and for inbound mail, as in AWS.
    const ledger = createDynamoSentMailLedger({ client: documents, tableName });
    const core: CoreDeps = {
      store: createCaseStore({
        client: documents,
        tableName,
        policy,
        cursorKey: deriveKey(keys.secret, 'cursor'),
      }),
      clock,
      ids: createUlidIds(clock),
      policy,
      thresholds: DEFAULT_BREADTH_THRESHOLDS,
    };
    const deps = {
      ...core,
      caseTokens: createCaseTokens(async () => caseTokenKey),
      surveyTokens: createSurveyTokens(async () => surveyKey, clock),
      blobs: blobs.store,
      jwtVerifier: verifier,
      idempotencyStore: new DynamoDBPersistenceLayer({
        tableName,
        keyAttr: 'pk',
        sortKeyAttr: 'sk',
        awsSdkV3Client: client,
      }),
    } satisfies ApiDeps & Record<string, unknown>;

    // The same handler modules Lambda loads, wired to local adapters.
    const groups: Record<RouteGroup, LambdaHandler> = {
      'cases-intake': (await import('../functions/cases-intake/app.ts')).createHandler(deps),
      'cases-query': (await import('../functions/cases-query/app.ts')).createHandler(deps),
      'case-requests': (await import('../functions/case-requests/app.ts')).createHandler(deps),
      'case-triage': (await import('../functions/case-triage/app.ts')).createHandler(deps),
    } as Record<RouteGroup, LambdaHandler>;

    const mailDomain = process.env.CASEWATCH_MAIL_DOMAIN || LOCAL_MAIL_DOMAIN;
    // Metrics: EMF lines in the log as in Lambda, and a tally for `GET /_local/metrics`.
    const tally = createMetricsTally();
    const timers = await createLocalTimers({
      recordMetric: (...point) => {
        recordMetric(...point);
        tally.record(...point);
      },
      client,
      documents,
      dynamodbEndpoint: dynamo.endpoint,
      sesEndpoint: `http://127.0.0.1:${sesPort}`,
      tableName,
      core,
      ledger,
      leads: addressList(process.env.LEADS_EMAIL || 'leads@support.example'),
      mail: {
        from: process.env.SENDER_ADDRESS || `casewatch support <support@${mailDomain}>`,
        domain: mailDomain,
        replyKey,
        surveyTokens: deps.surveyTokens,
        surveyUrl: (token) => `${apiUrl}/surveys/${encodeURIComponent(token)}`,
      },
    });
    stops.push(() => timers.stop());

    // Inbound mail: the SES receipt handler Lambda runs, fed by `POST /_local/inbound` and SMTP.
    const sellers = await createLocalSellerDirectory(options.dataDir);
    const archive = createLocalMailArchive({ dataDir: options.dataDir, ids: core.ids });
    const { createHandler: createInboundHandler } = await import('../functions/mail-inbound/app.ts');
    const inbound = createLocalInbound((fetchRaw) =>
      createInboundHandler({
        ...deps,
        archive: archive.archive,
        sellers: sellers.directory,
        limiter: createDynamoAutoReplyLimiter({ client: documents, tableName }),
        ledger,
        mailDomain,
        caseOfReplyAddress: (address) => parseReplyAddress(address, replyKey, mailDomain),
        fetchRaw,
      }),
    );
    /** Mail feeds the stream like an API write: let its reactions (acknowledgments…) run before answering. */
    const receive = async (raw: Buffer, recipients: string[] = []) => {
      const results = await inbound.receive(raw, recipients);
      await timers.drain();
      return results;
    };
    const smtp = await startSmtpServer(options.smtpPort ?? 0, receive);
    stops.push(() => smtp.stop());

    const localRoutes: LocalRoutes = async (method, url, body, headers) => {
      const path = url.pathname;
      const parseJson = () => {
        try {
          return JSON.parse(body.toString('utf8') || '{}') as unknown;
        } catch {
          return undefined;
        }
      };
      if (method === 'POST' && path === '/_local/tokens') {
        const parsed = TokenRequestSchema.safeParse(parseJson());
        if (!parsed.success)
          return { status: 400, body: { title: 'Invalid request', errors: parsed.error.issues } };
        if (parsed.data.role === 'seller' && !parsed.data.sellerId)
          return invalid('a seller token needs a sellerId');
        // Sellers known to casewatch: inbound mail from this address opens seller cases (Cognito's role in AWS).
        if (parsed.data.role === 'seller' && parsed.data.sellerId)
          await sellers.remember(parsed.data.email, parsed.data.sellerId);
        return { status: 200, body: { token: await identity.issue(parsed.data) } };
      }
      if (method === 'GET' && path === '/_local/clock')
        return { status: 200, body: { now: clock.now().toISOString(), fired: [] } };
      if (method === 'POST' && path === '/_local/clock') {
        if (!(clock instanceof ManualClock)) {
          return {
            status: 409,
            body: { title: 'Conflict', detail: 'start with CASEWATCH_CLOCK=manual to move the clock' },
          };
        }
        const parsed = ClockRequestSchema.safeParse(parseJson());
        if (!parsed.success) return invalid('send { "advance": "PT4H" } or { "set": "<ISO instant>" }');
        const target = clockTarget(parsed.data, clock.now());
        if (!(target instanceof Date)) return target;
        // Backwards is a plain jump; forwards the loop steps the clock through each due timer.
        if (target.getTime() < clock.now().getTime()) clock.set(target);
        const fired = await timers.settle(target);
        return { status: 200, body: { now: clock.now().toISOString(), fired } };
      }
      if (method === 'POST' && path === '/_local/inbound') {
        if (body.length === 0) return invalid('send a raw RFC 5322 message');
        const to = url.searchParams.getAll('to');
        return { status: 200, body: { results: await receive(body, to) } };
      }
      if (method === 'GET' && path === '/_local/metrics')
        return {
          status: 200,
          body: { now: clock.now().toISOString(), backlog: await core.store.backlog(), ...tally.summary() },
        };
      if (method === 'GET' && path === '/_local/mail/archive')
        return { status: 200, body: { archived: archive.list() } };
      if (method === 'GET' && path === '/_local/timers')
        return { status: 200, body: { now: clock.now().toISOString(), ...(await timers.list()) } };
      if (method === 'PUT' && path.startsWith('/_local/blobs/')) {
        const status = await blobs.receive(path, url.searchParams, body, headers['content-type']);
        return { status, body: status === 200 ? { stored: true } : { title: 'Upload refused' } };
      }
      return null;
    };

    const gateway = createGateway({ handlers: groups, verifyJwt: (t) => verifier.verify(t), localRoutes });
    const port = await listen(gateway, options.port);
    stops.push(() => close(gateway));
    apiUrl = `http://localhost:${port}`;
    timers.start();
    return {
      apiUrl,
      sesUrl,
      dynamodbEndpoint: dynamo.endpoint,
      smtpPort: smtp.port,
      mailDomain,
      clock,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
