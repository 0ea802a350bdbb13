import { type Dispatch, type SetStateAction, useEffect, useRef, useState } from 'react';
import { type Problem, problemOf, serverNow } from './api.ts';

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

/** An API answer as openapi-fetch gives it. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export interface Polled<T> {
  value: T | null;
  setValue: Dispatch<SetStateAction<T | null>>;
  /** The last read's problem, or one an action on the page set. */
  problem: Problem | null;
  setProblem: Dispatch<SetStateAction<Problem | null>>;
}

/**
 * A value read from the API now and every `everyMs` after, read afresh whenever `key` changes (the
 * signed-in person); nothing is read while `read` is null. A failed read keeps the last value and says why.
 */
export function usePolled<T>(
  read: (() => Promise<Answer<T>>) | null,
  key: unknown,
  everyMs: number,
): Polled<T> {
  const [value, setValue] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const latest = useRef(read);
  latest.current = read;
  const enabled = read !== null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is what makes a new reader (the person); `read` itself is new every render
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const load = async () => {
      const answer = await latest.current?.();
      if (!live || !answer) return;
      if (answer.data !== undefined) {
        setValue(answer.data);
        setProblem(null);
      } else setProblem(problemOf(answer.error, answer.response));
    };
    void load();
    const timer = setInterval(load, everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key, everyMs, enabled]);
  return { value, setValue, problem, setProblem };
}
