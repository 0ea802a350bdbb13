import {
  AUTOMATIC_MAIL_PER_RECIPIENT,
  ESCALATION_NOTICES_PER_CASE,
  escalationBudget,
  recipientBudget,
} from '../domain/email/mail-limits.ts';
import type { Instant } from '../domain/instant.ts';
import type { MailBudget, OutgoingMail, SuppressionList } from '../ports/mail-safeguards.ts';
import { METRICS, type RecordMetric } from '../ports/metrics.ts';

/** Why a recipient was not mailed (the `reason` of the `MailSuppressed` metric). */
export type SuppressedBecause = 'bounced' | 'complained' | 'recipient-limit' | 'escalation-limit';

export interface SuppressedMail {
  address: string;
  reason: SuppressedBecause;
  notice: OutgoingMail['notice']['kind'];
  caseId: string;
}

export interface MailSafeguardDeps {
  suppressions: SuppressionList;
  budget: MailBudget;
  recordMetric?: RecordMetric | undefined;
  /** Told of every recipient left out (the runtime logs it). */
  onSuppressed?: ((suppressed: SuppressedMail) => void) | undefined;
}

/**
 * Who may get a mail about to go out (docs/mail.md#limits): nobody whose address bounced for good or
 * complained; for an escalation notice, the leads once per case per four hours; for automatic customer
 * mail, each address at most five a clock hour, whatever channel opened the case. Internal notices are
 * not counted against anyone (the support team is no stranger), and neither is an agent's own message or
 * the pending-closure warning staff send.
 * Every recipient left out is counted in `MailSuppressed` by reason and told to `onSuppressed`.
 */
export async function screenMail(
  deps: MailSafeguardDeps,
  mail: OutgoingMail,
  now: Instant,
): Promise<string[]> {
  const suppressed: SuppressedMail[] = [];
  const leaveOut = (address: string, reason: SuppressedBecause) =>
    suppressed.push({ address, reason, notice: mail.notice.kind, caseId: mail.notice.case.id });

  let send: string[] = [];
  for (const address of mail.to) {
    const suppression = await deps.suppressions.suppressionOf(address);
    if (suppression) leaveOut(address, suppression.reason === 'bounce' ? 'bounced' : 'complained');
    else send.push(address);
  }
  if (send.length > 0 && mail.notice.kind === 'escalation.requested') {
    const budget = escalationBudget(mail.notice.case.id);
    if (!(await deps.budget.take(budget, ESCALATION_NOTICES_PER_CASE, now))) {
      for (const address of send) leaveOut(address, 'escalation-limit');
      send = [];
    }
  }
  // The warning before an auto-close is staff's doing (no stranger and no mail can cause it), and carries
  // their note: held back, the case would later close "since we did not hear back" from someone never asked.
  if (mail.audience === 'customer' && mail.automatic && mail.notice.kind !== 'pending-closure') {
    const within: string[] = [];
    for (const address of send) {
      if (await deps.budget.take(recipientBudget(address), AUTOMATIC_MAIL_PER_RECIPIENT, now))
        within.push(address);
      else leaveOut(address, 'recipient-limit');
    }
    send = within;
  }
  for (const s of suppressed) {
    deps.recordMetric?.(METRICS.mailSuppressed, { reason: s.reason });
    deps.onSuppressed?.(s);
  }
  return send;
}
