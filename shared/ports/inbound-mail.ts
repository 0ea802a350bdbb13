import type { Instant } from '../domain/instant.ts';

/** An inbound message as the mail reader (mailparser) hands it over: quarantined, or readable. */
export interface InboundAttachment {
  /** As the mail names it (or generated, when it names none); `mailAttachmentName` decides what it is kept as. */
  fileName: string;
  contentType: string;
  size: number;
  content: Buffer;
}

export type QuarantineReason = 'unparseable' | 'virus' | 'spam' | 'dmarc' | 'spf' | 'dkim';

export interface InboundMessage {
  kind: 'mail';
  /** Lower-cased sender address. */
  from: string;
  fromName?: string;
  /** Lower-cased To and Cc addresses. */
  to: string[];
  subject: string;
  /** Best text (text part, else the HTML as text), with quoted history removed where reliably detectable. */
  text: string;
  attachments: InboundAttachment[];
  messageId?: string;
  /**
   * The same message, whichever route it came by (an SMTP retry, one mail to two of our addresses, a
   * second SES delivery): a hash of the sender and its Message-ID, or for a mail without one, of the
   * sender, `Date`, subject and body as sent (docs/mail.md#duplicates).
   */
  messageKey: string;
  inReplyTo?: string;
  references: string[];
  /**
   * The mail names one of ours — `In-Reply-To`/`References`, or our subject tag — so short subject prefixes
   * such as Italian "R:" read as prefixes (docs/mail.md#new-cases-from-mail).
   */
  answering?: boolean;
  /** The case number from a `[CW-XXXXXX]` or `[#CW-XXXXXX]` subject tag. */
  caseTag?: string;
  /** A `case+…@…` recipient (the signed reply address), exactly as addressed. */
  replyTokenAddress?: string;
  /** Auto-reply, bounce, report or list mail: never answer it automatically. */
  automatic: boolean;
  /** Mailing-list mail (also `automatic`): may land on a case its sender is the requester of, never opens one. */
  list?: boolean;
  /**
   * The sender is who `From` says, as far as SPF, DKIM and DMARC tell (docs/mail.md#who-is-the-sender). An
   * unauthenticated sender's mail joins a case only by the signed reply address, and does not make its
   * address one that has written to us.
   */
  authenticated: boolean;
  /** Consumer-case fields found in the words, when present (never guessed). */
  extracted: { orderNumber?: string; billingDescriptor?: string };
}

export type InboundMail =
  /** `from` and `subject` when the message was readable enough to tell (for whoever triages the quarantine). */
  { kind: 'quarantine'; reason: QuarantineReason; from?: string; subject?: string } | InboundMessage;

/** Why a received message was kept aside instead of landing on a case. */
export type ArchiveReason =
  | 'unparseable'
  | 'virus'
  | 'spam'
  | 'dmarc'
  | 'spf'
  | 'dkim'
  /** Auto-replies, bounces, list mail: kept for the record, never answered, never a case. */
  | 'automatic'
  /** Another delivery of a message already handled (the same sender and Message-ID). */
  | 'duplicate'
  /** A staff member's answer to one of our notices about a case closed since: nothing may be added to it. */
  | 'closed';

export interface ArchivedMail {
  id: string;
  reason: ArchiveReason;
  receivedAt: Instant;
  from: string | null;
  subject: string | null;
}

/** Where mail that does not land on a case is kept (docs/mail.md#quarantine: quarantined, never dropped). */
export interface MailArchive {
  keep(raw: Buffer, entry: Omit<ArchivedMail, 'id'>): Promise<ArchivedMail>;
}

/** Which seller an address belongs to (Cognito in AWS); null for anyone else. */
export interface SellerDirectory {
  sellerIdOf(email: string): Promise<string | null>;
}
