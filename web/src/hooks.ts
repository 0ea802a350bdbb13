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

export interface PollOptions<T> {
  /** Read again as soon as the window gets focus back (someone returns to the tab). */
  onFocus?: boolean;
  /**
   * Which value to keep when a read lands: a read that started before a write and ends after it must
   * not put back what the write replaced. Default: the new one.
   */
  keep?: (current: T | null, read: T) => T;
}

/**
 * A value read from the API now and every `everyMs` after (and, with `onFocus`, when the window gets
 * focus back), read afresh whenever `key` changes (the signed-in person); nothing is read while `read`
 * is null. A failed read keeps the last value and says why.
 */
export function usePolled<T>(
  read: (() => Promise<Answer<T>>) | null,
  key: unknown,
  everyMs: number,
  options: PollOptions<T> = {},
): Polled<T> {
  const [value, setValue] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const latest = useRef(read);
  latest.current = read;
  const keep = useRef(options.keep);
  keep.current = options.keep;
  const enabled = read !== null;
  const onFocus = options.onFocus === true;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is what makes a new reader (the person); `read` itself is new every render
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    let reading = false;
    // A tab nobody looks at reads nothing, and one read at a time: open tabs do not multiply the API's load.
    const load = async () => {
      const read = latest.current;
      if (!read || reading || document.visibilityState === 'hidden') return;
      reading = true;
      const answer = await read().finally(() => {
        reading = false;
      });
      if (!live || !answer) return;
      if (answer.data !== undefined) {
        const data = answer.data;
        setValue((current) => keep.current?.(current, data) ?? data);
        setProblem(null);
      } else setProblem(problemOf(answer.error, answer.response));
    };
    void load();
    const timer = setInterval(load, everyMs);
    const focused = () => void load();
    if (onFocus) window.addEventListener('focus', focused);
    document.addEventListener('visibilitychange', focused);
    return () => {
      live = false;
      clearInterval(timer);
      if (onFocus) window.removeEventListener('focus', focused);
      document.removeEventListener('visibilitychange', focused);
    };
  }, [key, everyMs, enabled, onFocus]);
  return { value, setValue, problem, setProblem };
}

/** Whether keyboard focus is nowhere (on the page's body): where it lands when its element goes away. */
export const focusIsLost = (): boolean =>
  document.activeElement === null || document.activeElement === document.body;

/**
 * A page that first shows a "Loading…" heading: that heading took focus on arrival (Layout) and is
 * replaced when the page is ready, so focus would fall to the body. Once `ready`, the page's own heading
 * (`main h1`) takes it, unless the person has moved focus somewhere else meanwhile.
 */
export function useHeadingFocusWhenReady(ready: boolean): void {
  useEffect(() => {
    if (ready && focusIsLost()) document.querySelector<HTMLElement>('main h1')?.focus();
  }, [ready]);
}
