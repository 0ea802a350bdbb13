import { createHmac } from 'node:crypto';

/**
 * One secret, several keys: each purpose gets its own key derived by HMAC, so a token of one kind can
 * never be replayed as another, and rotating the one secret rotates them all.
 */
export function deriveKey(
  secret: string | Uint8Array,
  purpose:
    | 'case-token'
    | 'cursor'
    | 'survey'
    | 'meeting'
    | 'webhook'
    | 'reply-address'
    | 'message-id'
    | 'local-blob-url',
): Uint8Array {
  return new Uint8Array(createHmac('sha256', secret).update(`casewatch:${purpose}`).digest());
}
