import type { CoreDeps } from '../shared/app/deps.ts';
import type { TimerKind } from '../shared/domain/timers.ts';
import { ManualClock } from './clock.ts';
import type { DeadTimer, LocalScheduler } from './local-scheduler.ts';
import type { DeadStreamRecord, StreamCheckpoints } from './stream-checkpoints.ts';
import type { StreamPoller } from './stream-poller.ts';
import { createTimerLoop, type FiredTimer, watchFireOutcomes } from './timer-loop.ts';

export interface LocalTimersOptions {
  /** With a `ManualClock`, timers fire only when the clock is moved (`settle`); otherwise on time. */
  core: CoreDeps;
  /** The durable scheduler the reactions reconcile timers into. */
  scheduler: LocalScheduler;
  /** The after-write reactions' stream: drained before timers are looked at, so none is missed. */
  stream: StreamPoller;
  checkpoints: StreamCheckpoints;
}

export interface PendingTimerView {
  name: string;
  caseId: string;
  kind: TimerKind;
  dueAt: string;
  window: string;
  attempts: number;
  inFlight: boolean;
  lastError: string | null;
}

export interface TimerListing {
  pending: PendingTimerView[];
  deadLetters: DeadTimer[];
  streamDeadLetters: DeadStreamRecord[];
}

export interface LocalTimers {
  /** Delivers every timer due by `until` (stepping a manual clock there) once the stream is drained. */
  settle(until: Date): Promise<FiredTimer[]>;
  /** Feeds the reactions everything now in the stream (in turn with the timer loop's other work). */
  drain(): Promise<void>;
  /** Pending timers in due order and the dead-letter lists, after draining the stream. */
  list(): Promise<TimerListing>;
  /** The scheduler changed: re-arm the wake-up. */
  timersChanged(): void;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Timers on one machine: the timer handler Lambda runs, fed from the durable local scheduler (the
 * stand-in for EventBridge Scheduler + SQS), on time with the system clock or as `POST /_local/clock`
 * moves the manual one.
 */
export async function createLocalTimers(options: LocalTimersOptions): Promise<LocalTimers> {
  const { core, scheduler, stream, checkpoints } = options;
  const clock = core.clock;
  const mode = clock instanceof ManualClock ? 'manual' : 'system';
  const outcomes = watchFireOutcomes(core.store);
  const loop = createTimerLoop({
    scheduler,
    stream,
    clock,
    handler: (await import('../functions/timer/app.ts')).createHandler({ ...core, store: outcomes.store }),
    outcomes,
    mode,
    // On time with the system clock; with the manual clock only for what the stream does by itself
    // (reconciliation, mail): every clock move and timer listing drains the stream first anyway.
    pollMs: mode === 'system' ? 250 : 1_000,
    moveClock: clock instanceof ManualClock ? (at) => clock.set(at) : undefined,
  });

  return {
    settle: (until) => loop.settle(until),
    drain: () => loop.drain(),
    timersChanged: () => loop.timersChanged(),
    async list() {
      await loop.drain();
      const [pending, deadLetters, streamDeadLetters] = await Promise.all([
        scheduler.pending(),
        scheduler.deadLetters(),
        checkpoints.deadLetters(),
      ]);
      const wall = Date.now();
      return {
        pending: pending.map((t) => ({
          name: t.name,
          caseId: t.caseId,
          kind: t.kind,
          dueAt: t.dueAt,
          window: t.window,
          attempts: t.attempts,
          inFlight: t.visibleAt > wall,
          lastError: t.lastError,
        })),
        deadLetters,
        streamDeadLetters,
      };
    },
    start: () => loop.start(),
    stop: () => loop.stop(),
  };
}
