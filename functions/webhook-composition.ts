import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoWebhookStore } from '../shared/adapters/dynamodb/webhook-store.ts';
import type { Mailer } from '../shared/adapters/email/mailer.ts';
import { createWebhookAlerts } from '../shared/adapters/email/webhook-alerts.ts';
import { deriveKey } from '../shared/adapters/secret-keys.ts';
import { createWebhookSecrets, signatureHeader } from '../shared/adapters/webhooks/signing.ts';
import { createWebhookTransport } from '../shared/adapters/webhooks/transport.ts';
import type { DeliveryDeps } from '../shared/app/webhooks.ts';
import { DELIVERY_POLICY } from '../shared/domain/webhook.ts';
import type { UrlPolicy } from '../shared/domain/webhook-url.ts';
import type { Clock } from '../shared/ports/clock.ts';
import type { DeliveryQueue, WebhookSecrets, WebhookStore } from '../shared/ports/webhooks.ts';

/*
 * The webhook assembly both runtimes share (docs/integrations.md): Lambda's webhooks API and sender
 * entries and the local runtime (`local/webhooks.ts`) wire the same store, secrets and sender, and differ
 * only in the queue, the mailer and whether loopback http is allowed. Apart from `composition.ts`, so
 * the case functions bundle none of it.
 */

export interface WebhookStoreWiring {
  documents: DynamoDBDocumentClient;
  tableName: string;
  /** The signing secret each webhook's own secret is derived from. */
  secret: string;
}

/** The webhook store in the table, and each webhook's signing secret (derived, never stored). */
export function createWebhookStores({ documents, tableName, secret }: WebhookStoreWiring): {
  webhooks: WebhookStore;
  secrets: WebhookSecrets;
} {
  return {
    webhooks: createDynamoWebhookStore({ client: documents, tableName }),
    secrets: createWebhookSecrets(deriveKey(secret, 'webhook')),
  };
}

/** What the sender needs: the stores, the guarded HTTP client, where retries wait, who hears of a pause. */
export function createDeliveryDeps(
  wiring: WebhookStoreWiring & {
    clock: Clock;
    urlPolicy: UrlPolicy;
    queue: DeliveryQueue;
    mailer: Mailer;
    /** The `From` of the pause notice, the domain of its Message-ID, and the leads it goes to. */
    from: string;
    mailDomain: string;
    leads: string[];
  },
): DeliveryDeps {
  const { clock } = wiring;
  return {
    ...createWebhookStores(wiring),
    transport: createWebhookTransport(wiring.urlPolicy, DELIVERY_POLICY.timeoutMs),
    queue: wiring.queue,
    alerts: createWebhookAlerts({
      mailer: wiring.mailer,
      clock,
      from: wiring.from,
      mailDomain: wiring.mailDomain,
      leads: wiring.leads,
    }),
    clock,
    sign: signatureHeader,
  };
}
