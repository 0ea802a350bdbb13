import { type CaseEventDetail, caseEventDetail, externalView } from '../domain/case-events.ts';
import { toInstant } from '../domain/instant.ts';
import { EVENT_TYPES } from '../domain/timeline.ts';
import {
  DELIVERY_POLICY,
  retryDelaySeconds,
  type Webhook,
  type WebhookFilters,
  wants,
} from '../domain/webhook.ts';
import { type UrlPolicy, urlProblem } from '../domain/webhook-url.ts';
import type { Clock } from '../ports/clock.ts';
import type { IdGenerator } from '../ports/ids.ts';
import type { StoredChange } from '../ports/stored-change.ts';
import type {
  Delivery,
  DeliveryAttempt,
  DeliveryQueue,
  EventPublisher,
  HostResolver,
  WebhookAlerts,
  WebhookSecrets,
  WebhookStore,
  WebhookTransport,
} from '../ports/webhooks.ts';
import type { Actor } from './actor.ts';
import type { CoreDeps } from './deps.ts';
import { ForbiddenError, NotFoundError, ValidationError } from './errors.ts';

/*
 * Case events out (docs/integrations.md): every timeline event is published with the case after it;
 * webhooks registered by leads get the ones they asked for, signed, retried, and are paused (and the
 * leads told) when a receiver keeps failing.
 */

// ---- Publishing -------------------------------------------------------------------------------------

/**
 * The details a batch of stored changes publishes, in stream order: one per event, with the case as
 * that event's write left it — the case record of the same write when the batch holds it (same
 * partition, same shard, so it travels with its events), else the case as stored now.
 */
async function detailsOf(
  deps: Pick<CoreDeps, 'store'>,
  changes: readonly StoredChange[],
): Promise<CaseEventDetail[]> {
  const images = new Map<string, NonNullable<Extract<StoredChange, { kind: 'case' }>['after']>>();
  for (const change of changes)
    if (change.kind === 'case' && change.after)
      images.set(`${change.after.id}#${change.after.version}`, change.after);
  // One read per case, however many of its events the batch holds without their case record.
  const stored = new Map<string, ReturnType<typeof deps.store.get>>();
  const details: CaseEventDetail[] = [];
  for (const change of changes) {
    if (change.kind !== 'event') continue;
    const e = change.event;
    let c = images.get(`${e.caseId}#${e.caseVersion}`) ?? null;
    if (!c) {
      if (!stored.has(e.caseId)) stored.set(e.caseId, deps.store.get(e.caseId));
      c = (await stored.get(e.caseId)) ?? null;
    }
    if (c) details.push(caseEventDetail(e, c));
  }
  return details;
}

export async function publishChanges(
  deps: Pick<CoreDeps, 'store'> & { events: EventPublisher },
  changes: readonly StoredChange[],
): Promise<number> {
  const details = await detailsOf(deps, changes);
  if (details.length > 0) await deps.events.publish(details);
  return details.length;
}

// ---- Registering ------------------------------------------------------------------------------------

export interface WebhookAdminDeps {
  webhooks: WebhookStore;
  secrets: WebhookSecrets;
  resolver: HostResolver;
  urlPolicy: UrlPolicy;
  clock: Clock;
  ids: IdGenerator;
}

export interface RegisterWebhookInput {
  url: string;
  events: string[];
  filters?: WebhookFilters | undefined;
  audience?: 'external' | 'internal' | undefined;
}

function leadOnly(actor: Actor): Extract<Actor, { kind: 'staff' }> {
  if (actor.kind !== 'staff' || actor.role !== 'lead') throw new ForbiddenError('only leads manage webhooks');
  return actor;
}

/** What a webhook may subscribe to: every event type, or `*` for all. */
const SUBSCRIBABLE: readonly string[] = [...EVENT_TYPES, '*'];

/** A lead registers a webhook; the answer carries its signing secret, shown this once. */
export async function registerWebhook(
  deps: WebhookAdminDeps,
  actor: Actor,
  input: RegisterWebhookInput,
): Promise<Webhook & { secret: string }> {
  const lead = leadOnly(actor);
  const known = new Set<string>(SUBSCRIBABLE);
  const unknown = input.events.filter((t) => !known.has(t));
  if (unknown.length > 0)
    throw new ValidationError(`unknown event types: ${unknown.join(', ')}`, [
      { field: 'events', message: `known types: ${EVENT_TYPES.join(', ')} (or * for all)` },
    ]);
  const events = input.events.filter((t): t is Webhook['events'][number] => known.has(t));
  const host = new URL(input.url).hostname.replace(/^\[|\]$/g, '');
  const problem = urlProblem(input.url, await deps.resolver.addresses(host), deps.urlPolicy);
  if (problem)
    throw new ValidationError(`the URL is refused: ${problem}`, [{ field: 'url', message: problem }]);
  const webhook: Webhook = {
    id: deps.ids.next(),
    url: input.url,
    events: [...new Set(events)],
    filters: input.filters ?? {},
    audience: input.audience ?? 'external',
    status: 'active',
    createdAt: toInstant(deps.clock.now()),
    createdBy: lead.email,
    pausedAt: null,
    pausedReason: null,
  };
  await deps.webhooks.create(webhook);
  return { ...webhook, secret: deps.secrets.secretFor(webhook.id) };
}

export async function listWebhooks(
  deps: Pick<WebhookAdminDeps, 'webhooks'>,
  actor: Actor,
): Promise<Webhook[]> {
  leadOnly(actor);
  return deps.webhooks.list();
}

/** A webhook with its latest delivery attempts, newest first. */
export async function readWebhook(
  deps: Pick<WebhookAdminDeps, 'webhooks'>,
  actor: Actor,
  id: string,
): Promise<Webhook & { deliveries: DeliveryAttempt[] }> {
  leadOnly(actor);
  const webhook = await deps.webhooks.get(id);
  if (!webhook) throw new NotFoundError(`no webhook ${id}`);
  return { ...webhook, deliveries: await deps.webhooks.attempts(id, 50) };
}

export async function deleteWebhook(deps: Pick<WebhookAdminDeps, 'webhooks'>, actor: Actor, id: string) {
  leadOnly(actor);
  if (!(await deps.webhooks.remove(id))) throw new NotFoundError(`no webhook ${id}`);
}

/** A paused webhook takes deliveries again, from new events on; what failed waits in the dead letters. */
export async function resumeWebhook(deps: Pick<WebhookAdminDeps, 'webhooks'>, actor: Actor, id: string) {
  leadOnly(actor);
  const webhook = await deps.webhooks.get(id);
  if (!webhook) throw new NotFoundError(`no webhook ${id}`);
  await deps.webhooks.resume(id);
  return { ...webhook, status: 'active' as const, pausedAt: null, pausedReason: null };
}

// ---- Delivering -------------------------------------------------------------------------------------

export interface DeliveryDeps {
  webhooks: WebhookStore;
  secrets: WebhookSecrets;
  transport: WebhookTransport;
  queue: DeliveryQueue;
  alerts: WebhookAlerts;
  clock: Clock;
  sign: (secret: string, timestamp: number, body: string) => string;
}

/**
 * An event from the bus: attempt 1 to every active webhook that wants it, side by side, so one slow
 * receiver costs the others nothing (each attempt is bounded by the delivery timeout).
 */
export async function dispatchEvent(deps: DeliveryDeps, detail: CaseEventDetail): Promise<void> {
  const webhooks = (await deps.webhooks.list()).filter((w) => wants(w, detail));
  await Promise.all(webhooks.map((w) => deliver(deps, { webhookId: w.id, detail, attempt: 1 }, w)));
}

/**
 * One attempt: the body is the detail as the webhook may see it, signed over a fresh timestamp; a 2xx
 * is delivered, anything else is retried after its delay, and the last failed attempt dead-letters the
 * delivery and pauses the webhook (the leads are mailed once, by whoever paused it).
 */
export async function deliver(deps: DeliveryDeps, delivery: Delivery, known?: Webhook): Promise<void> {
  const webhook = known ?? (await deps.webhooks.get(delivery.webhookId));
  if (!webhook) return;
  // Paused since this delivery began: its retry joins the dead letters rather than vanishing.
  if (webhook.status !== 'active') return deps.queue.deadLetter(delivery, 'the webhook is paused');
  const view = webhook.audience === 'internal' ? delivery.detail : externalView(delivery.detail);
  if (!view) return;
  const body = JSON.stringify(view);
  const started = deps.clock.now();
  const timestamp = Math.floor(started.getTime() / 1000);
  const answer = await deps.transport.post(webhook.url, body, {
    'content-type': 'application/json',
    'user-agent': 'casewatch-webhooks/1',
    'casewatch-event-id': view.id,
    'casewatch-event-type': view.type,
    'casewatch-delivery-attempt': String(delivery.attempt),
    'casewatch-signature': deps.sign(deps.secrets.secretFor(webhook.id), timestamp, body),
  });
  const status = 'status' in answer ? answer.status : null;
  const ok = status !== null && status >= 200 && status < 300;
  const error = ok ? null : 'error' in answer ? answer.error : `answered ${status}`;
  await deps.webhooks.recordAttempt({
    webhookId: webhook.id,
    eventId: view.id,
    eventType: view.type,
    attempt: delivery.attempt,
    at: toInstant(started),
    status,
    ok,
    error,
    durationMs: Math.max(0, deps.clock.now().getTime() - started.getTime()),
  });
  if (ok) return;
  const delay = retryDelaySeconds(delivery.attempt);
  if (delay !== null) return deps.queue.retry({ ...delivery, attempt: delivery.attempt + 1 }, delay);
  const reason = `${DELIVERY_POLICY.maxAttempts} attempts failed; the last: ${error}`;
  await deps.queue.deadLetter(delivery, reason);
  if (await deps.webhooks.pause(webhook.id, toInstant(deps.clock.now()), reason))
    await deps.alerts.paused(webhook, reason);
}
