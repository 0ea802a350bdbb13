import { createHmac, timingSafeEqual } from 'node:crypto';
import { formatReplyAddress, splitReplyAddress } from '../../domain/email/addressing.ts';

/** 80 bits of the HMAC: forging one address means guessing 2^80 values, one mail at a time. */
const TOKEN_BYTES = 10;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The reply token of one case: a truncated HMAC-SHA256 of its id under the key derived for this
 * purpose (`deriveKey(secret, 'reply-address')`), lowercase base32 (16 characters).
 */
export function replyToken(caseId: string, key: Uint8Array): string {
  const mac = createHmac('sha256', key).update(`casewatch:reply-address:${caseId}`).digest();
  return base32(mac.subarray(0, TOKEN_BYTES));
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
  const expected = Buffer.from(replyToken(parts.caseId, key));
  const given = Buffer.from(parts.token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return parts.caseId;
}
