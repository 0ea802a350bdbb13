import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { TimerKind } from '../shared/domain/timers.ts';
import type { CaseStore } from '../shared/ports/case-store.ts';
import type { Clock } from '../shared/ports/clock.ts';
import type { TimerPayload } from '../shared/ports/timer-scheduler.ts';
import { lambdaContext } from './gateway.ts';
import type { ClaimedTimer, LocalScheduler, PendingTimer } from './local-scheduler.ts';
import type { StreamPoller } from './stream-poller.ts';

export type TimerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/**
 * What one delivery came to: the handler `acted` on the case, found the timer `stale` (the case moved
 * on) or the case `missing`; or the delivery `failed` (retried later) and finally `dead-lettered`.
 */
export type FireResult = 'acted' | 'stale' | 'missing' | 'failed' | 'dead-lettered';

export interface FiredTimer {
  caseId: string;
  kind: TimerKind;
  dueAt: string;
  outcome: FireResult;
  attempt: number;
  /** The clock when it was delivered. */
  firedAt: string;
}

/** Tells what the timer handler did to its case, by watching the store it was handed. */
export interface FireOutcomeProbe {
  store: CaseStore;
  begin(): void;
  end(): 'acted' | 'stale' | 'missing';
}

/**
 * Wraps the timer handler's store: a successful conditional update during a delivery means the handler
 * acted; a read that found no case means it was missing; anything else was a stale timer. The handler
 * module stays exactly the one Lambda runs; only what it is handed is observed.
 */
export function watchFireOutcomes(store: CaseStore): FireOutcomeProbe {
  let acted = false;
  let missing = false;
  return {
    store: {
      ...store,
      async get(id) {
        const found = await store.get(id);
        if (found === null) missing = true;
        return found;
      },
      async update(next, expectedVersion, events) {
        const outcome = await store.update(next, expectedVersion, events);
        if (outcome.ok) acted = true;
        return outcome;
      },
    },
    begin() {
      acted = false;
      missing = false;
    },
    end() {
      return acted ? 'acted' : missing ? 'missing' : 'stale';
    },
  };
}

export interface TimerLoopOptions {
  scheduler: LocalScheduler;
  stream: StreamPoller;
  clock: Clock;
  /** The timer Lambda handler (`functions/timer/app.ts`). */
  handler: TimerHandler;
  outcomes: FireOutcomeProbe;
  /** `system`: due timers fire on time by themselves; `manual`: only `settle()` delivers them. */
  mode: 'system' | 'manual';
  /**
   * Moves a manual clock: `settle(until)` steps it to each timer's due instant before delivering it,
   * so what the handler records (at risk, breached, closed) carries the instant a real timer fires at.
   */
  moveClock?: ((at: Date) => void) | undefined;
  /** How often the stream is polled in the background. */
  pollMs?: number;
  queueArn?: string;
  log?: (message: string) => void;
}

export interface TimerLoop {
  /** Starts the background work: stream polling, and with the system clock on-time delivery. */
  start(): void;
  /**
   * Runs until quiescent: drain the stream, deliver the earliest timer due by `until` (default: now),
   * one at a time, each followed by a drain so its consequences are reconciled before the next timer
   * is considered, until no timer is due and the stream is caught up. With `moveClock` the clock is
   * stepped through the due instants and left at `until`. Answers every delivery in order.
   */
  settle(until?: Date): Promise<FiredTimer[]>;
  /** Drains the stream in turn with the loop's other work. */
  drain(): Promise<void>;
  /** The scheduler changed: re-arm the wake-up (system clock). */
  timersChanged(): void;
  /** Stops polling and waking, and waits for the work in progress. Safe to call twice. */
  stop(): Promise<void>;
}

/** More deliveries than this in one settle means something re-arms itself forever. */
const MAX_DELIVERIES_PER_SETTLE = 10_000;
/** Longest sleep before re-checking the queue (also bounds setTimeout's 24.8-day limit). */
const MAX_WAKE_MS = 60_000;

function sqsRecord(timer: ClaimedTimer, queueArn: string): SQSRecord {
  const payload: TimerPayload = {
    caseId: timer.caseId,
    kind: timer.kind,
    window: timer.window,
    dueAt: timer.dueAt,
  };
  const body = JSON.stringify(payload);
  return {
    messageId: timer.messageId,
    receiptHandle: timer.receipt,
    body,
    attributes: {
      ApproximateReceiveCount: String(timer.attempts),
      SentTimestamp: String(timer.sentAt),
      SenderId: 'casewatch-local-scheduler',
      ApproximateFirstReceiveTimestamp: String(timer.firstReceivedAt),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'local',
  };
}

/**
 * The local stand-in for "EventBridge Scheduler → SQS → timer Lambda"
 * (docs/timers.md#locally-the-local-scheduler): takes due timers from the local scheduler in due order and
 * hands each, as an SQS-shaped event, to the timer handler Lambda runs; `batchItemFailures` (or a throw)
 * means retry later, up to the scheduler's limit, then dead-letter. Every piece of work (stream drains and
 * deliveries) runs one at a time, in turn.
 */
export function createTimerLoop(options: TimerLoopOptions): TimerLoop {
  const { scheduler, stream, clock, handler, outcomes, mode } = options;
  const pollMs = options.pollMs ?? 250;
  const queueArn = options.queueArn ?? 'arn:aws:sqs:local:000000000000:casewatch-timers';
  const log = options.log ?? ((message: string) => console.error(message));

  let tail: Promise<unknown> = Promise.resolve();
  let stopped = false;
  let started = false;
  let pollTimer: NodeJS.Timeout | null = null;
  let wakeTimer: NodeJS.Timeout | null = null;
  let rearm = false;
  let lastError = '';

  /** Runs `work` after everything queued before it; the queue never stalls on a failure. */
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  }

  function report(error: unknown): void {
    const message = `local timers: ${(error as Error).message ?? String(error)}`;
    // A failure that repeats every poll is said once, not four times a second.
    if (message !== lastError) log(message);
    lastError = message;
  }

  /** With the system clock a failed delivery waits before its retry, as SQS's visibility timeout does. */
  const retryDelay = (attempt: number) =>
    mode === 'system' ? Math.min(1_000 * 2 ** (attempt - 1), 30_000) : 0;

  async function deliver(timer: PendingTimer): Promise<FiredTimer | null> {
    const claim = await scheduler.claim(timer);
    if (!claim) return null;
    const fired = {
      caseId: claim.caseId,
      kind: claim.kind,
      dueAt: claim.dueAt,
      attempt: claim.attempts,
      firedAt: clock.now().toISOString(),
    };
    let error: string | null = null;
    outcomes.begin();
    try {
      const answer = await handler(
        { Records: [sqsRecord(claim, queueArn)] },
        lambdaContext('timer', randomUUID(), 60_000),
      );
      if ((answer?.batchItemFailures ?? []).some((f) => f.itemIdentifier === claim.messageId))
        error = 'the handler reported it as a batch item failure';
    } catch (thrown) {
      error = (thrown as Error).message ?? String(thrown);
    }
    const outcome = outcomes.end();
    if (error === null) {
      await scheduler.complete(claim);
      return { ...fired, outcome };
    }
    const result = await scheduler.fail(claim, error, retryDelay(claim.attempts));
    if (result === 'dead-lettered')
      log(`local timers: ${claim.name} dead-lettered after ${claim.attempts} attempts: ${error}`);
    return { ...fired, outcome: result === 'dead-lettered' ? 'dead-lettered' : 'failed' };
  }

  async function untilQuiet(until: Date): Promise<FiredTimer[]> {
    const fired: FiredTimer[] = [];
    const step = (at: number) => {
      if (options.moveClock && at > clock.now().getTime()) options.moveClock(new Date(at));
    };
    for (let i = 0; i < MAX_DELIVERIES_PER_SETTLE; i++) {
      await stream.drain();
      const [next] = await scheduler.due(until, 1);
      if (!next) {
        // Reaching `until` is a moment too: drain once more there, so what falls due exactly then (a
        // webhook retry, docs/integrations.md#locally) happens before the clock call answers.
        if (options.moveClock && clock.now().getTime() < until.getTime()) {
          step(until.getTime());
          continue;
        }
        return fired;
      }
      step(Date.parse(next.dueAt));
      const result = await deliver(next);
      if (result) fired.push(result);
    }
    throw new Error(`timers did not settle after ${MAX_DELIVERIES_PER_SETTLE} deliveries`);
  }

  /** Sleeps until the earliest pending timer is due and visible (system clock only). */
  async function arm(): Promise<void> {
    rearm = false;
    const upcoming = await scheduler.pending(50);
    if (stopped) return;
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeTimer = null;
    if (upcoming.length === 0) return;
    const now = clock.now().getTime();
    const wall = Date.now();
    const wait = Math.min(
      ...upcoming.map((t) => Math.max(Date.parse(t.dueAt) - now, t.visibleAt - wall, 0)),
      MAX_WAKE_MS,
    );
    wakeTimer = setTimeout(() => {
      wakeTimer = null;
      serial(async () => {
        try {
          await untilQuiet(clock.now());
        } finally {
          // Even after a failed round: the next wake-up must not wait for the next change.
          await arm();
        }
      }).catch(report);
    }, wait);
  }

  function poll(): void {
    pollTimer = setTimeout(() => {
      pollTimer = null;
      serial(async () => {
        await stream.drain();
        if (mode === 'system' && rearm) await arm();
        lastError = '';
      })
        .catch(report)
        .finally(() => {
          if (!stopped) poll();
        });
    }, pollMs);
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      poll();
      if (mode === 'system') serial(arm).catch(report);
    },
    settle: (until) => serial(() => untilQuiet(until ?? clock.now())),
    drain: () => serial(async () => void (await stream.drain())),
    timersChanged() {
      rearm = true;
    },
    async stop() {
      stopped = true;
      if (pollTimer) clearTimeout(pollTimer);
      if (wakeTimer) clearTimeout(wakeTimer);
      pollTimer = null;
      wakeTimer = null;
      // Whatever is running (a poll, a delivery, a settle for a clock request) finishes first.
      while (true) {
        const current = tail;
        await current;
        if (current === tail) break;
      }
    },
  };
}
