import type { CaseEventDetail } from '../domain/case-events.ts';
import type { Instant } from '../domain/instant.ts';
import type { Webhook } from '../domain/webhook.ts';

/*
 * Case events out (docs/integrations.md): the bus they are published on, the webhooks registered for
 * them, and how a delivery is made, retried and given up on.
 */

/** Publishes case events, in order, each once per call (EventBridge in AWS, in-process locally). */
export interface EventPublisher {
  publish(details: readonly CaseEventDetail[]): Promise<void>;
}

/** One try at posting one event to one webhook, as the delivery log keeps it. */
export interface DeliveryAttempt {
  webhookId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  at: Instant;
  /** The receiver's HTTP status; null when no answer came (refused, timed out, not allowed). */
  status: number | null;
  ok: boolean;
  /** Why it failed, in words, when it did. */
  error: string | null;
  durationMs: number;
}

export interface WebhookStore {
  create(webhook: Webhook): Promise<void>;
  get(id: string): Promise<Webhook | null>;
  list(): Promise<Webhook[]>;
  /** False when there was none. */
  remove(id: string): Promise<boolean>;
  /** Active → paused; false when it was not active (someone else paused it, or it is gone). */
  pause(id: string, at: Instant, reason: string): Promise<boolean>;
  resume(id: string): Promise<boolean>;
  recordAttempt(attempt: DeliveryAttempt): Promise<void>;
  /** The latest attempts, newest first. */
  attempts(webhookId: string, limit: number): Promise<DeliveryAttempt[]>;
}

/** One event for one webhook, and which attempt comes next. */
export interface Delivery {
  webhookId: string;
  detail: CaseEventDetail;
  attempt: number;
}

/** Where retries wait (SQS with a delay in AWS, the manual clock's queue locally), and the dead letters. */
export interface DeliveryQueue {
  retry(delivery: Delivery, delaySeconds: number): Promise<void>;
  deadLetter(delivery: Delivery, reason: string): Promise<void>;
}

/** Posts one signed body; refuses (without connecting) an address the URL policy forbids. */
export interface WebhookTransport {
  post(
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number } | { error: string }>;
}

/** What a host name resolves to (every address), for checking a URL when it is registered. */
export interface HostResolver {
  addresses(host: string): Promise<string[]>;
}

/** A webhook's signing secret, derived from casewatch's own secret, never stored. */
export interface WebhookSecrets {
  secretFor(webhookId: string): string;
}

/** Tells the leads (and whoever registered it) that a webhook was paused. */
export interface WebhookAlerts {
  paused(webhook: Webhook, lastError: string): Promise<void>;
}
