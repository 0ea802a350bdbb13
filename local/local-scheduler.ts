import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../shared/adapters/dynamodb/dynamodb-calls.ts';
import { TIMER_KINDS, type TimerKind } from '../shared/domain/timers.ts';
import { scheduleName, type TimerPayload, type TimerScheduler } from '../shared/ports/timer-scheduler.ts';
import { readPartition, runtimeKeys, runtimePartitions, transact } from './runtime-table.ts';

/** A timer waiting in the due queue (or being delivered). */
export interface PendingTimer extends TimerPayload {
  name: string;
  /** Its place in the due queue: `<dueAt>#<name>`, so queue order is due order. */
  position: string;
  /** Stable for this timer (SQS keeps a message's id across receives); a `set` that moves it makes a new one. */
  messageId: string;
  /** Deliveries started so far: SQS's ApproximateReceiveCount. */
  attempts: number;
  /** When it was set (wall clock, epoch ms): SQS's SentTimestamp. */
  sentAt: number;
  /** Not claimable before this wall-clock instant (epoch ms): being delivered, or waiting to retry. */
  visibleAt: number;
  lastError: string | null;
}

/** A timer one deliverer holds: only the holder of `receipt` may complete or fail it. */
export interface ClaimedTimer extends PendingTimer {
  receipt: string;
  firstReceivedAt: number;
}

/** A timer whose delivery failed `maxAttempts` times: out of the queue, kept for people to look at. */
export interface DeadTimer extends TimerPayload {
  name: string;
  messageId: string;
  attempts: number;
  error: string;
  deadAt: string;
}

export type FailOutcome = 'retry' | 'dead-lettered' | 'superseded';

/**
 * The `TimerScheduler` port plus what an SQS queue gives its consumer: due timers in due order, a claim
 * (receive) that hides a timer from other deliverers, complete (delete) and fail (retry later, then
 * dead-letter after `maxAttempts`).
 */
export interface LocalScheduler extends TimerScheduler {
  /** Timers due at or before `now` that no one holds, earliest first. */
  due(now: Date, limit: number): Promise<PendingTimer[]>;
  /** Takes a timer for one delivery attempt; null when another deliverer has it or it moved on. */
  claim(timer: PendingTimer): Promise<ClaimedTimer | null>;
  /** Delivered: the timer is gone. False when it was moved or cancelled meanwhile (the new one stays). */
  complete(claim: ClaimedTimer): Promise<boolean>;
  /** Delivery failed: visible again after `retryDelayMs`, or dead-lettered once out of attempts. */
  fail(claim: ClaimedTimer, error: string, retryDelayMs?: number): Promise<FailOutcome>;
  /** Every pending timer in due order (at most `limit`). */
  pending(limit?: number): Promise<PendingTimer[]>;
  deadLetters(limit?: number): Promise<DeadTimer[]>;
}

export interface LocalSchedulerOptions {
  /** A document client (`createDocumentClient`) over DynamoDB Local. */
  client: DynamoDBDocumentClient;
  /** The scheduler's own table (`createRuntimeTable`), never the case table. */
  tableName: string;
  /** Delivery attempts before a timer is dead-lettered, like an SQS redrive policy's maxReceiveCount. */
  maxAttempts?: number;
  /** How long a claim hides a timer from other deliverers (SQS's visibility timeout). */
  leaseMs?: number;
  /** Wall-clock time for leases and retries (not the case clock: a lease is about a live process). */
  wallClock?: () => number;
  /** Called after every set, cancel or delivery that changed the queue (to re-arm a wake-up). */
  onChange?: () => void;
}

const MAX_RACE_ATTEMPTS = 20;
const PAGE = 100;

interface Lookup {
  position: string;
  window: string;
  dueAt: string;
  rev: number;
}

/** The due-queue sort key of an instant: canonical UTC, so string order is time order. */
function positionOf(dueAt: string, name: string): string {
  const ms = Date.parse(dueAt);
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${dueAt}`);
  return `${new Date(ms).toISOString()}#${name}`;
}

function kindOf(value: unknown): TimerKind {
  if (typeof value === 'string' && (TIMER_KINDS as readonly string[]).includes(value))
    return value as TimerKind;
  throw new Error(`the timers table holds an unknown timer kind: ${String(value)}`);
}

function timerFromItem(item: Record<string, unknown>): PendingTimer {
  return {
    name: String(item.name),
    position: String(item.sk),
    caseId: String(item.caseId),
    kind: kindOf(item.kind),
    window: String(item.window),
    dueAt: String(item.dueAt),
    messageId: String(item.messageId),
    attempts: Number(item.attempts ?? 0),
    sentAt: Number(item.sentAt ?? 0),
    visibleAt: Number(item.visibleAt ?? 0),
    lastError: typeof item.lastError === 'string' ? item.lastError : null,
  };
}

/**
 * A durable scheduler in DynamoDB Local (the local stand-in for EventBridge Scheduler + SQS,
 * docs/timers.md#locally-the-local-scheduler). A timer is two items written together: its place in the due
 * queue and a lookup by schedule name holding that place, so `set` moves a timer atomically and `cancel`
 * removes both. Both are safe to repeat: setting the same timer again changes nothing, cancelling a missing
 * one is fine.
 */
export function createLocalScheduler(options: LocalSchedulerOptions): LocalScheduler {
  const { client, tableName } = options;
  const maxAttempts = options.maxAttempts ?? 3;
  const leaseMs = options.leaseMs ?? 60_000;
  const wallClock = options.wallClock ?? Date.now;
  const changed = () => options.onChange?.();

  async function lookup(name: string): Promise<Lookup | null> {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: runtimeKeys.lookup(name), ConsistentRead: true }),
    );
    if (!out.Item) return null;
    return {
      position: String(out.Item.position),
      window: String(out.Item.window),
      dueAt: String(out.Item.dueAt),
      rev: Number(out.Item.rev),
    };
  }

  /** Pages through the queue partition in due order; `keep` decides what counts toward `limit`. */
  async function readQueue(
    limit: number,
    before: string | undefined,
    keep: (t: PendingTimer) => boolean,
  ): Promise<PendingTimer[]> {
    const found: PendingTimer[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const input: QueryCommandInput = {
        TableName: tableName,
        KeyConditionExpression: before === undefined ? 'pk = :pk' : 'pk = :pk AND sk < :before',
        ExpressionAttributeValues: {
          ':pk': runtimePartitions.queue,
          ...(before === undefined ? {} : { ':before': before }),
        },
        ConsistentRead: true,
        Limit: PAGE,
        ...(start ? { ExclusiveStartKey: start } : {}),
      };
      const out = await client.send(new QueryCommand(input));
      for (const item of out.Items ?? []) {
        const timer = timerFromItem(item);
        if (keep(timer)) found.push(timer);
        if (found.length >= limit) return found;
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }

  /**
   * Removes a claimed timer: its queue item (only while the claim is still ours) and its lookup (only
   * while it still points there, so a timer moved during delivery survives).
   */
  function releaseClaim(claim: ClaimedTimer) {
    return [
      {
        Delete: {
          TableName: tableName,
          Key: runtimeKeys.queue(claim.position),
          ConditionExpression: 'receipt = :receipt',
          ExpressionAttributeValues: { ':receipt': claim.receipt },
        },
      },
      {
        Delete: {
          TableName: tableName,
          Key: runtimeKeys.lookup(claim.name),
          ConditionExpression: '#position = :position',
          ExpressionAttributeNames: { '#position': 'position' },
          ExpressionAttributeValues: { ':position': claim.position },
        },
      },
    ];
  }

  return {
    async set(caseId, timer) {
      const name = scheduleName(caseId, timer.kind);
      const position = positionOf(timer.dueAt, name);
      for (let attempt = 0; attempt < MAX_RACE_ATTEMPTS; attempt++) {
        const current = await lookup(name);
        if (
          current &&
          current.position === position &&
          current.window === timer.window &&
          current.dueAt === timer.dueAt
        ) {
          return;
        }
        const items: Parameters<typeof transact>[1] = [
          {
            Put: {
              TableName: tableName,
              Item: {
                ...runtimeKeys.lookup(name),
                position,
                window: timer.window,
                dueAt: timer.dueAt,
                rev: (current?.rev ?? 0) + 1,
              },
              ...(current
                ? {
                    ConditionExpression: 'rev = :rev',
                    ExpressionAttributeValues: { ':rev': current.rev },
                  }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: {
                ...runtimeKeys.queue(position),
                name,
                caseId,
                kind: timer.kind,
                window: timer.window,
                dueAt: timer.dueAt,
                messageId: randomUUID(),
                attempts: 0,
                sentAt: wallClock(),
                visibleAt: 0,
              },
            },
          },
        ];
        if (current && current.position !== position) {
          items.push({ Delete: { TableName: tableName, Key: runtimeKeys.queue(current.position) } });
        }
        if (await transact(client, items)) {
          changed();
          return;
        }
      }
      throw new Error(`timer ${name} kept changing while it was being set`);
    },

    async cancel(caseId, kind) {
      const name = scheduleName(caseId, kind);
      for (let attempt = 0; attempt < MAX_RACE_ATTEMPTS; attempt++) {
        const current = await lookup(name);
        if (!current) return;
        const removed = await transact(client, [
          {
            Delete: {
              TableName: tableName,
              Key: runtimeKeys.lookup(name),
              ConditionExpression: 'rev = :rev',
              ExpressionAttributeValues: { ':rev': current.rev },
            },
          },
          { Delete: { TableName: tableName, Key: runtimeKeys.queue(current.position) } },
        ]);
        if (removed) {
          changed();
          return;
        }
      }
      throw new Error(`timer ${name} kept changing while it was being cancelled`);
    },

    due(now, limit) {
      const wall = wallClock();
      // `$` sorts right after `#`: every position whose instant is at or before `now`.
      return readQueue(limit, `${now.toISOString()}$`, (t) => t.visibleAt <= wall);
    },

    async claim(timer) {
      const wall = wallClock();
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: runtimeKeys.queue(timer.position),
            UpdateExpression:
              'SET receipt = :receipt, visibleAt = :lease, attempts = attempts + :one, ' +
              'firstReceivedAt = if_not_exists(firstReceivedAt, :wall)',
            ConditionExpression: 'attribute_exists(pk) AND messageId = :messageId AND visibleAt <= :wall',
            ExpressionAttributeValues: {
              ':receipt': randomUUID(),
              ':lease': wall + leaseMs,
              ':one': 1,
              ':wall': wall,
              ':messageId': timer.messageId,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const item = out.Attributes ?? {};
        return {
          ...timerFromItem(item),
          receipt: String(item.receipt),
          firstReceivedAt: Number(item.firstReceivedAt),
        };
      } catch (error) {
        if (isConditionFailure(error)) return null;
        throw error;
      }
    },

    async complete(claim) {
      const done = await transact(client, releaseClaim(claim));
      if (done) changed();
      return done;
    },

    async fail(claim, error, retryDelayMs = 0) {
      const message = error.slice(0, 2_000);
      if (claim.attempts >= maxAttempts) {
        const deadAt = new Date(wallClock()).toISOString();
        const dead = await transact(client, [
          ...releaseClaim(claim),
          {
            Put: {
              TableName: tableName,
              Item: {
                ...runtimeKeys.deadTimer(deadAt, claim.name, claim.messageId),
                name: claim.name,
                caseId: claim.caseId,
                kind: claim.kind,
                window: claim.window,
                dueAt: claim.dueAt,
                messageId: claim.messageId,
                attempts: claim.attempts,
                error: message,
                deadAt,
              },
            },
          },
        ]);
        if (dead) changed();
        return dead ? 'dead-lettered' : 'superseded';
      }
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: runtimeKeys.queue(claim.position),
            UpdateExpression: 'SET visibleAt = :visible, lastError = :error REMOVE receipt',
            ConditionExpression: 'receipt = :receipt',
            ExpressionAttributeValues: {
              ':visible': wallClock() + retryDelayMs,
              ':error': message,
              ':receipt': claim.receipt,
            },
          }),
        );
      } catch (failure) {
        if (isConditionFailure(failure)) return 'superseded';
        throw failure;
      }
      changed();
      return 'retry';
    },

    pending(limit = Number.POSITIVE_INFINITY) {
      return readQueue(limit, undefined, () => true);
    },

    async deadLetters(limit = 1_000) {
      const items = await readPartition(client, tableName, runtimePartitions.deadTimers, limit);
      return items.map((item) => ({
        name: String(item.name),
        caseId: String(item.caseId),
        kind: kindOf(item.kind),
        window: String(item.window),
        dueAt: String(item.dueAt),
        messageId: String(item.messageId),
        attempts: Number(item.attempts),
        error: String(item.error),
        deadAt: String(item.deadAt),
      }));
    },
  };
}
