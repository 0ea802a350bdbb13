import { formatReplyAddress, splitReplyAddress } from '../../domain/email/addressing.ts';
import { sameSignature, shortSignature } from './signatures.ts';

/**
 * The reply token of one case: a truncated HMAC-SHA256 of its id under the key derived for this
 * purpose (`deriveKey(secret, 'reply-address')`), lowercase base32 (16 characters).
 */
export function replyToken(caseId: string, key: Uint8Array): string {
  return shortSignature(`casewatch:reply-address:${caseId}`, key);
}

/** `case+<caseId>.<token>@<domain>`: replies to it land on this case and no other. */
export function replyAddress(caseId: string, key: Uint8Array, domain: string): string {
  return formatReplyAddress(caseId, replyToken(caseId, key), domain);
}

/**
 * The case a reply address routes to, or null when it is malformed, on another domain, or its token
 * is not this case's (compared in constant time). The token is read without regard to letter case.
 */
export function parseReplyAddress(address: string, key: Uint8Array, domain: string): string | null {
  const parts = splitReplyAddress(address, domain);
  if (!parts) return null;
  return sameSignature(parts.token, replyToken(parts.caseId, key)) ? parts.caseId : null;
}
