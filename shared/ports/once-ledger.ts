/**
 * "Has this effect happened?", kept durably, for effects that cannot be undone or sent twice: a mail
 * to a customer, an inbound message handled, an event's metrics published. The caller claims a key
 * before the effect, confirms it after, and releases it when the effect failed; a redelivered stream
 * record or a retried invocation finds the key done. A claim older than `CLAIM_LEASE_MS` counts as
 * abandoned (its holder died mid-effect) and may be taken over.
 */
export interface OnceLedger {
  /** `claimed`: this caller may act; `done`: it happened already; `busy`: another holds a fresh claim. */
  claim(key: string, now: Date): Promise<'claimed' | 'done' | 'busy'>;
  /** The effect happened; `reference` names it where it has a name (the provider's message id). */
  confirm(key: string, reference: string | null): Promise<void>;
  /** Gives a claim back after a failed effect, so the next attempt may act at once. */
  release(key: string): Promise<void>;
}

/**
 * Longer than any function that claims runs (stream 30 s, inbound mail 60 s), so a live claim is never
 * taken over; short enough that the retries after a crash (a timeout mid-send) find it abandoned before
 * they run out.
 */
export const CLAIM_LEASE_MS = 90_000;
