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
