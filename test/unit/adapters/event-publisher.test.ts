import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEventBridgePublisher } from '../../../shared/adapters/eventbridge/event-publisher.ts';
import { type CaseEventDetail, caseEventDetail } from '../../../shared/domain/case-events.ts';
import type { TimelineEvent } from '../../../shared/domain/timeline.ts';
import { newSellerCase } from '../../support/cases.ts';

const c = newSellerCase({ subject: 's', description: 'd' });
const details: CaseEventDetail[] = Array.from({ length: 23 }, (_, i) =>
  caseEventDetail(
    {
      type: 'escalation.requested',
      reason: `r${i}`,
      id: `E${String(i).padStart(2, '0')}`,
      caseId: c.id,
      at: '2026-11-30T17:00:00.000Z',
      actor: { role: 'seller', id: 'a@b.c' },
      caseVersion: i + 1,
    } as TimelineEvent,
    c,
  ),
);

const eventbridge = mockClient(EventBridgeClient);
const sent = () =>
  eventbridge
    .commandCalls(PutEventsCommand)
    .map((call) => (call.args[0].input.Entries ?? []).map((e) => JSON.parse(e.Detail ?? '{}').id as string));
const publisher = () =>
  createEventBridgePublisher({ client: new EventBridgeClient({}), busName: 'cw-bus', sleep: async () => {} });

beforeEach(() => eventbridge.reset());

describe('publishing to the EventBridge bus', () => {
  it('sends entries in order, ten a call, source casewatch and the event type as detail-type', async () => {
    eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    await publisher().publish(details);
    expect(sent().map((ids) => ids.length)).toEqual([10, 10, 3]);
    expect(sent().flat()).toEqual(details.map((d) => d.id));
    const entry = eventbridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: 'cw-bus',
      Source: 'casewatch',
      DetailType: 'escalation.requested',
    });
  });

  it('cuts a call before it passes PutEvents’ 256 KB, keeping the order', async () => {
    eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    // Five messages of 20,000 CJK characters: about 60 KB of JSON each.
    const big = details
      .slice(0, 5)
      .map((d) => ({ ...d, event: { ...d.event, reason: '漢'.repeat(20_000) } }));
    await publisher().publish(big as CaseEventDetail[]);
    expect(sent().map((ids) => ids.length)).toEqual([4, 1]);
    expect(sent().flat()).toEqual(big.map((d) => d.id));
    for (const call of eventbridge.commandCalls(PutEventsCommand)) {
      const bytes = (call.args[0].input.Entries ?? []).reduce(
        (n, e) => n + Buffer.byteLength(e.Detail ?? ''),
        0,
      );
      expect(bytes).toBeLessThan(256 * 1024);
    }
  });

  it('sends again only the entries that failed, in their order', async () => {
    eventbridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: details
          .slice(0, 10)
          .map((_, i) => (i === 3 || i === 7 ? { ErrorCode: 'ThrottlingException' } : { EventId: 'x' })),
      })
      .resolves({ FailedEntryCount: 0, Entries: [] });
    await publisher().publish(details.slice(0, 10));
    expect(sent()).toEqual([details.slice(0, 10).map((d) => d.id), ['E03', 'E07']]);
  });

  it('throws when entries still fail after four tries, so the stream batch is retried', async () => {
    eventbridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    await expect(publisher().publish(details.slice(0, 1))).rejects.toThrow(
      /1 entries still failing \(InternalFailure\)/,
    );
    expect(sent()).toHaveLength(4);
  });
});
