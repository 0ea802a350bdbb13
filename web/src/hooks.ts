import { useEffect, useState } from 'react';
import { serverNow } from './api.ts';

/**
 * The server's time now (countdowns): read afresh on every render, so a render after an answer uses the
 * clock offset that answer brought, and re-rendered every `everyMs` so countdowns move.
 */
export function useNow(everyMs: number): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return serverNow();
}

/** The case token a case link carries in its fragment (`#token=…`): never sent to a server in a URL. */
export function fragmentParam(name: string): string | null {
  return new URLSearchParams(location.hash.slice(1)).get(name);
}
