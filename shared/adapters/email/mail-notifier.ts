import { toInstant } from '../../domain/instant.ts';
import type { Clock } from '../../ports/clock.ts';
import type { MailScreen } from '../../ports/mail-safeguards.ts';
import { audienceOf, type Notice, type Notifier } from '../../ports/notifier.ts';
import type { OnceLedger } from '../../ports/once-ledger.ts';
import { invitationIcs, meetingInvitation } from './invitation.ts';
import type { Mailer, OutboundMail } from './mailer.ts';
import { signedMessageId } from './message-ids.ts';
import type { PortalLinks } from './portal-links.ts';
import { replyAddress } from './reply-address.ts';
import { agentDisplayName, type RenderedMail, renderNotice } from './templates.ts';

/** How long `notify` waits for a busy claim to be confirmed or abandoned before throwing for a retry. */
const BUSY_WAIT_MS = 20_000;
const BUSY_POLL_MS = 2_000;

/** Another sender is mailing this notice right now: thrown so the stream retries the record later. */
export class MailInFlightError extends Error {
  public override readonly name = 'MailInFlightError';
  public constructor(public readonly key: string) {
    super(`mail ${key} is being sent by another sender`);
  }
}

export interface MailNotifierOptions {
  mailer: Mailer;
  /** What was mailed, by notice identity (`<eventId>#<kind>`): each notice goes out at most once. */
  ledger: OnceLedger;
  clock: Clock;
  /** The sender, e.g. `casewatch support <support@support.example>`. */
  from: string;
  /** Domain of Message-IDs and of the per-case reply address (the inbound domain). */
  mailDomain: string;
  /** `deriveKey(secret, 'reply-address')`: signs the reply address so it routes to this case only. */
  replyKey: Uint8Array;
  /** `deriveKey(secret, 'message-id')`: signs Message-IDs, so only a mail we sent can be answered. */
  messageIdKey: Uint8Array;
  /** Leads' addresses: breaches, escalations, and notices for unassigned cases. */
  leads: string[];
  /** The survey page for a signed survey token. */
  surveyUrl: (token: string) => string;
  /** The meeting page for a signed meeting link and slot (docs/meetings.md#the-link); a proposal needs it. */
  meetingUrl?: PortalLinks['meetingUrl'];
  /** The case's page in the portal, linked from every mail about a case; no link when absent. */
  caseUrl?: PortalLinks['caseUrl'];
  timeZone?: string;
  brand?: string;
  /**
   * Told when the ledger cannot record a mail that did go out. The mail is not retried (that would
   * send it twice); the claim simply stays unconfirmed. Silent when absent.
   */
  onConfirmFailed?: (error: unknown, key: string) => void;
  /** Told when SES refuses a mail for good (see UNDELIVERABLE); it is recorded as done, not retried. */
  onUndeliverable?: (error: unknown, key: string) => void;
  /**
   * Who of the recipients may get the mail, asked once it is claimed (docs/mail.md#limits): bounced and
   * complained addresses and spent budgets are left out. Everyone, when absent.
   */
  screen?: MailScreen;
  /** Waits between looks at a busy claim (real time by default; tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

const CONFIRM_ATTEMPTS = 3;

/**
 * SES errors about this one mail (a malformed or rejected address, content SES refuses): retrying can
 * never succeed, and throwing would hold the stream's shard until the record expires. Account-wide
 * failures (sending paused, throttling, outages) are not here: those are retried.
 */
const UNDELIVERABLE = new Set(['BadRequestException', 'MessageRejected', 'InvalidParameterValue']);

/**
 * Who hears of what: customer mail goes to the requester; internal notices to the assignee (or the
 * leads when nobody is assigned), breaches to the assignee and the leads, escalations to the leads,
 * a meeting's notices to its organizer.
 */
function recipients(notice: Notice, audience: RenderedMail['audience'], leads: string[]): string[] {
  if (audience === 'customer') return notice.case.requester.email ? [notice.case.requester.email] : [];
  // A meeting's own notices go to the agent who organizes it.
  if ('meeting' in notice) return [notice.meeting.organizer];
  const assignee = notice.case.assignee ? [notice.case.assignee] : [];
  if (notice.kind === 'sla.breached') return [...new Set([...assignee, ...leads])];
  if (notice.kind === 'escalation.requested') return [...new Set(leads)];
  return assignee.length > 0 ? assignee : [...new Set(leads)];
}

/**
 * The `Notifier` over a `Mailer`: renders each notice (text + HTML), threads customer mail on the
 * case's root Message-ID with the signed reply address, and sends each (eventId, kind) at most once
 * per ledger, so redelivered stream records send nothing twice (docs/mail.md#each-mail-at-most-once).
 */
export function createMailNotifier(options: MailNotifierOptions): Notifier {
  const { mailer, ledger, clock, mailDomain, leads } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((ok) => setTimeout(ok, ms)));

  function compose(notice: Notice, rendered: RenderedMail, to: string[], now: Date): OutboundMail {
    const c = notice.case;
    const root = signedMessageId(c.id, undefined, options.messageIdKey, mailDomain);
    const customer = rendered.audience === 'customer';
    const threaded = customer && notice.kind !== 'acknowledgment';
    const invitation = meetingInvitation(notice, {
      mailDomain,
      brand: options.brand ?? 'casewatch',
      now,
      organizerName: agentDisplayName,
      organizerAddress: replyAddress(c.id, options.replyKey, mailDomain),
    });
    return {
      from: options.from,
      to,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId:
        notice.kind === 'acknowledgment'
          ? root
          : signedMessageId(
              c.id,
              `${notice.eventId}-${notice.kind.replace('.', '-')}`,
              options.messageIdKey,
              mailDomain,
            ),
      ...(threaded ? { inReplyTo: root, references: [root] } : {}),
      // The case's signed reply address, on the mail domain SES receives for: a customer's reply, and a
      // staff member's answer to a notice (an internal note, docs/mail.md#staff-replies), come back to the
      // case — the sender address may be on a domain casewatch does not receive mail for.
      replyTo: replyAddress(c.id, options.replyKey, mailDomain),
      automatic: rendered.automatic,
      date: now,
      ...(invitation ? { calendar: { method: invitation.method, content: invitationIcs(invitation) } } : {}),
      // SES reports bounces and complaints with these tags: the case they concern (docs/mail.md#bounces-and-complaints).
      tags: { casewatch: notice.kind, case: c.id },
    };
  }

  async function confirm(key: string, providerMessageId: string | null): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ledger.confirm(key, providerMessageId);
      } catch (error) {
        if (attempt < CONFIRM_ATTEMPTS) continue;
        options.onConfirmFailed?.(error, key);
        return;
      }
    }
  }

  return {
    async notify(notice) {
      const now = clock.now();
      // Composed before claiming: a notice that cannot be rendered must not leave a claim behind.
      const rendered = renderNotice(notice, {
        now: toInstant(now),
        surveyUrl: options.surveyUrl,
        ...(options.meetingUrl ? { meetingUrl: options.meetingUrl } : {}),
        // The link depends on who reads the mail: a buyer's carries their case token.
        ...(options.caseUrl ? { caseUrl: await options.caseUrl(notice.case, audienceOf(notice)) } : {}),
        ...(options.timeZone ? { timeZone: options.timeZone } : {}),
        ...(options.brand ? { brand: options.brand } : {}),
      });
      const to = recipients(notice, rendered.audience, leads);
      if (to.length === 0) return;
      const key = `${notice.eventId}#${notice.kind}`;
      // Busy is almost always this record's own earlier attempt that died mid-send: wait a little for
      // its lease to run out rather than spend one of the stream's few retries at once.
      let claim = await ledger.claim(key, clock.now());
      for (let waited = 0; claim === 'busy' && waited < BUSY_WAIT_MS; waited += BUSY_POLL_MS) {
        await sleep(BUSY_POLL_MS);
        claim = await ledger.claim(key, clock.now());
      }
      if (claim === 'done') return;
      if (claim === 'busy') throw new MailInFlightError(key);
      let sent: { providerMessageId: string | null };
      try {
        // Screened after the claim, so a replayed notice spends no budget twice.
        const allowed = options.screen
          ? await options.screen(
              { notice, audience: rendered.audience, automatic: rendered.automatic, to },
              toInstant(now),
            )
          : to;
        // Nobody may be mailed: the notice is done (the screen recorded why), never retried.
        if (allowed.length === 0) return await confirm(key, null);
        const mail = compose(notice, rendered, allowed, now);
        sent = await mailer.send(mail);
      } catch (error) {
        if (UNDELIVERABLE.has((error as { name?: string }).name ?? '')) {
          options.onUndeliverable?.(error, key);
          await confirm(key, null);
          return;
        }
        // A failed release only delays the retry until the lease runs out; the send error matters more.
        await ledger.release(key).catch(() => undefined);
        throw error;
      }
      await confirm(key, sent.providerMessageId);
    },
  };
}
