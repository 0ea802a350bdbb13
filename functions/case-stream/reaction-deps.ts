import { createMailNotifier } from '../../shared/adapters/email/mail-notifier.ts';
import type { Mailer } from '../../shared/adapters/email/mailer.ts';
import { createPortalLinks } from '../../shared/adapters/email/portal-links.ts';
import { deriveKey } from '../../shared/adapters/secret-keys.ts';
import type { CoreDeps } from '../../shared/app/deps.ts';
import { type SuppressedMail, screenMail } from '../../shared/app/mail-safeguards.ts';
import type { ReactionDeps } from '../../shared/app/react-to-change.ts';
import type { Correspondents, MailBudget, SuppressionList } from '../../shared/ports/mail-safeguards.ts';
import type { RecordMetric } from '../../shared/ports/metrics.ts';
import type { OnceLedger } from '../../shared/ports/once-ledger.ts';
import type { TimerScheduler } from '../../shared/ports/timer-scheduler.ts';
import type { EventPublisher } from '../../shared/ports/webhooks.ts';
import { createTokens } from '../composition.ts';

export interface ReactionWiring {
  core: CoreDeps;
  secret: string;
  scheduler: TimerScheduler;
  mailer: Mailer;
  /** Mail and metrics of an event happen at most once. */
  once: OnceLedger;
  /** Who wrote to us, who may not be mailed, and how much automatic mail is left (docs/mail.md#limits). */
  correspondents: Correspondents;
  suppressions: SuppressionList;
  budget: MailBudget;
  /** Told of each recipient a mail was not sent to, and why. */
  onSuppressed?: (suppressed: SuppressedMail) => void;
  /** The `From` of every mail, the domain of reply addresses and Message-IDs, the leads' addresses. */
  senderAddress: string;
  mailDomain: string;
  leads: string[];
  /** The portal's address: every mail about a case links to its page there, the survey mail to the survey. */
  portalUrl: string | (() => string);
  recordMetric?: RecordMetric;
  /** The event bus timeline events are published on (EventBridge in AWS, in-process locally). */
  events?: EventPublisher;
  onConfirmFailed?: (error: unknown, key: string) => void;
  onUndeliverable?: (error: unknown, key: string) => void;
}

/** What the after-write reactions need (Lambda's stream function and the local runtime's): timers through the scheduler, notices through the mailer. */
export function createReactionDeps(wiring: ReactionWiring): ReactionDeps {
  const { core, secret, once } = wiring;
  const tokens = createTokens(secret, core.clock);
  const links = createPortalLinks(wiring.portalUrl, tokens.caseTokens);
  return {
    ...core,
    surveyTokens: tokens.surveyTokens,
    meetingLinks: tokens.meetingLinks,
    once,
    correspondents: wiring.correspondents,
    scheduler: wiring.scheduler,
    ...(wiring.recordMetric ? { recordMetric: wiring.recordMetric } : {}),
    ...(wiring.events ? { events: wiring.events } : {}),
    notifier: createMailNotifier({
      mailer: wiring.mailer,
      ledger: once,
      clock: core.clock,
      from: wiring.senderAddress,
      mailDomain: wiring.mailDomain,
      replyKey: deriveKey(secret, 'reply-address'),
      messageIdKey: deriveKey(secret, 'message-id'),
      leads: wiring.leads,
      surveyUrl: links.surveyUrl,
      meetingUrl: links.meetingUrl,
      caseUrl: links.caseUrl,
      screen: (mail, now) =>
        screenMail(
          {
            suppressions: wiring.suppressions,
            budget: wiring.budget,
            recordMetric: wiring.recordMetric,
            onSuppressed: wiring.onSuppressed,
          },
          mail,
          now,
        ),
      ...(wiring.onConfirmFailed ? { onConfirmFailed: wiring.onConfirmFailed } : {}),
      ...(wiring.onUndeliverable ? { onUndeliverable: wiring.onUndeliverable } : {}),
    }),
  };
}
