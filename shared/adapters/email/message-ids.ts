import { formatMessageId, messageIdBase, ourMessageIds } from '../../domain/email/addressing.ts';
import { sameSignature, shortSignature } from './signatures.ts';

/**
 * Signed Message-IDs (docs/mail.md#threading-and-message-ids): every mail casewatch sends carries an id
 * whose last part is an HMAC of the rest under the key derived for this purpose
 * (`deriveKey(secret, 'message-id')`). A mail that answers one of them (`In-Reply-To`, `References`)
 * proves it answers a mail casewatch really sent about that case; an id anyone could have typed proves
 * nothing.
 */
function signatureOf(base: string, key: Uint8Array): string {
  return shortSignature(`casewatch:message-id:${base}`, key);
}

/**
 * `<event.<eventPart>.case.<caseId>.<signature>@<domain>>`, or the case's thread root
 * `<case.<caseId>.<signature>@<domain>>` when `eventPart` is absent.
 */
export function signedMessageId(
  caseId: string,
  eventPart: string | undefined,
  key: Uint8Array,
  domain: string,
): string {
  const base = messageIdBase(caseId, eventPart);
  return formatMessageId(base, signatureOf(base, key), domain);
}

/**
 * The case named by the latest of our Message-IDs in the values whose signature is genuine (compared in
 * constant time), or null: unsigned ids (as casewatch wrote them before signing), altered ones and ids
 * signed under another secret are passed over.
 */
export function caseOfSignedMessageIds(
  values: string | readonly string[] | null | undefined,
  key: Uint8Array,
  domain: string,
): string | null {
  const genuine = ourMessageIds(values, domain).filter(
    (id) => id.signature !== null && sameSignature(id.signature, signatureOf(id.base, key)),
  );
  return genuine.at(-1)?.caseId ?? null;
}
