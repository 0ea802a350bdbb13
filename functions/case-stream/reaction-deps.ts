import { createMailNotifier } from '../../shared/adapters/email/mail-notifier.ts';
import type { Mailer } from '../../shared/adapters/email/mailer.ts';
import { deriveKey } from '../../shared/adapters/secret-keys.ts';
import type { CoreDeps } from '../../shared/app/deps.ts';
import type { ReactionDeps } from '../../shared/app/react-to-change.ts';
import type { RecordMetric } from '../../shared/ports/metrics.ts';
import type { OnceLedger } from '../../shared/ports/once-ledger.ts';
import type { TimerScheduler } from '../../shared/ports/timer-scheduler.ts';
import { createTokens } from '../composition.ts';

export interface ReactionWiring {
  core: CoreDeps;
  secret: string;
  scheduler: TimerScheduler;
  mailer: Mailer;
  /** Mail and metrics of an event happen at most once. */
  once: OnceLedger;
  /** The `From` of every mail, the domain of reply addresses and Message-IDs, the leads' addresses. */
  senderAddress: string;
  mailDomain: string;
  leads: string[];
  /** The survey page for a signed token. */
  surveyUrl: (token: string) => string;
  recordMetric?: RecordMetric;
  onConfirmFailed?: (error: unknown, key: string) => void;
  onUndeliverable?: (error: unknown, key: string) => void;
}

/** What the after-write reactions need (Lambda's stream function and the local runtime's): timers through the scheduler, notices through the mailer. */
export function createReactionDeps(wiring: ReactionWiring): ReactionDeps {
  const { core, secret, once } = wiring;
  return {
    ...core,
    surveyTokens: createTokens(secret, core.clock).surveyTokens,
    once,
    scheduler: wiring.scheduler,
    ...(wiring.recordMetric ? { recordMetric: wiring.recordMetric } : {}),
    notifier: createMailNotifier({
      mailer: wiring.mailer,
      ledger: once,
      clock: core.clock,
      from: wiring.senderAddress,
      mailDomain: wiring.mailDomain,
      replyKey: deriveKey(secret, 'reply-address'),
      messageIdKey: deriveKey(secret, 'message-id'),
      leads: wiring.leads,
      surveyUrl: wiring.surveyUrl,
      ...(wiring.onConfirmFailed ? { onConfirmFailed: wiring.onConfirmFailed } : {}),
      ...(wiring.onUndeliverable ? { onUndeliverable: wiring.onUndeliverable } : {}),
    }),
  };
}
