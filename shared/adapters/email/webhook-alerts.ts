import { escapeHtml } from '../../domain/html.ts';
import type { Clock } from '../../ports/clock.ts';
import type { WebhookAlerts } from '../../ports/webhooks.ts';
import type { Mailer } from './mailer.ts';

/**
 * The mail a paused webhook sends (docs/integrations.md#delivery): to the leads and whoever registered
 * it, saying which URL, why, and how to resume. Sent by whoever paused it, so once per pause.
 */
export function createWebhookAlerts(options: {
  mailer: Mailer;
  clock: Clock;
  from: string;
  mailDomain: string;
  leads: string[];
}): WebhookAlerts {
  return {
    async paused(webhook, lastError) {
      const to = [...new Set([...options.leads, webhook.createdBy])];
      const text = [
        `casewatch paused the webhook ${webhook.id}, which posts to ${webhook.url}: ${lastError}.`,
        'It gets no events while paused. Check the receiver, read its delivery log (GET /webhooks/{id}), then resume it with POST /webhooks/{id}/resume; the deliveries that failed are in the dead-letter queue.',
      ].join('\n\n');
      const now = options.clock.now();
      await options.mailer.send({
        from: options.from,
        to,
        subject: `Webhook paused: ${webhook.url}`.slice(0, 200),
        text: `${text}\n`,
        html: `<!doctype html>\n<html><body>${text
          .split('\n\n')
          .map((p) => `<p>${escapeHtml(p)}</p>`)
          .join('\n')}</body></html>\n`,
        messageId: `<webhook-paused.${webhook.id}.${now.getTime()}@${options.mailDomain}>`,
        automatic: true,
        date: now,
        tags: { casewatch: 'webhook-paused' },
      });
    },
  };
}
