import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Notice, Notifier } from '../../ports/notifier.ts';

export interface PlainNotifierOptions {
  client: SESv2Client;
  from: string;
  /** Leads' addresses (`LEADS_EMAIL`); they get every breach, and at-risk notices for unassigned cases. */
  leads: string[];
  configurationSetName?: string | undefined;
}

const WHAT = { 'first-response': 'first response', 'next-update': 'next update' } as const;

/**
 * Internal SLA notices as plain text through SES (the Email issue brings templates). At risk goes to
 * the assignee, or the leads when nobody is assigned; a breach goes to the assignee and the leads.
 */
export function createPlainNotifier({
  client,
  from,
  leads,
  configurationSetName,
}: PlainNotifierOptions): Notifier {
  return {
    async notify(notice: Notice) {
      const c = notice.case;
      const assignee = c.assignee ? [c.assignee] : [];
      const to =
        notice.kind === 'sla.at_risk'
          ? assignee.length > 0
            ? assignee
            : leads
          : [...new Set([...assignee, ...leads])];
      if (to.length === 0) return;
      const deadline = WHAT[notice.deadline];
      const subject =
        notice.kind === 'sla.at_risk'
          ? `[${c.number}] At risk: ${deadline} due ${notice.dueAt}`
          : `[${c.number}] Breached: ${deadline} was due ${notice.dueAt}`;
      const text = [
        `Case ${c.number} (${c.severity.label}, ${c.status}): ${c.subject}`,
        notice.kind === 'sla.at_risk'
          ? `The ${deadline} is due at ${notice.dueAt}; 75% of its window has passed.`
          : `The ${deadline} was due at ${notice.dueAt} and was breached at ${notice.breachedAt}.`,
        `Assignee: ${c.assignee ?? 'nobody'}`,
      ].join('\n');
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: to },
          Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: text } } } },
          EmailTags: [{ Name: 'casewatch', Value: notice.kind.replace('.', '-') }],
          ...(configurationSetName ? { ConfigurationSetName: configurationSetName } : {}),
        }),
      );
    },
  };
}
