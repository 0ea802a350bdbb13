import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Notice, Notifier } from '../../ports/notifier.ts';

export interface PlainNotifierOptions {
  client: SESv2Client;
  from: string;
  /** Leads' addresses (`LEADS_EMAIL`): breaches, escalations, and notices for unassigned cases. */
  leads: string[];
  configurationSetName?: string | undefined;
}

const WHAT = { 'first-response': 'first response', 'next-update': 'next update' } as const;

/** Who hears of what: the assignee (or the leads when nobody is assigned); breaches and escalations reach the leads too. */
function recipients(notice: Notice, leads: string[]): string[] {
  const assignee = notice.case.assignee ? [notice.case.assignee] : [];
  if (notice.kind === 'sla.breached') return [...new Set([...assignee, ...leads])];
  if (notice.kind === 'escalation.requested') return leads;
  return assignee.length > 0 ? assignee : leads;
}

function message(notice: Notice): { subject: string; line: string } {
  const tag = `[${notice.case.number}]`;
  switch (notice.kind) {
    case 'sla.at_risk':
      return {
        subject: `${tag} At risk: ${WHAT[notice.deadline]} due ${notice.dueAt}`,
        line: `The ${WHAT[notice.deadline]} is due at ${notice.dueAt}; 75% of its window has passed.`,
      };
    case 'sla.breached':
      return {
        subject: `${tag} Breached: ${WHAT[notice.deadline]} was due ${notice.dueAt}`,
        line: `The ${WHAT[notice.deadline]} was due at ${notice.dueAt} and was breached at ${notice.breachedAt}.`,
      };
    case 'escalation.requested':
      return {
        subject: `${tag} Escalation requested`,
        line: `The requester asks for an escalation: ${notice.reason}`,
      };
    case 'customer.replied':
      return {
        subject: `${tag} Customer replied; case reopened`,
        line: `The customer wrote while the case was ${notice.from.replace('_', ' ')}; it is open again.`,
      };
  }
}

/** Internal notices as plain text through SES (the Email issue brings templates and the customer mail). */
export function createPlainNotifier({
  client,
  from,
  leads,
  configurationSetName,
}: PlainNotifierOptions): Notifier {
  return {
    async notify(notice: Notice) {
      const to = recipients(notice, leads);
      if (to.length === 0) return;
      const c = notice.case;
      const { subject, line } = message(notice);
      const text = [
        `Case ${c.number} (${c.severity.label}, ${c.status}): ${c.subject}`,
        line,
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
