import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookSecrets } from '../../ports/webhooks.ts';

/*
 * The webhook signature (docs/integrations.md#verifying-a-delivery): header
 * `Casewatch-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. A receiver
 * recomputes the HMAC over the raw body it got, compares in constant time, and refuses a `t` older than
 * the tolerance (5 minutes), so a captured delivery cannot be replayed later.
 */

export const SIGNATURE_HEADER = 'casewatch-signature';

/** `whsec_` and 32 bytes of HMAC(key, webhook id), base64url: recomputable, so never stored. */
export function createWebhookSecrets(key: Uint8Array): WebhookSecrets {
  return {
    secretFor: (webhookId) =>
      `whsec_${createHmac('sha256', key).update(`webhook:${webhookId}`).digest('base64url')}`,
  };
}

const hmac = (secret: string, timestamp: number, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/**
 * Verifies a delivery as a receiver should: the header parses, its time is within `toleranceSeconds`
 * of `nowSeconds`, and one of its `v1` signatures matches. Answers why not, or null when it holds.
 */
export function signatureProblem(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): string | null {
  if (!header) return 'no signature';
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const signatures = parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '');
  if (!Number.isInteger(t) || signatures.length === 0) return 'a malformed signature';
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return 'a signature outside the replay window';
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  const matches = signatures.some((s) => {
    const given = Buffer.from(s, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? null : 'a signature that does not match';
}
