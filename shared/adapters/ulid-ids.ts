import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { Clock } from '../ports/clock.ts';
import type { IdGenerator } from '../ports/ids.ts';

/** ULIDs stamped with the injected clock, monotonic within a process so a case's events keep their order. */
export function createUlidIds(clock: Clock): IdGenerator {
  const next = monotonicFactory();
  return {
    next: () => next(clock.now().getTime()),
    caseNumberEntropy: () => new Uint8Array(randomBytes(4)),
  };
}
