import { limitWindow } from '../../shared/domain/email/mail-limits.ts';
import type {
  Correspondents,
  MailBudget,
  Suppression,
  SuppressionList,
} from '../../shared/ports/mail-safeguards.ts';

const normalize = (address: string) => address.trim().toLowerCase();

/** Who wrote to us, in a Set. */
export function createMemoryCorrespondents(): Correspondents & { addresses: Set<string> } {
  const addresses = new Set<string>();
  return {
    addresses,
    noteWrote: async (address) => void addresses.add(normalize(address)),
    hasWritten: async (address) => addresses.has(normalize(address)),
  };
}

/** Suppressed addresses in a Map; the first suppression stays. */
export function createMemorySuppressionList(): SuppressionList & { entries: Map<string, Suppression> } {
  const entries = new Map<string, Suppression>();
  return {
    entries,
    async suppress(address, suppression) {
      if (!entries.has(normalize(address))) entries.set(normalize(address), suppression);
    },
    suppressionOf: async (address) => entries.get(normalize(address)) ?? null,
  };
}

/** Mail budgets counted in a Map, by budget and window. */
export function createMemoryMailBudget(): MailBudget {
  const spent = new Map<string, number>();
  return {
    async take(budget, limit, now) {
      const key = `${budget} ${limitWindow(limit, now).start}`;
      const n = spent.get(key) ?? 0;
      if (n >= limit.max) return false;
      spent.set(key, n + 1);
      return true;
    },
  };
}
