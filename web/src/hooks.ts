import { useEffect, useState } from 'react';
import { serverNow } from './api.ts';

/** The server's time now, ticking every `everyMs` (countdowns). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** The case token a case link carries in its fragment (`#token=…`): never sent to a server in a URL. */
export function fragmentParam(name: string): string | null {
  return new URLSearchParams(location.hash.slice(1)).get(name);
}
