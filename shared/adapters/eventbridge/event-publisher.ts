import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { type CaseEventDetail, EVENT_SOURCE } from '../../domain/case-events.ts';
import type { EventPublisher } from '../../ports/webhooks.ts';

/** PutEvents takes at most 10 entries a call, and 256 KB in all (entries counted as EventBridge counts them). */
const BATCH = 10;
const MAX_CALL_BYTES = 240 * 1024;
const entrySize = (e: PutEventsRequestEntry) =>
  14 +
  Buffer.byteLength(e.Source ?? '') +
  Buffer.byteLength(e.DetailType ?? '') +
  Buffer.byteLength(e.Detail ?? '');

/** Entries in order, cut into calls of at most ten and under the size limit. */
function calls(entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const out: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (current.length > 0 && (current.length === BATCH || bytes + size > MAX_CALL_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

const ATTEMPTS = 4;

/**
 * Case events onto the stack's custom bus (docs/integrations.md#events-out): `source: casewatch`, the event
 * type as `detail-type`, the detail as JSON. Entries go in stream order, ten a call (fewer when they would
 * pass the call's 256 KB); entries PutEvents reports failed are sent again (only those, in their order)
 * with a growing pause, and what still fails after four tries throws, so the stream record is retried — a subscriber may then see an event twice,
 * and drops it by `detail.id`.
 */
export function createEventBridgePublisher(options: {
  client: EventBridgeClient;
  busName: string;
  sleep?: (ms: number) => Promise<void>;
}): EventPublisher {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((ok) => setTimeout(ok, ms)));
  const entryOf = (d: CaseEventDetail): PutEventsRequestEntry => ({
    EventBusName: options.busName,
    Source: EVENT_SOURCE,
    DetailType: d.type,
    Detail: JSON.stringify(d),
    Time: new Date(d.at),
  });
  return {
    async publish(details) {
      for (const call of calls(details.map(entryOf))) {
        let pending = call;
        for (let attempt = 1; pending.length > 0; attempt++) {
          const answer = await options.client.send(new PutEventsCommand({ Entries: pending }));
          if (!answer.FailedEntryCount) break;
          const failed = pending.filter((_, i) => answer.Entries?.[i]?.ErrorCode);
          if (attempt >= ATTEMPTS) {
            const codes = (answer.Entries ?? []).map((e) => e.ErrorCode).filter(Boolean);
            throw new Error(
              `PutEvents: ${failed.length} entries still failing (${[...new Set(codes)].join(', ')})`,
            );
          }
          pending = failed;
          await sleep(100 * 2 ** attempt);
        }
      }
    },
  };
}
