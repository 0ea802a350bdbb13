import type { Clock } from '../ports/clock.ts';

/** Wall-clock time of the machine: the clock every runtime uses unless told otherwise. */
export const systemClock: Clock = { now: () => new Date() };
