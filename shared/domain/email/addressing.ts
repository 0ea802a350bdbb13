import { CASE_NUMBER_SOURCE } from '../case.ts';

/**
 * Pure formatting and parsing of the identifiers outbound mail carries so that replies route back to
 * their case (docs/mail.md#threading-and-message-ids): the per-case reply address, `Message-ID`s (per mail,
 * and the case's thread root), and the `[CW-XXXXXX]` subject tag. The HMACs that sign the reply address and
 * the Message-IDs are computed and checked in `shared/adapters/email/` (`reply-address.ts`,
 * `message-ids.ts`).
 */

/** Case ids (ULIDs, or anything of letters, digits, `_` and `-`) fit an address's local part; no dots. */
const CASE_ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;
/** The token alphabet (lowercase RFC 4648 base32); compared without regard to letter case. */
const REPLY_TOKEN_PATTERN = /^[a-z2-7]{8,64}$/;
const EVENT_ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;
const DOMAIN_PATTERN =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** A domain reply addresses and Message-IDs can be built on (`mail.example.com`). */
export function isMailDomain(domain: string): boolean {
  return DOMAIN_PATTERN.test(domain);
}

function assertDomain(domain: string): void {
  if (!isMailDomain(domain)) throw new RangeError(`not a mail domain: ${JSON.stringify(domain)}`);
}

function assertCaseId(caseId: string): void {
  if (!CASE_ID_PATTERN.test(caseId))
    throw new RangeError(`case id cannot go in an address: ${JSON.stringify(caseId)}`);
}

/** `case+<caseId>.<token>@<domain>`. */
export function formatReplyAddress(caseId: string, token: string, domain: string): string {
  assertCaseId(caseId);
  assertDomain(domain);
  if (!REPLY_TOKEN_PATTERN.test(token)) throw new RangeError('reply token must be lowercase base32');
  return `case+${caseId}.${token}@${domain}`;
}

/**
 * The case id and token of a reply address on `domain` (an optional `<…>` around it is allowed), or
 * null when it is not one. Says nothing about whether the token is genuine.
 */
export function splitReplyAddress(address: string, domain: string): { caseId: string; token: string } | null {
  let a = address.trim();
  if (a.startsWith('<') && a.endsWith('>')) a = a.slice(1, -1).trim();
  const at = a.lastIndexOf('@');
  if (at < 0) return null;
  if (a.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return null;
  const m = /^case\+([0-9A-Za-z_-]{1,64})\.([A-Za-z2-7]{8,64})$/i.exec(a.slice(0, at));
  if (!m) return null;
  return { caseId: m[1] as string, token: (m[2] as string).toLowerCase() };
}

/**
 * What one of our Message-IDs names, before its signature: the case's thread root `case.<caseId>` (the
 * acknowledgment's id, which every later customer mail names in `In-Reply-To` / `References`, so mail
 * clients show one thread per case), or one mail about one event `event.<eventPart>.case.<caseId>`.
 * The signature (an HMAC of this text, computed in `shared/adapters/email/message-ids.ts`) follows it:
 * `<case.<caseId>.<signature>@<domain>>` (docs/mail.md#threading-and-message-ids).
 */
export function messageIdBase(caseId: string, eventPart?: string): string {
  assertCaseId(caseId);
  if (eventPart === undefined) return `case.${caseId}`;
  if (!EVENT_ID_PATTERN.test(eventPart))
    throw new RangeError(`event id cannot go in a Message-ID: ${eventPart}`);
  return `event.${eventPart}.case.${caseId}`;
}

/** `<<base>.<signature>@<domain>>`. */
export function formatMessageId(base: string, signature: string, domain: string): string {
  assertDomain(domain);
  if (!MESSAGE_ID_SIGNATURE.test(signature)) throw new RangeError('a signature must be lowercase base32');
  return `<${base}.${signature}@${domain}>`;
}

const MESSAGE_ID_SIGNATURE = /^[a-z2-7]{16}$/;

/**
 * Ours, in any form: `<event.<eventPart>.case.<caseId>…>` or the thread root `<case.<caseId>…>`, signed
 * (`.<16 base32 characters>` before the `@`) or not (as casewatch wrote them before it signed them).
 */
const MESSAGE_ID_IN_HEADER =
  /<((?:event\.[0-9A-Za-z_-]{1,64}\.)?case\.([0-9A-Za-z_-]{1,64}))(?:\.([A-Za-z2-7]{16}))?@([^<>\s@]+)>/gi;

/** One of our Message-IDs as found in a header: what it names, and its signature (null: unsigned). */
export interface OurMessageId {
  /** `messageIdBase(…)`: the text the signature is over. */
  base: string;
  caseId: string;
  /** As written (mail clients copy ids verbatim); null for an id without one. Not checked here. */
  signature: string | null;
}

/**
 * Our Message-IDs in `In-Reply-To` / `References` values (one string or several), in the order they
 * appear; foreign ids and ids of another domain are left out.
 */
export function ourMessageIds(
  values: string | readonly string[] | null | undefined,
  domain: string,
): OurMessageId[] {
  if (values == null) return [];
  const found: OurMessageId[] = [];
  for (const value of typeof values === 'string' ? [values] : values) {
    for (const m of value.matchAll(MESSAGE_ID_IN_HEADER)) {
      if ((m[4] as string).toLowerCase() !== domain.toLowerCase()) continue;
      found.push({ base: m[1] as string, caseId: m[2] as string, signature: m[3] ?? null });
    }
  }
  return found;
}

/**
 * The case named by the latest of our Message-IDs in the values, signed or not, or null. Not proof of
 * anything: anyone can write such an id. Only a person's mail may thread by it, and only when its sender
 * is the case's requester (docs/mail.md#threading-keys-and-the-sender-check); machine mail needs a verified
 * signature.
 */
export function caseIdFromMessageIds(
  values: string | readonly string[] | null | undefined,
  domain: string,
): string | null {
  return ourMessageIds(values, domain).at(-1)?.caseId ?? null;
}

/** `[CW-XXXXXX]`, the tag every subject carries. */
export function subjectTag(caseNumber: string): string {
  return `[${caseNumber}]`;
}

/** The tag as people's mail clients hand it back: `[CW-XXXXXX]`, `[#CW-XXXXXX]`, `[ cw-xxxxxx ]`. */
const SUBJECT_TAG = `\\[#?\\s*(${CASE_NUMBER_SOURCE})\\s*\\]`;

/** The case number in a subject's tag (any letter case, spaces inside the brackets allowed), or null. */
export function caseNumberFromSubject(subject: string): string | null {
  const m = new RegExp(SUBJECT_TAG, 'i').exec(subject);
  return m ? (m[1] as string).toUpperCase() : null;
}

/** The subject without our tags, for a case a mail opens (its words, not our bookkeeping). */
export function withoutSubjectTags(subject: string): string {
  return subject.replace(new RegExp(`\\s*${SUBJECT_TAG}\\s*`, 'gi'), ' ').trim();
}

/**
 * Text fit for one header line: CR, LF and other control or line-separator characters become a
 * space, so no user-supplied text can start a header of its own.
 */
export function headerSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    const control = code < 0x20 || code === 0x7f || code === 0x85 || code === 0x2028 || code === 0x2029;
    out += control ? ' ' : ch;
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

/**
 * A signed token as our links carry them (case tokens, survey and meeting links): a compact JWS, whose
 * header starts `eyJ`. Matched wherever a word starts with it (not inside "MoneyJar…") — after `=` or a
 * percent-encoded `%3D` (Outlook's
 * SafeLinks rewrite the link), or with its later parts wrapped onto the next line — so its header and
 * what follows on the line go, and what is left cannot be put together again.
 */
const LINK_CREDENTIAL = /(?:(?<![A-Za-z0-9])|(?<=%3[Dd]))eyJ[\w-]{8,}(?:\.[\w-]*){0,2}/g;
/** The fragment a portal link carries its token in, whatever the token looks like, percent-encoded too. */
const TOKEN_FRAGMENT = /((?:#|&|%23|%26)token(?:=|%3D))[^\s"'<>)\]]+/gi;

/**
 * Text with the credentials our links carry taken out (`#token=…` fragments, signed tokens): a reply quoting
 * our mail, or a forward of it, must not put the requester's case token on a timeline, where the event bus
 * and webhooks would carry it further.
 */
export function withoutLinkCredentials(text: string): string {
  return text.replace(TOKEN_FRAGMENT, '$1[removed]').replace(LINK_CREDENTIAL, '[removed]');
}

/** `LEADS_EMAIL` (docs/mail.md#audiences): comma-separated addresses, blanks and stray spaces dropped. */
export function addressList(text: string): string[] {
  return text
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
}
