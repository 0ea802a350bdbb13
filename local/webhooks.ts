import { SESClient } from '@aws-sdk/client-ses';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDeliveryDeps } from '../functions/webhook-composition.ts';
import { createSesMailer } from '../shared/adapters/email/mailer.ts';
import { systemResolver } from '../shared/adapters/webhooks/transport.ts';
import { deliver, dispatchEvent, type WebhookAdminDeps } from '../shared/app/webhooks.ts';
import type { CaseEventDetail } from '../shared/domain/case-events.ts';
import type { UrlPolicy } from '../shared/domain/webhook-url.ts';
import type { Clock } from '../shared/ports/clock.ts';
import type { Delivery, DeliveryQueue, EventPublisher } from '../shared/ports/webhooks.ts';
import { LOCAL_CLIENT_CONFIG } from './dynamodb-local.ts';

/** Locally a receiver on this machine may listen on plain HTTP (tests do); nothing else is relaxed. */
export const LOCAL_URL_POLICY: UrlPolicy = { allowLoopbackHttp: true };

/** How many published events `GET /_local/events` keeps, newest last. */
const KEEP_PUBLISHED = 1000;

export interface LocalWebhooks {
  /** The in-process bus the stream function publishes to: each event goes straight to the sender. */
  publisher: EventPublisher;
  /** What the webhooks API function needs beyond the API's own dependencies. */
  admin: Omit<WebhookAdminDeps, 'clock' | 'ids'>;
  /** Delivers every retry due by now (the timer loop calls it with every drain of the stream). */
  drain(): Promise<void>;
  /** What was published, in order (the same details EventBridge gets in AWS). */
  published(): CaseEventDetail[];
  /** Retries waiting, and deliveries given up on with why. */
  queue(): {
    pending: { dueAt: string; delivery: Delivery }[];
    deadLetters: { delivery: Delivery; reason: string }[];
  };
  stop(): void;
}

/**
 * Case events and webhooks on one machine (docs/integrations.md#locally): the same sender and store as
 * in AWS; the bus is a function call, the retry queue a list the clock drains (so the manual clock moves
 * retries as it moves timers), the dead letters a list. Pending retries live in memory: a restart drops
 * them, which AWS's SQS would not.
 */
export function createLocalWebhooks(options: {
  documents: DynamoDBDocumentClient;
  tableName: string;
  clock: Clock;
  secret: string;
  sesEndpoint: string;
  senderAddress: string;
  mailDomain: string;
  leads: string[];
}): LocalWebhooks {
  const { clock } = options;
  const ses = new SESClient({ ...LOCAL_CLIENT_CONFIG, endpoint: options.sesEndpoint });
  const pending: { dueAt: number; delivery: Delivery }[] = [];
  const deadLetters: { delivery: Delivery; reason: string }[] = [];
  const published: CaseEventDetail[] = [];
  const queue: DeliveryQueue = {
    async retry(delivery, delaySeconds) {
      pending.push({ dueAt: clock.now().getTime() + delaySeconds * 1000, delivery });
    },
    async deadLetter(delivery, reason) {
      deadLetters.push({ delivery, reason });
    },
  };
  const deps = createDeliveryDeps({
    documents: options.documents,
    tableName: options.tableName,
    secret: options.secret,
    clock,
    urlPolicy: LOCAL_URL_POLICY,
    queue,
    mailer: createSesMailer({ client: ses }),
    from: options.senderAddress,
    mailDomain: options.mailDomain,
    leads: options.leads,
  });
  return {
    publisher: {
      async publish(details) {
        for (const detail of details) {
          published.push(detail);
          if (published.length > KEEP_PUBLISHED) published.shift();
          await dispatchEvent(deps, detail);
        }
      },
    },
    admin: {
      webhooks: deps.webhooks,
      secrets: deps.secrets,
      resolver: systemResolver,
      urlPolicy: LOCAL_URL_POLICY,
    },
    async drain() {
      for (;;) {
        const now = clock.now().getTime();
        pending.sort((a, b) => a.dueAt - b.dueAt);
        const next = pending[0];
        if (!next || next.dueAt > now) return;
        pending.shift();
        await deliver(deps, next.delivery);
      }
    },
    published: () => [...published],
    queue: () => ({
      pending: pending.map((p) => ({ dueAt: new Date(p.dueAt).toISOString(), delivery: p.delivery })),
      deadLetters: [...deadLetters],
    }),
    stop: () => ses.destroy(),
  };
}
