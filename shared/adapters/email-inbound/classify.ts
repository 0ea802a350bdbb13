import { createHash } from 'node:crypto';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { caseNumberFromSubject, withoutLinkCredentials } from '../../domain/email/addressing.ts';
import { subjectKind } from '../../domain/email/mail-subject.ts';
import { mailAttachmentName } from '../../domain/file-name.ts';
import type { InboundMail, InboundMessage } from '../../ports/inbound-mail.ts';
import { extractFields } from './extract-fields.ts';
import { htmlReplyText } from './html-text.ts';
import { stripQuotedHistory } from './quoted-history.ts';

/**
 * Reads one raw inbound message (as SES stores it in S3) and decides what it is, per
 * docs/mail.md#handling-order. Pure apart from parsing: no store, no clock. Threading against stored cases,
 * creating cases and replying happen elsewhere; this only says "quarantine" or hands back a normalised mail
 * with its threading keys.
 *
 * Verdicts. SES gives spam/virus/SPF/DKIM/DMARC verdicts in the Lambda event (`receipt.spamVerdict.status`
 * …) — pass those as `options.verdicts`; they win over headers. When the message is read on its own (from
 * S3, or locally) the verdicts come from the headers SES adds on receipt:
 *   - `X-SES-Spam-Verdict: PASS|FAIL|GRAY|PROCESSING_FAILED`, `X-SES-Virus-Verdict: …`
 *   - `Authentication-Results: amazonses.com; spf=pass …; dkim=pass …; dmarc=pass …` (the first one whose
 *     topmost, when its authserv-id is amazonses.com: SES prepends it; a sender's own is never read)
 *   - `Received-SPF: pass|fail|softfail|neutral|none|temperror|permerror …` (SPF when Authentication-Results
 *     has none)
 * Result mapping: pass → PASS, fail → FAIL, temperror/permerror → PROCESSING_FAILED, anything else → GRAY.
 * Only FAIL quarantines: a gray or unavailable verdict is not evidence of abuse. A DMARC pass outweighs an
 * SPF or DKIM failure: it means an aligned check passed, and a forwarder breaks SPF as a matter of course.
 *
 * Whether the sender is who `From` says (`authenticated`, docs/mail.md#who-is-the-sender): a DMARC pass, or
 * a DKIM or SPF pass for the `From` domain (or a parent or child of it) — what DMARC would have checked,
 * for the many domains that publish no DMARC policy, read from SES's own header only (`passedDomains`).
 * A mail about which nothing at all is reported counts as authenticated only with `trustUnreported` (the
 * local runtime, which has no SES); SES reports on every message it receives.
 */
export type Verdict = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED';
export type VerdictName = 'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc';
export type Verdicts = Partial<Record<VerdictName, Verdict>>;

export interface ReadInboundOptions {
  verdicts?: Verdicts;
  /** Envelope recipients (the Lambda event's `receipt.recipients`); a Bcc'd reply address shows only here. */
  recipients?: string[];
  /**
   * A mail nothing is reported about (no verdicts, no SES `Authentication-Results`) counts as its sender's:
   * only the local runtime, which has no SES, says so. In AWS SES reports on every message.
   */
  trustUnreported?: boolean;
}

export type {
  InboundAttachment,
  InboundMail,
  InboundMessage,
  QuarantineReason,
} from '../../ports/inbound-mail.ts';

/** Checked in this order; the first failing verdict names the quarantine reason. */
const VERDICT_ORDER: VerdictName[] = ['virus', 'spam', 'dmarc', 'spf', 'dkim'];

const REPLY_TOKEN_ADDRESS = /^case\+[^@\s]+@[^@\s]+$/i;

export async function readInbound(raw: Buffer, options: ReadInboundOptions = {}): Promise<InboundMail> {
  try {
    // HTML is converted here, not by mailparser, so that its quote markup survives (./html-text.ts).
    const mail = await simpleParser(raw, { skipImageLinks: true, skipHtmlToText: true });
    return classify(mail, raw, options);
  } catch {
    return { kind: 'quarantine', reason: 'unparseable' };
  }
}

function classify(mail: ParsedMail, raw: Buffer, options: ReadInboundOptions): InboundMail {
  const headers = rawHeaders(mail);
  const sender = mail.from?.value.find((a) => typeof a.address === 'string' && a.address.includes('@'));
  if (sender?.address === undefined) return { kind: 'quarantine', reason: 'unparseable' };

  const subject = (mail.subject ?? '').trim();
  const verdicts = { ...verdictsFromHeaders(headers), ...options.verdicts };
  const outweighed = (name: VerdictName) => verdicts.dmarc === 'PASS' && (name === 'spf' || name === 'dkim');
  const failed = VERDICT_ORDER.find((name) => verdicts[name] === 'FAIL' && !outweighed(name));
  if (failed !== undefined)
    return { kind: 'quarantine', reason: failed, from: sender.address.toLowerCase(), subject };

  // The text part when there is one with words in it, else the HTML: the client's own text is the truer copy.
  const source =
    mail.text?.trim() || typeof mail.html !== 'string' ? (mail.text ?? '') : htmlReplyText(mail.html);
  // A mail that names one of ours (a reply's headers, or our tag) answers it, whatever its subject says.
  const answering = Boolean(mail.inReplyTo || mail.references || caseNumberFromSubject(subject));
  const kind = subjectKind(subject, answering) ?? (mail.inReplyTo || mail.references ? 'reply' : null);
  const text = withoutLinkCredentials(stripQuotedHistory(source.replace(INLINE_IMAGE_PLACEHOLDER, ''), kind));
  const to = [...addresses(mail.to), ...addresses(mail.cc)];
  const tokenCandidates = [...(options.recipients ?? []), ...to.map((a) => a.original)];
  const replyTokenAddress = tokenCandidates.map((a) => a.trim()).find((a) => REPLY_TOKEN_ADDRESS.test(a));
  const caseTag = caseNumberFromSubject(subject) ?? undefined;
  const references = (Array.isArray(mail.references) ? mail.references : [mail.references ?? ''])
    .flatMap((r) => r.split(/\s+/))
    .filter((r) => r !== '');
  const fromName = sender.name?.trim();

  const result: InboundMessage = {
    kind: 'mail',
    from: sender.address.toLowerCase(),
    to: to.map((a) => a.lower),
    subject,
    text,
    attachments: mail.attachments.map((a, i) => ({
      // A file the mail names not at all is named as one whose name is unusable (`attachment-2.pdf`).
      fileName: a.filename ?? mailAttachmentName('', i + 1, a.contentType),
      contentType: a.contentType,
      size: a.size ?? a.content.length,
      content: a.content,
    })),
    references,
    messageKey: messageKey(mail, headers, raw, sender.address.toLowerCase(), subject),
    automatic: isAutomatic(mail, headers, sender.address, subject),
    list: isListMail(headers),
    authenticated: isAuthenticated(verdicts, headers, sender.address, options.trustUnreported === true),
    // The sender's own words: an interleaved reply keeps quoted lines of our mail, whose examples
    // ("e.g. FSPRG*ACME") are not the customer's purchase.
    extracted: extractFields(
      subject,
      text
        .split('\n')
        .filter((l) => !l.trimStart().startsWith('>'))
        .join('\n'),
    ),
  };
  if (fromName) result.fromName = fromName;
  if (answering) result.answering = true;
  if (mail.messageId) result.messageId = mail.messageId;
  if (mail.inReplyTo) result.inReplyTo = mail.inReplyTo.trim().split(/\s+/)[0] ?? mail.inReplyTo;
  if (caseTag !== undefined) result.caseTag = caseTag;
  if (replyTokenAddress !== undefined) result.replyTokenAddress = replyTokenAddress;
  return result;
}

/**
 * One message, however often and by whatever route it arrives (docs/mail.md#duplicates). The Message-ID
 * names a message for its sender (RFC 5322), so the key is the two together: a stranger reusing someone's
 * Message-ID has another key. A mail without one is named by what a resend repeats byte for byte — sender,
 * `Date` header, subject and the body as sent — and not by the headers each hop adds (`Received`, SES's).
 */
function messageKey(
  mail: ParsedMail,
  headers: Map<string, string[]>,
  raw: Buffer,
  from: string,
  subject: string,
): string {
  const hash = createHash('sha256');
  if (mail.messageId?.trim()) hash.update(`id\n${from}\n${mail.messageId.trim()}`);
  else {
    // Line ends as each hop writes them (SMTP sends CRLF, a file may hold LF): the same body either way.
    const message = raw.toString('latin1').replace(/\r\n/g, '\n');
    const blank = message.indexOf('\n\n');
    const body = blank >= 0 ? message.slice(blank + 2) : '';
    hash.update(`body\n${from}\n${headers.get('date')?.[0] ?? ''}\n${subject}\n`).update(body, 'latin1');
  }
  return hash.digest('base64url');
}

/** Header values by lower-cased name, in message order, unfolded but not decoded. */
function rawHeaders(mail: ParsedMail): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of mail.headerLines) {
    if (key === '') continue;
    const colon = line.indexOf(':');
    const value = (colon === -1 ? '' : line.slice(colon + 1)).replace(/\r?\n[ \t]+/g, ' ').trim();
    const list = map.get(key) ?? [];
    list.push(value);
    map.set(key, list);
  }
  return map;
}

function addresses(
  field: AddressObject | AddressObject[] | undefined,
): { original: string; lower: string }[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const out: { original: string; lower: string }[] = [];
  const visit = (list: AddressObject['value']) => {
    for (const a of list) {
      if (a.group) visit(a.group);
      if (a.address?.includes('@')) out.push({ original: a.address, lower: a.address.toLowerCase() });
    }
  };
  for (const o of objects) visit(o.value);
  return out;
}

function toVerdict(result: string | undefined): Verdict | undefined {
  if (result === undefined) return undefined;
  const r = result.trim().toLowerCase();
  if (r === '') return undefined;
  if (r === 'pass') return 'PASS';
  if (r === 'fail') return 'FAIL';
  if (r === 'processing_failed' || r === 'temperror' || r === 'permerror') return 'PROCESSING_FAILED';
  return 'GRAY';
}

/**
 * SES's own `Authentication-Results`: the topmost one, SES's prepended above anything the sender wrote,
 * and only when its authserv-id is `amazonses.com`; a sender's own header is never read.
 */
function sesResults(headers: Map<string, string[]>): string | undefined {
  const top = headers.get('authentication-results')?.[0];
  return top !== undefined && /^\s*amazonses\.com\s*;/i.test(top) ? top : undefined;
}

function verdictsFromHeaders(headers: Map<string, string[]>): Verdicts {
  const verdicts: Verdicts = {};
  const spam = toVerdict(headers.get('x-ses-spam-verdict')?.[0]?.split(/\s/)[0]);
  if (spam) verdicts.spam = spam;
  const virus = toVerdict(headers.get('x-ses-virus-verdict')?.[0]?.split(/\s/)[0]);
  if (virus) verdicts.virus = virus;

  const auth = sesResults(headers);
  if (auth !== undefined) {
    for (const method of ['spf', 'dkim', 'dmarc'] as const) {
      // Several DKIM signatures may be reported; any failure of the method counts as its verdict.
      const found = [...auth.matchAll(new RegExp(`(?:^|[;\\s])${method}=([a-z_]+)`, 'gi'))].map((m) =>
        toVerdict(m[1]),
      );
      const verdict = found.includes('FAIL') ? 'FAIL' : found.find((v) => v !== undefined);
      if (verdict) verdicts[method] = verdict;
    }
  }
  if (verdicts.spf === undefined) {
    const spf = toVerdict(headers.get('received-spf')?.[0]?.split(/[\s(;]/)[0]);
    if (spf) verdicts.spf = spf;
  }
  return verdicts;
}

/**
 * Subjects of out-of-office and other automatic replies that carry none of the headers saying so, in the
 * languages casewatch's customers write (Lotus Notes' "AUTO:", Outlook's "Automatische Antwort:", …).
 */
const AUTO_REPLY_SUBJECT =
  /^(automatic reply|auto[- ]?reply|auto[- ]?response|auto:|out of (the )?office|abwesenheitsnotiz|automatische antwort|réponse automatique|absence du bureau|respuesta automática|fuera de la oficina|risposta automatica|fuori sede|resposta automática|automatisch antwoord|autosvar|автоответ|автоматический ответ|自動応答|自動返信|不在通知)/iu;
/** Outlook's `[cid:image001.png@…]`: where an inline image sat in the HTML, left in the text part. */
const INLINE_IMAGE_PLACEHOLDER = /\[cid:[^\]\s]{1,200}\]/g;
const BOUNCE_SENDER = /^(mailer-daemon|postmaster)@/i;

/** Distributed by a mailing list (RFC 2369 / 2919 headers, `Precedence: list`). */
function isListMail(headers: Map<string, string[]>): boolean {
  if (headers.has('list-id') || headers.has('list-post')) return true;
  return /^list\b/.test(headers.get('precedence')?.[0]?.toLowerCase() ?? '');
}

/** RFC 3834 and the de-facto headers: anything machine-sent, bounced or list-distributed is never answered. */
function isAutomatic(
  mail: ParsedMail,
  headers: Map<string, string[]>,
  from: string,
  subject: string,
): boolean {
  const first = (name: string) => headers.get(name)?.[0]?.toLowerCase();
  const returnPath = first('return-path');
  if (returnPath !== undefined && /^<?\s*>?$/.test(returnPath)) return true;
  if (BOUNCE_SENDER.test(from)) return true;
  const autoSubmitted = first('auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted.split(/[\s;(]/)[0] !== 'no') return true;
  const precedence = first('precedence');
  if (precedence !== undefined && /^(bulk|list|junk|auto_reply)\b/.test(precedence)) return true;
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'list-id', 'list-unsubscribe'])
    if (headers.has(name)) return true;
  // Exchange marks what it sends on its own (out-of-office, receipts) so that others do not answer it.
  if (/\b(all|oof|autoreply)\b/.test(first('x-auto-response-suppress') ?? '')) return true;
  if (/^multipart\/report\b/.test(first('content-type') ?? '')) return true;
  if (mail.attachments.some((a) => a.contentType === 'message/delivery-status')) return true;
  return AUTO_REPLY_SUBJECT.test(subject);
}

/** A domain as the results name it: letters, digits, dots and hyphens, nothing an attacker could smuggle. */
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** The domain of `value` (an address, `@domain` or a domain), or null when it is not a plain one. */
function domainIn(value: string): string | null {
  const domain = value.slice(value.lastIndexOf('@') + 1).toLowerCase();
  return DOMAIN.test(domain) ? domain : null;
}

/** Relaxed alignment, as DMARC has it, approximated: the same domain, or one a subdomain of the other. */
const aligned = (a: string, b: string) => a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);

/**
 * The domains SES's own `Authentication-Results` says passed DKIM (`header.d=`, `header.i=`) and SPF
 * (`smtp.mailfrom=`, or SES's `envelope-from=` in the segment after `spf=`). The sender chooses its
 * envelope sender and HELO name and SES writes them into this header, so only what sits where SES puts
 * the property counts: quoted strings and comments are dropped first, each property is read only in its
 * method's own segment (the envelope sender only as the first word of the segment after it), and a value
 * that is not a plain domain or address counts for nothing.
 */
function passedDomains(header: string): { dkim: string[]; spf: string[] } {
  let plain = header.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  // Comments nest: "(a (b) c)".
  while (/\([^()]*\)/.test(plain)) plain = plain.replace(/\([^()]*\)/g, ' ');
  const segments = plain.split(';').map((part) => part.trim().split(/\s+/));
  const out = { dkim: [] as string[], spf: [] as string[] };
  const take = (list: string[], token: string | undefined, keys: string[]) => {
    const [key, value, ...rest] = (token ?? '').split('=');
    if (rest.length > 0 || value === undefined || !keys.includes((key ?? '').toLowerCase())) return;
    const domain = domainIn(value);
    if (domain) list.push(domain);
  };
  for (const [i, words] of segments.entries()) {
    const method = /^(spf|dkim)=pass$/i.exec(words[0] ?? '')?.[1]?.toLowerCase();
    if (method === 'dkim') for (const w of words.slice(1)) take(out.dkim, w, ['header.d', 'header.i']);
    if (method === 'spf') {
      for (const w of words.slice(1)) take(out.spf, w, ['smtp.mailfrom']);
      take(out.spf, segments[i + 1]?.[0], ['envelope-from']);
    }
  }
  return out;
}

function isAuthenticated(
  verdicts: Verdicts,
  headers: Map<string, string[]>,
  from: string,
  trustUnreported: boolean,
): boolean {
  if (verdicts.dmarc === 'PASS') return true;
  const ses = sesResults(headers);
  if (ses === undefined)
    return (
      trustUnreported &&
      verdicts.spf === undefined &&
      verdicts.dkim === undefined &&
      verdicts.dmarc === undefined
    );
  const fromDomain = domainIn(from);
  if (fromDomain === null) return false;
  const passed = passedDomains(ses);
  // A pass the header claims counts only when the method's verdict (the receipt's, in AWS) agrees.
  return (
    (verdicts.dkim === 'PASS' && passed.dkim.some((d) => aligned(d, fromDomain))) ||
    (verdicts.spf === 'PASS' && passed.spf.some((d) => aligned(d, fromDomain)))
  );
}
