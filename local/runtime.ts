// First: the log level must be set before any module below makes the logger (see the module).
import './log-level.ts';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { JWK } from 'jose';
import * as z from 'zod';
import { createIdempotencyStore } from '../functions/cases-intake/idempotency-store.ts';
import { createApiDeps } from '../functions/composition.ts';
import { LIST_KEYS_VERSION } from '../shared/adapters/dynamodb/case-items.ts';
import { createDocumentClient } from '../shared/adapters/dynamodb/case-store.ts';
import {
  createDynamoCorrespondents,
  createDynamoSuppressionList,
} from '../shared/adapters/dynamodb/mail-addresses.ts';
import { createDynamoMailBudget } from '../shared/adapters/dynamodb/mail-budget.ts';
import { createDynamoOnceLedger } from '../shared/adapters/dynamodb/once-ledger.ts';
import { reindexCases } from '../shared/adapters/dynamodb/reindex.ts';
import { caseOfSignedMessageIds } from '../shared/adapters/email/message-ids.ts';
import { parseReplyAddress } from '../shared/adapters/email/reply-address.ts';
import { SesFeedbackEventSchema } from '../shared/adapters/email/ses-feedback.ts';
import { recordMetric } from '../shared/adapters/powertools/observability.ts';
import { deriveKey } from '../shared/adapters/secret-keys.ts';
import { systemClock } from '../shared/adapters/system-clock.ts';
import { createJwtVerifier } from '../shared/adapters/tokens/jwt-verifier.ts';
import type { CoreDeps } from '../shared/app/deps.ts';
import type { FieldError } from '../shared/app/errors.ts';
import { parseInstant } from '../shared/domain/instant.ts';
import { createSlaPolicy } from '../shared/domain/sla-policy.ts';
import type { ApiDeps } from '../shared/http/api-handler.ts';
import { problem } from '../shared/http/problem.ts';
import { fieldErrors } from '../shared/http/request.ts';
import type { RouteGroup } from '../shared/http/routes.ts';
import type { Clock } from '../shared/ports/clock.ts';
import { METRICS_NAMESPACE } from '../shared/ports/metrics.ts';
import { createLocalBlobStore, objectCreatedEvent } from './blob-store.ts';
import { createSavedClock, ManualClock, parseDuration } from './clock.ts';
import { LOCAL_MAIL_DOMAIN } from './config.ts';
import { createTable, LOCAL_CLIENT_CONFIG, startDynamoDbLocal } from './dynamodb-local.ts';
import { createGateway, type LambdaHandler, type LocalRoutes, lambdaContext } from './gateway.ts';
import { createLocalIdentity } from './local-jwt.ts';
import { createLocalScheduler } from './local-scheduler.ts';
import { createLocalTimers } from './local-timers.ts';
import {
  createLocalInbound,
  createLocalMailArchive,
  createLocalSellerDirectory,
  startSmtpServer,
} from './mail-inbound.ts';
import { createMetricsTally } from './metrics-tally.ts';
import { createLocalPortal } from './portal.ts';
import { createLocalReactions } from './reactions.ts';
import { createRuntimeTable, keepListKeysCurrent, RUNTIME_TABLE_SUFFIX } from './runtime-table.ts';
import { createLocalStaffDirectory } from './staff-directory.ts';
import { createLocalWebhooks } from './webhooks.ts';

export interface LocalRuntimeOptions {
  /** 0 picks a free port (tests); the defaults `npm start` uses are 3000 / 8000 / 8005 / 2525. */
  port: number;
  dynamodbPort: number;
  sesPort: number;
  /** Inbound SMTP; 0 picks a free port. */
  smtpPort?: number;
  /** Keep data (table, keys, blobs, the manual clock) here across restarts; absent: in memory. */
  dataDir?: string | undefined;
  /** `manual`: a virtual clock starting at `start`, moved only by `POST /_local/clock`. */
  clock: 'system' | 'manual';
  start?: Date | undefined;
  tableName?: string;
  /**
   * A DynamoDB Local already running (tests share one across runtimes, each with its own `tableName`);
   * absent: the runtime starts its own. Not with `dataDir`, whose data lives in the DynamoDB it starts.
   */
  dynamodbEndpoint?: string;
  /** Outbound mail: the domain of reply addresses and Message-IDs, the leads, the `From`. */
  mailDomain?: string;
  leads?: string[];
  senderAddress?: string;
  /** The built web portal to serve at `/` (`buildPortal()`); absent: the API only. */
  portalDir?: string | undefined;
}

export interface LocalRuntime {
  apiUrl: string;
  sesUrl: string;
  dynamodbEndpoint: string;
  /** The case table in that DynamoDB (tests seed it directly). */
  tableName: string;
  /** `localhost:<port>` of the inbound SMTP server. */
  smtpPort: number;
  /** The domain reply addresses and Message-IDs use (`CASEWATCH_MAIL_DOMAIN`). */
  mailDomain: string;
  clock: Clock;
  /** With a data dir and the manual clock: the instant the clock resumed from, when it did. */
  resumedAt: Date | null;
  stop(): Promise<void>;
}

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

type LocalAnswer = { status: number; body: unknown; headers?: Record<string, string> };

/** A refusal of a local route, as problem+json like every error casewatch answers. */
function localProblem(status: number, title: string, detail: string, errors?: FieldError[]): LocalAnswer {
  return {
    status,
    body: problem(status, title, detail, errors),
    headers: { 'content-type': 'application/problem+json' },
  };
}

const invalid = (detail: string, errors?: FieldError[]): LocalAnswer =>
  localProblem(400, 'Invalid request', detail, errors);

/** Where `POST /_local/clock` asks the clock to go (a duration ahead, or an instant), or why it cannot. */
function clockTarget(request: z.infer<typeof ClockRequestSchema>, now: Date): Date | LocalAnswer {
  if ('advance' in request) {
    const ms = parseDuration(request.advance);
    return ms === null
      ? invalid(
          `not a duration the clock can move by: ${request.advance} (ISO 8601 in weeks, days, hours, minutes or seconds, e.g. PT4H or P2D; months and years have no fixed length)`,
        )
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

/** The same document file Lambda bundles, and the renderer from the package Lambda copies it from. */
async function apiDocsHandler() {
  const { createHandler, RENDERER_FILE } = await import('../functions/api-docs/app.ts');
  const document = JSON.parse(await readFile(new URL('../openapi/openapi.json', import.meta.url), 'utf8'));
  const renderer = createRequire(import.meta.url).resolve(`redoc/bundles/${RENDERER_FILE}`);
  return createHandler({ document, renderer: () => readFile(renderer) });
}

/** The runtime's own DynamoDB Local, or the shared one it was handed (which it leaves running). */
async function useDynamoDbLocal(
  options: LocalRuntimeOptions,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  if (options.dynamodbEndpoint === undefined)
    return startDynamoDbLocal({ port: options.dynamodbPort, dataDir: options.dataDir });
  if (options.dataDir !== undefined)
    throw new Error('a data dir needs the runtime to start its own DynamoDB Local');
  return { endpoint: options.dynamodbEndpoint, stop: async () => {} };
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
 * The local runtime's composition root: everything `npm start` runs, on one machine — DynamoDB Local
 * with the CDK table, the SES inbox, the API served by the Lambda handlers themselves through a local
 * API Gateway, the after-write reactions fed by a poller of the table's stream (`reactions.ts`), and
 * the timers a durable local scheduler delivers (`local-timers.ts`).
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  // Quiet logs are set when this module loads (`./log-level.ts`, imported first).
  process.env.POWERTOOLS_METRICS_NAMESPACE ??= METRICS_NAMESPACE;
  // The SDK warns once per process that its 2027 releases need Node 22 (Lambda runs 22 already); the
  // local runtime is told in the README instead of on every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.AWS_LAMBDA_LOG_LEVEL ??= 'WARN';

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const dynamo = await useDynamoDbLocal(options);
    stops.push(() => dynamo.stop());
    const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    stops.push(async () => client.destroy());
    const documents = createDocumentClient(client);
    const tableName = options.tableName ?? 'casewatch';
    const table = await createTable(client, tableName);
    const runtimeTable = `${tableName}${RUNTIME_TABLE_SUFFIX}`;
    await createRuntimeTable(client, runtimeTable);
    // A data folder from before an index, or keyed the way an older version keyed lists: its cases get
    // their keys as this version derives them, or lists would miss them or sort them wrong.
    await keepListKeysCurrent({
      documents,
      runtimeTable,
      table,
      current: LIST_KEYS_VERSION,
      reindex: () => reindexCases({ client: documents, tableName, policy: createSlaPolicy() }),
    });

    // The manual clock resumes where it was with a data dir: jumping back to the wall clock (or to
    // CASEWATCH_START) would make every deadline it already passed due again, or never.
    const savedClock = createSavedClock({ documents, tableName: runtimeTable });
    const resumedAt = options.clock === 'manual' && options.dataDir ? await savedClock.load() : null;
    const clock: Clock =
      options.clock === 'manual' ? new ManualClock(resumedAt ?? options.start ?? new Date()) : systemClock;
    if (clock instanceof ManualClock && options.dataDir) {
      await savedClock.save(clock.now());
      stops.push(() => savedClock.save(clock.now()));
    }

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
    const replyKey = deriveKey(keys.secret, 'reply-address');
    const messageIdKey = deriveKey(keys.secret, 'message-id');
    // One ledger in the case table for the stream's mail and metrics and for inbound mail, as in AWS.
    const once = createDynamoOnceLedger({ client: documents, tableName });
    // Who wrote to us, who may not be mailed, and how much automatic mail is left: in the case table.
    const correspondents = createDynamoCorrespondents({ client: documents, tableName });
    const suppressions = createDynamoSuppressionList({ client: documents, tableName });
    const api = createApiDeps({ documents, tableName, clock, secret: keys.secret, jwtVerifier: verifier });
    const core: CoreDeps = api;
    const mailDomain = options.mailDomain ?? LOCAL_MAIL_DOMAIN;
    const senderAddress = options.senderAddress ?? `casewatch support <support@${mailDomain}>`;
    const leads = options.leads ?? ['leads@support.example'];
    // Case events and webhooks: an in-process bus to the same sender as in AWS (docs/integrations.md#locally).
    const webhooks = createLocalWebhooks({
      documents,
      tableName,
      clock,
      secret: keys.secret,
      sesEndpoint: `http://127.0.0.1:${sesPort}`,
      senderAddress,
      mailDomain,
      leads,
    });
    stops.push(async () => webhooks.stop());
    const deps = {
      ...api,
      blobs: blobs.store,
      idempotencyStore: createIdempotencyStore(client, tableName),
    } satisfies ApiDeps & Record<string, unknown>;

    // Who may be an assignee: the addresses agent and lead tokens were issued to (Cognito's groups in AWS).
    const staff = await createLocalStaffDirectory(options.dataDir);

    // The same handler modules Lambda loads, wired to local adapters.
    const groups: Record<RouteGroup, LambdaHandler> = {
      'cases-intake': (await import('../functions/cases-intake/app.ts')).createHandler(deps),
      // No CloudWatch dashboard runs locally; `GET /_local/metrics` tallies the same metrics instead.
      'cases-query': (await import('../functions/cases-query/app.ts')).createHandler({
        ...deps,
        dashboardUrl: null,
      }),
      'case-requests': (await import('../functions/case-requests/app.ts')).createHandler(deps),
      'case-triage': (await import('../functions/case-triage/app.ts')).createHandler({
        ...deps,
        staff: staff.directory,
      }),
      webhooks: (await import('../functions/webhooks/app.ts')).createHandler({ ...deps, ...webhooks.admin }),
      'api-docs': await apiDocsHandler(),
    } as Record<RouteGroup, LambdaHandler>;

    // After a write: the stream reactions (timers reconciled into the local scheduler, mail, metrics)
    // and the timers the scheduler delivers. Metrics: EMF lines in the log as in Lambda, and a tally
    // for `GET /_local/metrics`.
    const tally = createMetricsTally();
    let timersChanged = () => {};
    const scheduler = createLocalScheduler({
      client: documents,
      tableName: runtimeTable,
      onChange: () => timersChanged(),
    });
    const reactions = await createLocalReactions({
      client,
      documents,
      dynamodbEndpoint: dynamo.endpoint,
      sesEndpoint: `http://127.0.0.1:${sesPort}`,
      tableName,
      runtimeTable,
      core,
      secret: keys.secret,
      scheduler,
      once,
      correspondents,
      suppressions,
      budget: createDynamoMailBudget({ client: documents, tableName }),
      senderAddress,
      mailDomain,
      leads,
      events: webhooks.publisher,
      // The portal is served at the API's own origin locally.
      portalUrl: () => apiUrl,
      recordMetric: (...point) => {
        recordMetric(...point);
        tally.record(...point);
      },
    });
    stops.push(async () => reactions.stop());
    const timers = await createLocalTimers({
      core,
      scheduler,
      // Every drain of the stream also delivers the webhook retries that fell due.
      stream: {
        drain: async () => {
          const handled = await reactions.stream.drain();
          await webhooks.drain();
          return handled;
        },
      },
      checkpoints: reactions.checkpoints,
    });
    timersChanged = () => timers.timersChanged();
    stops.push(() => timers.stop());

    // An upload's file arriving: the function S3's Object Created event invokes in AWS, told by the local
    // store's PUT right after it kept the bytes. Its failure does not undo the upload (S3 would keep the
    // file and retry the event); it is logged, as Lambda would log it.
    const { createHandler: createArrivalHandler } = await import('../functions/attachment-arrived/app.ts');
    const arrival = createArrivalHandler({ ...core, blobs: blobs.store });
    const announceArrival = async (key: string, size: number) => {
      try {
        await arrival(objectCreatedEvent(key, size, clock.now()), lambdaContext('attachment-arrived', key));
      } catch (error) {
        console.error(`attachment arrival ${key} failed`, error);
      }
      await timers.drain();
    };

    // Inbound mail: the SES receipt handler Lambda runs, fed by `POST /_local/inbound` and SMTP.
    const sellers = await createLocalSellerDirectory(options.dataDir);
    const archive = createLocalMailArchive({ dataDir: options.dataDir, ids: core.ids });
    const { createHandler: createInboundHandler } = await import('../functions/mail-inbound/app.ts');
    const inbound = createLocalInbound((fetchRaw) =>
      createInboundHandler({
        ...deps,
        archive: archive.archive,
        sellers: sellers.directory,
        correspondents,
        ledger: once,
        mailDomain,
        leads,
        caseOfReplyAddress: (address) => parseReplyAddress(address, replyKey, mailDomain),
        caseOfMessageIds: (ids) => caseOfSignedMessageIds(ids, messageIdKey, mailDomain),
        fetchRaw,
        // No SES here to check senders: a mail with no verdicts is taken as its sender's.
        trustUnreportedSenders: true,
      }),
    );
    // Bounces and complaints: the function the configuration set's EventBridge events invoke in AWS, fed
    // by `POST /_local/mail-events` with the same event.
    const { createHandler: createMailEventHandler } = await import('../functions/mail-events/app.ts');
    const mailEvents = createMailEventHandler({
      ...core,
      suppressions,
      recordMetric: (...point) => {
        recordMetric(...point);
        tally.record(...point);
      },
      mailDomain,
    });

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
        if (!parsed.success) return invalid('the body is not a token request', fieldErrors(parsed.error));
        if (parsed.data.role === 'seller' && !parsed.data.sellerId)
          return invalid('a seller token needs a sellerId');
        // Sellers known to casewatch: inbound mail from this address opens seller cases (Cognito's role in AWS).
        if (parsed.data.role === 'seller' && parsed.data.sellerId)
          await sellers.remember(parsed.data.email, parsed.data.sellerId);
        if (parsed.data.role !== 'seller') await staff.remember(parsed.data.email, parsed.data.role);
        return { status: 200, body: { token: await identity.issue(parsed.data) } };
      }
      if (method === 'GET' && path === '/_local/clock')
        return { status: 200, body: { now: clock.now().toISOString(), fired: [] } };
      if (method === 'POST' && path === '/_local/clock') {
        if (!(clock instanceof ManualClock)) {
          return localProblem(409, 'Conflict', 'start with CASEWATCH_CLOCK=manual to move the clock');
        }
        const parsed = ClockRequestSchema.safeParse(parseJson());
        if (!parsed.success) return invalid('send { "advance": "PT4H" } or { "set": "<ISO instant>" }');
        const target = clockTarget(parsed.data, clock.now());
        if (!(target instanceof Date)) return target;
        // Backwards is a plain jump; forwards the loop steps the clock through each due timer.
        if (target.getTime() < clock.now().getTime()) clock.set(target);
        const fired = await timers.settle(target);
        if (options.dataDir) await savedClock.save(clock.now());
        return { status: 200, body: { now: clock.now().toISOString(), fired } };
      }
      if (method === 'POST' && path === '/_local/inbound') {
        if (body.length === 0) return invalid('send a raw RFC 5322 message');
        const to = url.searchParams.getAll('to');
        return { status: 200, body: { results: await receive(body, to) } };
      }
      if (method === 'POST' && path === '/_local/mail-events') {
        const parsed = SesFeedbackEventSchema.safeParse(parseJson());
        if (!parsed.success)
          return invalid('the body is not an SES bounce or complaint event', fieldErrors(parsed.error));
        const outcome = await mailEvents(
          parsed.data,
          lambdaContext('mail-events', parsed.data.detail.mail.messageId),
        );
        await timers.drain();
        return { status: 200, body: outcome };
      }
      if (method === 'GET' && path === '/_local/metrics')
        return {
          status: 200,
          body: { now: clock.now().toISOString(), backlog: await core.store.backlog(), ...tally.summary() },
        };
      if (method === 'GET' && path === '/_local/mail/archive')
        return { status: 200, body: { archived: archive.list() } };
      if (method === 'GET' && path === '/_local/mail/sent') {
        await timers.drain();
        return { status: 200, body: { sent: reactions.sent() } };
      }
      if (method === 'GET' && path === '/_local/events') {
        await timers.drain();
        return { status: 200, body: { published: webhooks.published() } };
      }
      if (method === 'GET' && path === '/_local/webhooks/queue') {
        await timers.drain();
        return { status: 200, body: { now: clock.now().toISOString(), ...webhooks.queue() } };
      }
      if (method === 'GET' && path === '/_local/timers')
        return { status: 200, body: { now: clock.now().toISOString(), ...(await timers.list()) } };
      if (method === 'PUT' && path.startsWith('/_local/blobs/')) {
        const upload = await blobs.receive(path, url.searchParams, body, headers['content-type']);
        if (!upload.ok) return localProblem(upload.status, 'Upload refused', upload.reason);
        await announceArrival(upload.key, body.length);
        return { status: 200, body: { stored: true } };
      }
      if (method === 'GET' && path.startsWith('/_local/blobs/')) {
        const file = await blobs.serve(path, url.searchParams);
        return file.ok
          ? { status: 200, body: file.body, headers: file.headers }
          : localProblem(file.status, 'Download refused', file.reason);
      }
      return null;
    };

    const gateway = createGateway({
      handlers: groups,
      verifyJwt: (t) => verifier.verify(t),
      localRoutes,
      portal: options.portalDir ? createLocalPortal(options.portalDir) : undefined,
      now: () => clock.now(),
    });
    const port = await listen(gateway, options.port);
    stops.push(() => close(gateway));
    apiUrl = `http://localhost:${port}`;
    timers.start();
    return {
      apiUrl,
      sesUrl,
      dynamodbEndpoint: dynamo.endpoint,
      tableName,
      smtpPort: smtp.port,
      mailDomain,
      clock,
      resumedAt,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
