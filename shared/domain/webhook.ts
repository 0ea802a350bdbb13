import ipaddr from 'ipaddr.js';
import * as z from 'zod';
import type { CaseEventDetail } from './case-events.ts';
import { InstantSchema } from './instant.ts';
import { SeverityLevelSchema } from './severity.ts';
import { EVENT_TYPES } from './timeline.ts';

/*
 * Webhooks (docs/integrations.md#webhooks): leads register a URL for some event types, casewatch posts
 * each matching case event to it, signed, retried, and pauses a webhook that keeps failing.
 */

export const WebhookFiltersSchema = z
  .strictObject({
    levels: z
      .array(SeverityLevelSchema)
      .min(1)
      .optional()
      .meta({ description: 'only cases at these levels' }),
    sellerId: z.string().min(1).max(200).optional().meta({ description: 'only this seller’s cases' }),
    caseType: z.enum(['seller', 'consumer']).optional(),
  })
  .meta({ id: 'WebhookFilters', description: 'Narrows what a webhook gets; all that are given must hold.' });
export type WebhookFilters = z.infer<typeof WebhookFiltersSchema>;

export const WebhookSchema = z
  .strictObject({
    id: z.string(),
    url: z.string(),
    events: z
      .array(z.enum([...EVENT_TYPES, '*']))
      .meta({ description: 'the event types it gets (`*`: every type)' }),
    filters: WebhookFiltersSchema,
    audience: z.enum(['external', 'internal']).meta({
      description:
        '`external` (default) gets public events only, as the requester sees them; `internal` (your own systems) gets staff notes and SLA events too',
    }),
    status: z.enum(['active', 'paused']),
    createdAt: InstantSchema,
    createdBy: z.string(),
    pausedAt: InstantSchema.nullable(),
    pausedReason: z.string().nullable(),
  })
  .meta({ id: 'Webhook', description: 'A registered webhook (its signing secret is shown only once).' });
export type Webhook = z.infer<typeof WebhookSchema>;

/** How a delivery is retried (docs/integrations.md#delivery): three attempts in all, then the webhook pauses. */
export const DELIVERY_POLICY = {
  maxAttempts: 3,
  /** Delay before attempt 2 and attempt 3, seconds. */
  retryDelaysSeconds: [60, 300] as const,
  /** A receiver has this long to answer. */
  timeoutMs: 10_000,
  /** Receivers should refuse a signature older than this (the replay window). */
  toleranceSeconds: 300,
} as const;

export function retryDelaySeconds(failedAttempt: number): number | null {
  if (failedAttempt >= DELIVERY_POLICY.maxAttempts) return null;
  return DELIVERY_POLICY.retryDelaysSeconds[failedAttempt - 1] ?? null;
}

/** Does the webhook want this event? (Audience is applied after: an external one gets the public view.) */
export function wants(w: Webhook, detail: CaseEventDetail): boolean {
  if (w.status !== 'active') return false;
  if (w.audience === 'external' && detail.visibility === 'internal') return false;
  if (!w.events.includes('*') && !w.events.includes(detail.type)) return false;
  const f = w.filters;
  if (f.levels && !f.levels.includes(detail.case.level)) return false;
  if (f.sellerId !== undefined && detail.case.sellerId !== f.sellerId) return false;
  if (f.caseType !== undefined && detail.case.type !== f.caseType) return false;
  return true;
}

export interface UrlPolicy {
  /** The local runtime lets tests receive on plain-HTTP loopback; AWS never does. */
  allowLoopbackHttp: boolean;
}

/**
 * Why casewatch will not post to an address, or null when it may (docs/integrations.md#urls): anything
 * but an IP on the public internet — private, loopback, link-local (the cloud metadata service at
 * 169.254.169.254 among them), carrier-grade NAT, multicast, reserved, IPv6 unique-local and mapped
 * forms of those — so a webhook cannot be used to reach inside our network.
 */
export function addressProblem(address: string, policy: UrlPolicy): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  if (range === 'unicast') return null;
  if (range === 'loopback' && policy.allowLoopbackHttp) return null;
  const words: Record<string, string> = {
    private: 'a private address',
    loopback: 'a loopback address',
    linkLocal: 'a link-local address (as the cloud metadata service is)',
    uniqueLocal: 'a private (unique-local) address',
    carrierGradeNat: 'a carrier-grade NAT address',
    unspecified: 'the unspecified address',
    multicast: 'a multicast address',
    broadcast: 'the broadcast address',
    reserved: 'a reserved address',
  };
  return `${address} is ${words[range] ?? `not a public address (${range})`}`;
}

/**
 * Why a webhook URL is refused, or null: it must be https (plain http only to loopback when the policy
 * allows), carry no credentials, and every address its host resolves to must be public.
 */
export function urlProblem(url: string, addresses: readonly string[], policy: UrlPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.username || parsed.password) return 'a URL may not carry a user name or password';
  const loopbackHttp =
    policy.allowLoopbackHttp &&
    parsed.protocol === 'http:' &&
    addresses.length > 0 &&
    addresses.every((a) => ipaddr.isValid(a) && ipaddr.process(a).range() === 'loopback');
  if (parsed.protocol !== 'https:' && !loopbackHttp) return 'only https URLs are accepted';
  if (addresses.length === 0) return `${parsed.hostname} does not resolve`;
  // An address written in the URL is its own answer: "10.0.0.1 is a private address".
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const literal = ipaddr.isValid(host);
  for (const address of addresses) {
    const problem = addressProblem(address, policy);
    if (problem) return literal ? problem : `${parsed.hostname} resolves to ${problem}`;
  }
  return null;
}
