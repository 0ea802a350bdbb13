import { createHmac, timingSafeEqual } from 'node:crypto';

/** 80 bits of the HMAC: forging one means guessing 2^80 values, one mail at a time. */
const SIGNATURE_BYTES = 10;
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
 * A signature that fits in an address or a Message-ID: a truncated HMAC-SHA256 of `text` under `key` (a
 * key derived for one purpose, `deriveKey`), lowercase base32, 16 characters.
 */
export function shortSignature(text: string, key: Uint8Array): string {
  return base32(createHmac('sha256', key).update(text).digest().subarray(0, SIGNATURE_BYTES));
}

/** Whether `given` is exactly `expected`, compared in constant time. */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
