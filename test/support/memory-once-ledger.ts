import { CLAIM_LEASE_MS, type OnceLedger } from '../../shared/ports/once-ledger.ts';

/** The at-most-once ledger in a Map: one process, no crash recovery needed. */
export function createMemoryOnceLedger(): OnceLedger {
  const entries = new Map<string, { done: boolean; claimedAt: number }>();
  return {
    async claim(key, now) {
      const entry = entries.get(key);
      if (entry?.done) return 'done';
      if (entry && entry.claimedAt >= now.getTime() - CLAIM_LEASE_MS) return 'busy';
      entries.set(key, { done: false, claimedAt: now.getTime() });
      return 'claimed';
    },
    async confirm(key) {
      entries.set(key, { done: true, claimedAt: entries.get(key)?.claimedAt ?? 0 });
    },
    async release(key) {
      if (entries.get(key)?.done === false) entries.delete(key);
    },
  };
}
