import type { Case, OpenCaseInput } from '../domain/case.ts';
import { postMessage as post } from '../domain/changes/post-message.ts';
import { caseIdFromMessageIds } from '../domain/email/addressing.ts';
import { caseSubjectOfMail } from '../domain/email/mail-subject.ts';
import { mailAttachmentName } from '../domain/file-name.ts';
import { toInstant } from '../domain/instant.ts';
import { attachmentKey, type BlobStore } from '../ports/blob-store.ts';
import { AlreadyAppliedError } from '../ports/case-store.ts';
import type {
  ArchiveReason,
  InboundMail,
  InboundMessage,
  MailArchive,
  SellerDirectory,
} from '../ports/inbound-mail.ts';
import type { Correspondents } from '../ports/mail-safeguards.ts';
import type { OnceLedger } from '../ports/once-ledger.ts';
import type { Actor } from './actor.ts';
import type { StoredFile } from './attachments.ts';
import { changeCase } from './change-case.ts';
import type { AppDeps } from './deps.ts';
import { ConflictError } from './errors.ts';
import { openCase } from './open-case.ts';
import { postMessage } from './post-message.ts';

export interface MailDeps extends AppDeps {
  blobs: BlobStore;
  archive: MailArchive;
  sellers: SellerDirectory;
  /** Who has written to us: their mail may repeat what their case says (docs/mail.md#who-gets-what). */
  correspondents: Correspondents;
  /** Messages handled, by `messageKey`: each lands once, however often it is delivered. */
  ledger: OnceLedger;
  /** The domain our reply addresses and Message-IDs use. */
  mailDomain: string;
  /** The address casewatch sends from: mail from it is our own, coming back. */
  senderAddress?: string;
  /**
   * The leads' addresses. They, a case's assignee and its meetings' organizers get our notices about it;
   * what they answer to one is an internal note on the case (docs/mail.md#staff-replies), never a case.
   */
  leads?: readonly string[];
  /** The case a signed reply address routes to; null when its token is not genuine (HMAC, in an adapter). */
  caseOfReplyAddress(address: string): string | null;
  /**
   * The case named by the latest of our Message-IDs among these (`In-Reply-To`, `References`) whose
   * signature is genuine; null when none is (HMAC, in an adapter).
   */
  caseOfMessageIds(ids: readonly string[]): string | null;
}

export type MailOutcome =
  | { kind: 'archived'; reason: ArchiveReason; archiveId: string }
  /**
   * This message (same sender and Message-ID) was handled before, by another delivery: nothing is done
   * again; this copy is archived as `duplicate` (absent when it is the very receipt handled before).
   */
  | { kind: 'duplicate'; archiveId?: string }
  /**
   * An internal note on a case: machine mail about it (an auto-reply to our mail), or a staff member's
   * answer to one of our notices.
   */
  | { kind: 'noted'; caseId: string; caseNumber: string }
  | { kind: 'posted'; caseId: string; caseNumber: string }
  | {
      kind: 'opened';
      caseId: string;
      caseNumber: string;
      /** The closed case the message was written to, when it opened a follow-up. */
      relatedCaseId: string | null;
    };

const MAX_SUBJECT = 200;
const MAX_TEXT = 20_000;
/** How much of an auto-reply's text an internal note keeps. */
const MAX_NOTE = 2_000;

/**
 * Inbound mail (docs/mail.md#handling-order): one received message becomes a customer message on its case, a
 * new case, or an archived copy (quarantine, or machine mail that must never be answered). Nothing is
 * dropped: a message that lands nowhere else is archived.
 *
 * A message threads onto a case only when one of its keys names the case — the signed reply address,
 * our signed Message-IDs in `In-Reply-To` / `References`, and, from an authenticated sender only, the
 * `[CW-…]` subject tag or one of our Message-IDs whose signature does not verify (as sent before they
 * were signed) — *and* its sender is the case's requester (or, for a seller case, someone of the same
 * seller). Staff answering our notices about a case add an internal note instead (`staffAnswering`). Keys are tried in that order; a
 * forged token is simply not a key. Anything else opens a new case. Machine mail only ever goes by the
 * first two, the keys nobody can forge.
 *
 * Each message is handled once, however often it is delivered (docs/mail.md#duplicates): its
 * `messageKey` is claimed in the ledger before anything is done, and written as the once-key of the case
 * change it makes, so a delivery racing past a crashed one cannot apply it twice either.
 */
export async function receiveMail(deps: MailDeps, raw: Buffer, mail: InboundMail): Promise<MailOutcome> {
  const receivedAt = toInstant(deps.clock.now());
  // Quarantine is evidence of abuse: every copy is kept, each as it came.
  if (mail.kind === 'quarantine')
    return archive(deps, raw, mail.reason, receivedAt, mail.from ?? null, mail.subject ?? null);
  const key = `message#${mail.messageKey}`;
  const claim = await deps.ledger.claim(key, deps.clock.now());
  if (claim === 'done') return duplicate(deps, raw, mail, receivedAt);
  if (claim === 'busy') throw new MessageInFlightError(key);
  try {
    const outcome = await receive(deps, raw, mail, receivedAt, key);
    await deps.ledger.confirm(key, null);
    return outcome;
  } catch (error) {
    // An earlier delivery wrote it and died before confirming: it is handled, this one is the duplicate.
    if (error instanceof AlreadyAppliedError) {
      await deps.ledger.confirm(key, null);
      return duplicate(deps, raw, mail, receivedAt);
    }
    await deps.ledger.release(key).catch(() => undefined);
    throw error;
  }
}

/** Another delivery of this message is being handled right now: thrown, so this one is retried later. */
export class MessageInFlightError extends Error {
  public override readonly name = 'MessageInFlightError';
  public constructor(public readonly key: string) {
    super(`message ${key} is being handled by another delivery`);
  }
}

async function duplicate(
  deps: MailDeps,
  raw: Buffer,
  mail: InboundMessage,
  receivedAt: ReturnType<typeof toInstant>,
): Promise<MailOutcome> {
  const kept = await deps.archive.keep(raw, {
    reason: 'duplicate',
    receivedAt,
    from: mail.from,
    subject: mail.subject,
  });
  return { kind: 'duplicate', archiveId: kept.id };
}

async function receive(
  deps: MailDeps,
  raw: Buffer,
  mail: InboundMessage,
  receivedAt: ReturnType<typeof toInstant>,
  onceKey: string,
): Promise<MailOutcome> {
  // Our own mail coming back (a loop through a forwarding rule, or someone spoofing us) is never a case.
  if (isOwnAddress(deps, mail.from))
    return archive(deps, raw, 'automatic', receivedAt, mail.from, mail.subject);
  if (mail.automatic && !mail.list) {
    // An auto-reply to one of our mails (an out-of-office on the reply address) is worth an agent's
    // glance: an internal note on that case - never an answer, never a status change.
    const about = await machineMailCase(deps, mail);
    if (about) {
      const note = `Automatic reply from ${mail.from} (not shown to the customer, not answered):\n\n${
        mail.text.trim().slice(0, MAX_NOTE) || mail.subject
      }`;
      try {
        const noted = await changeCase(
          deps,
          { kind: 'system' },
          about.id,
          undefined,
          (c, now) =>
            post(
              c,
              { body: note, visibility: 'internal', author: 'system', channel: 'email' },
              now,
              deps.policy,
            ),
          { onceKey },
        );
        return { kind: 'noted', caseId: noted.case.id, caseNumber: noted.case.number };
      } catch (error) {
        // Closed meanwhile (its auto-close fell due): nobody works the case any more; keep the mail.
        if (!(error instanceof ConflictError && error.refused)) throw error;
      }
    }
    return archive(deps, raw, 'automatic', receivedAt, mail.from, mail.subject);
  }

  // One read per case, however many of the steps below ask for it.
  const reads = new Map<string, Promise<Case | null>>();
  const caseById = (id: string) => {
    const known = reads.get(id);
    if (known) return known;
    const read = deps.store.get(id);
    reads.set(id, read);
    return read;
  };
  const staff = await staffAnswering(deps, mail, caseById);
  if (staff) return noteFromStaff(deps, raw, mail, staff, onceKey);

  // A person wrote to us from this address: our mail to it may repeat what their cases say. (List mail
  // may come from a group's address, not a person's; and anyone can put any address in `From`.)
  if (!mail.automatic && mail.authenticated) await deps.correspondents.noteWrote(mail.from, receivedAt);

  // Who is a seller is asked only when it matters (a lookup per mail would tie all mail to Cognito).
  let seller: Promise<string | null> | undefined;
  const sellerId = () => {
    seller ??= deps.sellers.sellerIdOf(mail.from);
    return seller;
  };
  const target = await threadTarget(deps, mail, sellerId, caseById);
  // List mail (a requester writing through a group) may join their open case; it never opens one.
  if (mail.automatic && (!target || target.status === 'closed'))
    return archive(deps, raw, 'automatic', receivedAt, mail.from, mail.subject);
  if (target && target.status !== 'closed') {
    const actor: Actor =
      target.type === 'consumer'
        ? { kind: 'consumer', caseId: target.id }
        : { kind: 'seller', email: mail.from, sellerId: target.requester.sellerId ?? '' };
    const attachments = await storeAttachments(deps, target.id, mail);
    const posted = await postMessage(deps, actor, target.id, {
      body: bodyOf(mail),
      channel: 'email',
      attachments,
      onceKey,
      // A reply to "we could not find your order number…" completes the case.
      details: mail.extracted,
    });
    if (posted.kind === 'posted')
      return { kind: 'posted', caseId: posted.case.id, caseNumber: posted.case.number };
    // Auto-closed between the read and the write: the message opened a follow-up case.
    return {
      kind: 'opened',
      caseId: posted.opened.case.id,
      caseNumber: posted.opened.case.number,
      relatedCaseId: posted.closedCaseId,
    };
  }
  return openFromMail(deps, mail, await sellerId(), target, onceKey);
}

/** The Message-IDs a mail answers. */
const answered = (mail: InboundMessage) => [mail.inReplyTo ?? '', ...mail.references];

/**
 * The case ids named by keys nobody can forge or guess, in the order they are tried: the signed reply
 * address, then our signed Message-IDs the mail answers (never the subject tag or an unsigned id, which
 * anyone can type).
 */
function signedCaseIds(deps: MailDeps, mail: InboundMessage): (string | null)[] {
  return [
    mail.replyTokenAddress ? deps.caseOfReplyAddress(mail.replyTokenAddress) : null,
    deps.caseOfMessageIds(answered(mail)),
  ];
}

/** The open case machine mail is about: only the keys of `signedCaseIds` count here. */
async function machineMailCase(deps: MailDeps, mail: InboundMessage): Promise<Case | null> {
  const id = signedCaseIds(deps, mail).find((key) => key !== null);
  const c = id ? await deps.store.get(id) : null;
  return c && c.status !== 'closed' ? c : null;
}

/**
 * A staff member answering our mail about a case (an at-risk or breach notice, an escalation, a meeting's):
 * the mail names the case by a key nobody can forge, its sender is authenticated, and it is the case's
 * assignee, one of its meetings' organizers, or a lead — and not the case's requester.
 */
async function staffAnswering(
  deps: MailDeps,
  mail: InboundMessage,
  caseById: (id: string) => Promise<Case | null>,
): Promise<{ case: Case; actor: Extract<Actor, { kind: 'staff' }> } | null> {
  if (!mail.authenticated) return null;
  const id = signedCaseIds(deps, mail).find((key) => key !== null);
  const c = id ? await caseById(id) : null;
  if (!c || c.requester.email?.toLowerCase() === mail.from) return null;
  const isLead = (deps.leads ?? []).some((a) => a.toLowerCase() === mail.from);
  const works =
    c.assignee?.toLowerCase() === mail.from ||
    c.meetings.some((m) => m.organizer.toLowerCase() === mail.from);
  if (!isLead && !works) return null;
  return { case: c, actor: { kind: 'staff', role: isLead ? 'lead' : 'agent', email: mail.from } };
}

/** What a staff member answers to a notice lands as their internal note; a closed case keeps the mail only. */
async function noteFromStaff(
  deps: MailDeps,
  raw: Buffer,
  mail: InboundMessage,
  staff: { case: Case; actor: Extract<Actor, { kind: 'staff' }> },
  onceKey: string,
): Promise<MailOutcome> {
  const { case: c, actor } = staff;
  try {
    const posted = await postMessage(deps, actor, c.id, {
      body: bodyOf(mail),
      internal: true,
      channel: 'email',
      attachments: await storeAttachments(deps, c.id, mail),
      onceKey,
    });
    const at = posted.kind === 'posted' ? posted.case : c;
    return { kind: 'noted', caseId: at.id, caseNumber: at.number };
  } catch (error) {
    if (!(error instanceof ConflictError && error.refused)) throw error;
    return archive(deps, raw, 'closed', toInstant(deps.clock.now()), mail.from, mail.subject);
  }
}

/** The first case one of the message's keys names whose requester (or seller) sent it. */
async function threadTarget(
  deps: MailDeps,
  mail: InboundMessage,
  sellerId: () => Promise<string | null>,
  caseById: (id: string) => Promise<Case | null>,
): Promise<Case | null> {
  const byId = (id: string | null) => async () => (id ? caseById(id) : null);
  const candidates: (() => Promise<Case | null>)[] = [
    ...signedCaseIds(deps, mail).map(byId),
    // Keys anyone can type (the tag; our Message-IDs as sent before they were signed, or under a secret
    // since rotated) count only with a `From` the sender's domain vouches for: else a forged `From` and a
    // case number would be enough to write on someone's case.
    ...(mail.authenticated
      ? [
          async () => (mail.caseTag ? deps.store.getByNumber(mail.caseTag) : null),
          byId(caseIdFromMessageIds(answered(mail), deps.mailDomain)),
        ]
      : []),
  ];
  for (const candidate of candidates) {
    const c = await candidate();
    if (c && (await isParticipant(c, mail.from, sellerId))) return c;
  }
  return null;
}

async function isParticipant(
  c: Case,
  from: string,
  sellerId: () => Promise<string | null>,
): Promise<boolean> {
  if (c.requester.email !== null && c.requester.email.toLowerCase() === from) return true;
  if (c.type !== 'seller' || c.requester.sellerId === null) return false;
  return (await sellerId()) === c.requester.sellerId;
}

function isOwnAddress(deps: MailDeps, from: string): boolean {
  const address = from.toLowerCase();
  if (deps.senderAddress && address === deps.senderAddress.toLowerCase()) return true;
  return address.endsWith(`@${deps.mailDomain.toLowerCase()}`);
}

async function openFromMail(
  deps: MailDeps,
  mail: InboundMessage,
  sellerId: string | null,
  closed: Case | null,
  onceKey: string,
): Promise<MailOutcome> {
  const relatedCaseId = closed?.id ?? null;
  const subject =
    caseSubjectOfMail(mail.subject, mail.answering === true).slice(0, MAX_SUBJECT) || '(no subject)';
  const common = { subject, description: bodyOf(mail) };
  const input: OpenCaseInput = sellerId
    ? { type: 'seller', ...common }
    : {
        type: 'consumer',
        ...common,
        email: mail.from,
        // Blank when the mail does not say: the case is created anyway and the sender asked
        // (docs/mail.md#missing-fields). A follow-up of a closed case keeps the purchase it was about unless
        // the mail names another.
        orderNumber: mail.extracted.orderNumber ?? closed?.orderNumber ?? '',
        billingDescriptor: mail.extracted.billingDescriptor ?? closed?.billingDescriptor ?? '',
      };
  const actor: Actor = sellerId ? { kind: 'seller', email: mail.from, sellerId } : { kind: 'anonymous' };
  const caseId = deps.ids.next();
  const attachments = await storeAttachments(deps, caseId, mail);
  const opened = await openCase(deps, actor, input, {
    channel: 'email',
    caseId,
    attachments,
    relatedCaseId,
    onceKey,
  });
  return { kind: 'opened', caseId: opened.case.id, caseNumber: opened.case.number, relatedCaseId };
}

/**
 * Files kept from one mail: a case write is one transaction (at most 100 items) and each file is two of
 * them (its event and its record), beside the case, its counters, the message, the deadlines it settles
 * and its once-marker; so a mail with more files keeps the first ones and says so in the message.
 */
const MAX_ATTACHMENTS = 40;

function bodyOf(mail: InboundMessage): string {
  const dropped = Math.max(0, mail.attachments.length - MAX_ATTACHMENTS);
  const note =
    dropped > 0 ? `\n\n(${dropped} more attached files were not kept; ask for them if needed.)` : '';
  const text = mail.text.trim();
  if (text) return text.slice(0, MAX_TEXT - note.length) + note;
  return (mail.attachments.length > 0 ? '(no text; see the attached files)' : '(empty message)') + note;
}

/**
 * The mail's files, stored before the case write that records them. Each is named by the file-name rule
 * uploads follow; one whose own name fails it gets a generated one (`attachment-2.pdf`): a mail is never
 * refused for a name (docs/mail.md#attachments).
 */
async function storeAttachments(deps: MailDeps, caseId: string, mail: InboundMessage): Promise<StoredFile[]> {
  const stored: StoredFile[] = [];
  for (const [i, a] of mail.attachments.slice(0, MAX_ATTACHMENTS).entries()) {
    const attachmentId = deps.ids.next();
    const fileName = mailAttachmentName(a.fileName, i + 1, a.contentType);
    const blobKey = attachmentKey(caseId, attachmentId, fileName);
    await deps.blobs.put(blobKey, a.content, a.contentType);
    stored.push({ attachmentId, fileName, contentType: a.contentType, size: a.size, blobKey });
  }
  return stored;
}

async function archive(
  deps: MailDeps,
  raw: Buffer,
  reason: ArchiveReason,
  receivedAt: ReturnType<typeof toInstant>,
  from: string | null,
  subject: string | null,
): Promise<MailOutcome> {
  const kept = await deps.archive.keep(raw, { reason, receivedAt, from, subject });
  return { kind: 'archived', reason, archiveId: kept.id };
}
