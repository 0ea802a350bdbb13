import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attachmentFromItem,
  attachmentToItem,
  backlogCounterUpdate,
  backlogDeltas,
  caseFromItem,
  caseIdFromSortKey,
  caseToItem,
  complianceCountsFromItem,
  counterFromItem,
  deadlineSortKey,
  eventFromItem,
  eventToItem,
  FIGURE_PARTITIONS,
  type FigureWrite,
  figureWrites,
  type Item,
  keys,
  surveyTotalsFromItem,
  uploadFromItem,
  uploadToItem,
} from '../../../shared/adapters/dynamodb/case-items.ts';
import { changeFromStreamRecord } from '../../../shared/adapters/dynamodb/stream-records.ts';
import {
  createTableInput,
  GLOBAL_INDEXES,
  KEY_ATTRIBUTES,
} from '../../../shared/adapters/dynamodb/table-definition.ts';
import { type Case, newCase } from '../../../shared/domain/case.ts';
import { toInstant } from '../../../shared/domain/instant.ts';
import { agentShareOf } from '../../../shared/domain/lead-figures.ts';
import { SEVERITY_LEVELS } from '../../../shared/domain/severity.ts';
import { firstResponseDueAt, recordBreach } from '../../../shared/domain/sla.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';
import { BACKLOG_STATUSES, CASE_STATUSES } from '../../../shared/domain/status.ts';
import { isPublicEvent, type TimelineEvent } from '../../../shared/domain/timeline.ts';
import type { PendingUpload } from '../../../shared/ports/case-store.ts';

const policy = createSlaPolicy();
const openedAt = '2026-03-02T09:00:00.000Z';

function consumerCase(id = '01JD0000000000000000000001'): Case {
  return newCase(
    {
      type: 'consumer',
      subject: 'Charged twice',
      description: 'double billing',
      email: 'Buyer@Example.com',
      orderNumber: 'FS-1',
      billingDescriptor: 'FSPRG',
    },
    { id, number: 'CW-000001', channel: 'email', openedAt, requester: { email: null, sellerId: null } },
  );
}

const caseArb = fc
  .record({
    id: fc.stringMatching(/^[0-9A-Z]{26}$/),
    status: fc.constantFrom(...CASE_STATUSES),
    level: fc.constantFrom(...SEVERITY_LEVELS),
    assignee: fc.option(fc.emailAddress(), { nil: null }),
    minutes: fc.integer({ min: 0, max: 500_000 }),
  })
  .map(({ id, status, level, assignee, minutes }): Case => {
    const c = consumerCase(id);
    return {
      ...c,
      status,
      assignee,
      severity: { ...c.severity, level },
      updatedAt: toInstant(Date.parse(openedAt) + minutes * 60_000),
    };
  });

describe('case items', () => {
  it('round-trip every case exactly, keeping keys out of the domain object', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const item = caseToItem(c, policy);
        expect(caseFromItem(item)).toEqual(c);
        expect(item.gsi1pk).toBe(`Q#${c.status}#${c.severity.level}`);
        expect(caseIdFromSortKey(item.gsi1sk as string)).toBe(c.id);
        expect('gsi2pk' in item).toBe(c.assignee !== null);
        if (c.assignee) expect(item.gsi2pk).toBe(`A#${c.assignee.toLowerCase()}`);
      }),
    );
  });

  it('give nested maps back in the order the API document declares, however DynamoDB orders them', () => {
    const c = consumerCase();
    const item = caseToItem(c, policy);
    const reversed = (value: object) => Object.fromEntries(Object.entries(value).reverse());
    const scrambled = {
      ...item,
      severity: reversed({ ...c.severity, suggested: reversed(c.severity.suggested) }),
      requester: reversed(c.requester),
    };
    expect(JSON.stringify(caseFromItem(scrambled))).toBe(JSON.stringify(caseFromItem(item)));
    expect(Object.keys(caseFromItem(scrambled).severity)).toEqual(['level', 'label', 'source', 'suggested']);
  });

  it("key every case by its requester's normalised email, and a seller case also by its seller", () => {
    const consumer = caseToItem(consumerCase(), policy);
    expect(consumer.gsi3pk).toBe('R#E#buyer@example.com');
    expect(consumer.gsi5pk).toBeUndefined();
    const seller = {
      ...consumerCase(),
      type: 'seller' as const,
      requester: { email: 'X@y.z', sellerId: 'acme' },
    };
    expect(caseToItem(seller, policy)).toMatchObject({ gsi3pk: 'R#E#x@y.z', gsi5pk: 'S#acme' });
  });

  it('sort by the earliest open deadline, a breached one included; closed after everything', () => {
    const c = consumerCase();
    const due = firstResponseDueAt(c.sla, policy);
    expect(deadlineSortKey(c, policy)).toBe(`${due}#${c.id}`);
    const breached = {
      ...c,
      sla: { ...c.sla, firstResponse: { ...c.sla.firstResponse, breachedAt: due, settledDueAt: due } },
    };
    expect(deadlineSortKey(breached, policy)).toBe(`${due}#${c.id}`);
    const closedKey = `~~~${String(9_999_999_999_999 - Date.parse(c.updatedAt)).padStart(13, '0')}#${c.id}`;
    expect(deadlineSortKey({ ...c, status: 'closed' }, policy)).toBe(closedKey);
  });

  it('closed cases come after every open one, the most recently changed first, whatever the year', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2200-01-01') }),
        fc.integer({ min: 1, max: 10 * 365 * 86_400_000 }),
        (earlier, gap) => {
          const c = consumerCase();
          const at = (ms: number) => new Date(ms).toISOString();
          const older = deadlineSortKey({ ...c, status: 'closed', updatedAt: at(earlier) }, policy);
          const newer = deadlineSortKey({ ...c, status: 'closed', updatedAt: at(earlier + gap) }, policy);
          expect(newer < older).toBe(true);
          const open = deadlineSortKey(c, policy);
          const owingNothing = `~${at(earlier + gap)}#${c.id}`;
          for (const closed of [older, newer, `~~${at(earlier)}#${c.id}`]) {
            expect(open < closed && owingNothing < closed).toBe(true);
          }
        },
      ),
    );
  });

  it('refuse ids that would make composite keys ambiguous', () => {
    expect(() => caseToItem(consumerCase('a#b'), policy)).toThrow(RangeError);
  });
});

describe('event items', () => {
  const c = consumerCase();
  const base = { caseId: c.id, at: openedAt, actor: { role: 'agent' as const, id: 'a@support.example' } };
  const events: TimelineEvent[] = [
    {
      ...base,
      id: '01JD0000000000000000000010',
      type: 'message.posted',
      visibility: 'public',
      body: 'hi',
      channel: 'api',
    },
    {
      ...base,
      id: '01JD0000000000000000000011',
      type: 'message.posted',
      visibility: 'internal',
      body: 'psst',
      channel: 'api',
    },
    {
      ...base,
      id: '01JD0000000000000000000012',
      type: 'assignee.changed',
      from: null,
      to: 'a@support.example',
    },
    ...(['public', 'internal'] as const).map(
      (visibility, i): TimelineEvent => ({
        ...base,
        id: `01JD000000000000000000002${i}`,
        type: 'attachment.added',
        attachmentId: `01JD000000000000000000003${i}`,
        fileName: 'ledger.csv',
        contentType: 'text/csv',
        size: 40,
        visibility,
      }),
    ),
  ];

  it.each(events)('round-trip, and only public ones enter the public timeline index ($type)', (e) => {
    const item = eventToItem(e);
    expect(eventFromItem(item)).toEqual(e);
    expect(item.sk).toBe(`EVENT#${e.id}`);
    expect(item.gsi4pk === c.id && item.gsi4sk === e.id).toBe(isPublicEvent(e));
  });

  it('come back with their keys in the order the API document declares, however DynamoDB orders them', () => {
    const shuffled = (item: Item, order: number[]): Item => {
      const entries = Object.entries(item);
      return Object.fromEntries(order.map((i) => entries[i % entries.length] as [string, unknown]));
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...events),
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        (e, seed) => {
          const item = eventToItem(e);
          const order = [...Object.keys(item).keys()].sort(
            (a, b) => (seed[a] ?? 0) - (seed[b] ?? 0) || a - b,
          );
          const back = eventFromItem(shuffled(item, order));
          expect(Object.keys(back)[0]).toBe('type');
          expect(JSON.stringify(back)).toBe(JSON.stringify(eventFromItem(item)));
        },
      ),
    );
  });

  it('an internal file stays off the public timeline index', () => {
    const internal = events.find((e) => e.type === 'attachment.added' && e.visibility === 'internal');
    expect(internal && eventToItem(internal).gsi4pk).toBeUndefined();
  });

  it('read a file stored before files had a visibility as public, as every such file was', () => {
    const file = events.find((e) => e.type === 'attachment.added' && e.visibility === 'public');
    if (file?.type !== 'attachment.added') throw new Error('no public file event');
    const { visibility: _, ...older } = eventToItem(file);
    expect(eventFromItem(older)).toEqual(file);
  });
});

describe('upload and file items', () => {
  const c = consumerCase();
  const upload: PendingUpload = {
    caseId: c.id,
    attachmentId: '01JD0000000000000000000040',
    fileName: 'shot.png',
    contentType: 'image/png',
    size: 1234,
    visibility: 'internal',
    blobKey: `cases/${c.id}/01JD0000000000000000000040/shot.png`,
    uploadedBy: { role: 'agent', id: 'alice@support.example' },
    expiresAt: toInstant(Date.parse(openedAt) + 15 * 60_000),
  };
  const { uploadedBy: _by, expiresAt: _until, ...file } = upload;

  it('live in their case partition, outside the EVENT# range every timeline read is limited to', () => {
    for (const key of [keys.upload(c.id, upload.attachmentId), keys.attachment(c.id, upload.attachmentId)]) {
      expect(key.pk).toBe(keys.casePartition(c.id));
      expect(String(key.sk).startsWith('EVENT#')).toBe(false);
    }
    expect(keys.upload(c.id, 'X')).toEqual({ pk: `CASE#${c.id}`, sk: 'UPLOAD#X' });
    expect(keys.attachment(c.id, 'X')).toEqual({ pk: `CASE#${c.id}`, sk: 'ATTACHMENT#X' });
  });

  it('round-trip, an upload with its TTL, and neither is read as the other', () => {
    const uploadItem = uploadToItem(upload, 1_800_000_000);
    expect(uploadItem.expiration).toBe(1_800_000_000);
    expect(uploadFromItem(uploadItem)).toEqual(upload);
    const fileItem = attachmentToItem(upload);
    expect(attachmentFromItem(fileItem)).toEqual(file);
    expect(Object.keys(fileItem)).not.toContain('uploadedBy');
    expect(() => attachmentFromItem(uploadItem)).toThrow();
    expect(() => uploadFromItem(fileItem)).toThrow();
  });

  it('refuse ids that would make keys ambiguous', () => {
    expect(() => attachmentToItem({ ...file, attachmentId: 'a#b' })).toThrow(RangeError);
    expect(() => uploadToItem({ ...upload, caseId: '' }, 1)).toThrow(RangeError);
  });

  it('set off no reaction on the stream', () => {
    for (const item of [uploadToItem(upload, 1), attachmentToItem(file)]) {
      const record = {
        eventName: 'INSERT',
        dynamodb: { NewImage: marshall(item) },
      } as unknown as DynamoDBRecord;
      expect(changeFromStreamRecord(record)).toEqual({ kind: 'other' });
    }
  });

  it('a webhook record the converter could not read (an empty map as DynamoDB Local streams it) is not ours, not an error', () => {
    const record = {
      eventName: 'INSERT',
      dynamodb: {
        NewImage: { pk: { S: 'WEBHOOKS' }, sk: { S: 'W1' }, entity: { S: 'webhook' }, filters: {} },
      },
    } as unknown as DynamoDBRecord;
    expect(changeFromStreamRecord(record)).toEqual({ kind: 'other' });
  });
});

describe('createTableInput', () => {
  it('declares every key attribute as a string and every index with its keys', () => {
    const input = createTableInput('t');
    expect(input.AttributeDefinitions?.map((a) => a.AttributeName).sort()).toEqual(
      [...KEY_ATTRIBUTES].sort(),
    );
    expect(input.GlobalSecondaryIndexes).toHaveLength(Object.keys(GLOBAL_INDEXES).length);
    expect(input.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
  });
});

describe('backlog counters', () => {
  const slotArb = fc.record({
    status: fc.constantFrom(...CASE_STATUSES),
    severity: fc.record({ level: fc.constantFrom(...SEVERITY_LEVELS) }),
  });
  const slotOf = (c: { status: string; severity: { level: number } }) =>
    c.status === 'closed' ? null : `${c.status}#${c.severity.level}`;

  it('move a case from its old slot to its new one: net effect is exactly −old +new, never a no-op write', () => {
    fc.assert(
      fc.property(fc.option(slotArb, { nil: null }), slotArb, (before, after) => {
        const deltas = backlogDeltas(before, after);
        const net = new Map<string, number>();
        for (const d of deltas)
          net.set(`${d.status}#${d.level}`, (net.get(`${d.status}#${d.level}`) ?? 0) + d.delta);
        const expected = new Map<string, number>();
        const from = before === null ? null : slotOf(before);
        const to = slotOf(after);
        if (from !== null) expected.set(from, (expected.get(from) ?? 0) - 1);
        if (to !== null) expected.set(to, (expected.get(to) ?? 0) + 1);
        for (const [k, v] of [...expected]) if (v === 0) expected.delete(k);
        expect(net).toEqual(expected);
        // One transaction may not touch an item twice: every delta is on a distinct counter.
        expect(new Set(deltas.map((d) => `${d.status}#${d.level}`)).size).toBe(deltas.length);
      }),
    );
  });

  it('are keyed in one partition, one per non-closed status × level', () => {
    const sortKeys = BACKLOG_STATUSES.flatMap((s) => SEVERITY_LEVELS.map((l) => keys.backlogCounter(s, l)));
    expect(new Set(sortKeys.map((k) => k.pk))).toEqual(new Set(['BACKLOG']));
    expect(new Set(sortKeys.map((k) => k.sk)).size).toBe(24);
    expect(keys.backlogCounter('pending_closure', 2)).toEqual({ pk: 'BACKLOG', sk: 'pending_closure#2' });
  });

  it('ADD the delta and carry what they count, so a stream image stands alone', () => {
    const update = backlogCounterUpdate('working', 1, -1);
    expect(update.Key).toEqual({ pk: 'BACKLOG', sk: 'working#1' });
    expect(update.UpdateExpression).toMatch(/^ADD #count :delta SET /);
    expect(update.ExpressionAttributeValues).toMatchObject({
      ':delta': -1,
      ':status': 'working',
      ':level': 1,
    });
  });

  it('refuse an item that is not a counter, or a counter of something else', () => {
    const counter: Item = {
      pk: 'BACKLOG',
      sk: 'open#0',
      entity: 'counter',
      status: 'open',
      level: 0,
      count: 3,
    };
    expect(counterFromItem(counter)).toEqual({ status: 'open', level: 0, count: 3 });
    expect(() => counterFromItem({ ...counter, entity: 'case' })).toThrow();
    expect(() => counterFromItem({ ...counter, status: 'closed' })).toThrow();
    expect(() => counterFromItem({ ...counter, level: 4 })).toThrow();
    expect(() => counterFromItem({ ...counter, count: '3' })).toThrow();
  });
});

describe('stream records', () => {
  const counter = (count: number): Item => ({
    pk: 'BACKLOG',
    sk: 'on_hold#3',
    entity: 'counter',
    status: 'on_hold',
    level: 3,
    count,
  });
  const record = (eventName: DynamoDBRecord['eventName'], before: Item | null, after: Item | null) =>
    ({
      eventName,
      dynamodb: {
        ...(before ? { OldImage: marshall(before) } : {}),
        ...(after ? { NewImage: marshall(after) } : {}),
      },
    }) as unknown as DynamoDBRecord;

  it('map a counter change (its first, insert, included) to its new value', () => {
    expect(changeFromStreamRecord(record('INSERT', null, counter(1)))).toEqual({
      kind: 'counter',
      status: 'on_hold',
      level: 3,
      count: 1,
    });
    expect(changeFromStreamRecord(record('MODIFY', counter(1), counter(0)))).toEqual({
      kind: 'counter',
      status: 'on_hold',
      level: 3,
      count: 0,
    });
  });

  it('ignore a removed counter, and still map cases and events', () => {
    expect(changeFromStreamRecord(record('REMOVE', counter(2), null))).toEqual({ kind: 'other' });
    const c = consumerCase();
    expect(changeFromStreamRecord(record('INSERT', null, caseToItem(c, policy)))).toEqual({
      kind: 'case',
      before: null,
      after: c,
    });
  });
});

describe('the leads’ figure items', () => {
  const keyOf = (w: FigureWrite): Item =>
    'Update' in w ? w.Update.Key : 'Put' in w ? w.Put.Item : w.Delete.Key;
  const keyText = (w: FigureWrite) => `${String(keyOf(w).pk)} / ${String(keyOf(w).sk)}`;
  const stamp = (c: Case, body: object, at = c.updatedAt): TimelineEvent =>
    ({ id: 'E1', caseId: c.id, at, actor: { role: 'system', id: 'casewatch' }, ...body }) as TimelineEvent;
  /** The numbers an `ADD` writes, by attribute name. */
  const added = (w: FigureWrite): Record<string, number> => {
    if (!('Update' in w)) return {};
    const { UpdateExpression, ExpressionAttributeNames, ExpressionAttributeValues } = w.Update;
    const adds = /^ADD (.*) SET /.exec(UpdateExpression)?.[1] ?? '';
    return Object.fromEntries(
      adds.split(', ').map((pair) => {
        const [name, value] = pair.split(' ') as [string, string];
        return [ExpressionAttributeNames[name] as string, ExpressionAttributeValues[value] as number];
      }),
    );
  };

  const figureCase = caseArb.chain((c) =>
    fc
      .record({
        breached: fc.boolean(),
        escalation: fc.option(fc.constantFrom('Orders lost', 'Still waiting'), { nil: null }),
      })
      .map(({ breached, escalation }) => ({
        ...c,
        assignee: c.assignee === null ? null : c.assignee.toLowerCase(),
        sla: breached ? recordBreach(c.sla, 'first-response', openedAt, openedAt) : c.sla,
        escalation: escalation === null ? null : { requestedAt: openedAt, reason: escalation },
      })),
  );

  it('move agents’ loads by exactly the case leaving one share and entering another, each item once', () => {
    fc.assert(
      fc.property(fc.option(figureCase, { nil: null }), figureCase, (before, after) => {
        const writes = figureWrites(before, { ...after, id: before?.id ?? after.id }, []);
        const keysWritten = writes.map(keyText);
        expect(new Set(keysWritten).size).toBe(keysWritten.length);
        const net = new Map<string, { open: number; breached: number }>();
        for (const [c, sign] of [
          [before, -1],
          [after, 1],
        ] as const) {
          const share = c === null ? null : agentShareOf(c);
          if (share === null) continue;
          const load = net.get(share.agent) ?? { open: 0, breached: 0 };
          net.set(share.agent, {
            open: load.open + sign,
            breached: load.breached + (share.breached ? sign : 0),
          });
        }
        const moved = new Map(
          writes
            .filter((w) => String(keyOf(w).pk) === FIGURE_PARTITIONS.agents)
            .map((w) => [String(keyOf(w).sk), added(w)]),
        );
        for (const [agent, load] of net) {
          if (load.open === 0 && load.breached === 0) expect(moved.has(agent)).toBe(false);
          else expect(moved.get(agent)).toEqual(load);
        }
        expect([...moved.keys()].every((agent) => net.has(agent))).toBe(true);
      }),
    );
  });

  it('write nothing for a change that moves no figure', () => {
    fc.assert(
      fc.property(figureCase, (c) => {
        expect(
          figureWrites(
            c,
            { ...c, version: c.version + 1, updatedAt: toInstant(Date.parse(c.updatedAt) + 1) },
            [],
          ),
        ).toEqual([]);
      }),
    );
  });

  it('put a waiting escalation, update it as it changes, delete it once answered', () => {
    const c = { ...consumerCase(), assignee: 'alice@support.example' };
    const waiting = { ...c, escalation: { requestedAt: '2026-03-02T10:00:00.000Z', reason: 'Lost' } };
    const key = keys.waitingEscalation('2026-03-02T10:00:00.000Z', c.id);
    expect(key).toEqual({ pk: 'STATS#ESCALATIONS', sk: `2026-03-02T10:00:00.000Z#${c.id}` });
    const put = figureWrites(c, waiting, []);
    expect(put).toEqual([
      {
        Put: {
          Item: {
            ...key,
            entity: 'figure',
            caseId: c.id,
            number: c.number,
            subject: c.subject,
            level: c.severity.level,
            assignee: 'alice@support.example',
            requestedAt: '2026-03-02T10:00:00.000Z',
            reason: 'Lost',
          },
        },
      },
    ]);
    const again = { ...waiting, escalation: { ...waiting.escalation, reason: 'Still lost' } };
    expect(figureWrites(waiting, again, [])).toMatchObject([
      { Put: { Item: { ...key, reason: 'Still lost' } } },
    ]);
    expect(figureWrites(waiting, waiting, [])).toEqual([]);
    expect(figureWrites(again, { ...again, escalation: null }, [])).toEqual([{ Delete: { Key: key } }]);
    expect(figureWrites(again, { ...again, status: 'closed', assignee: null }, [])).toContainEqual({
      Delete: { Key: key },
    });
  });

  it('count first responses and next updates in the UTC hour of their event, one item per hour, and nothing else', () => {
    const c = consumerCase();
    const events = [
      stamp(
        c,
        { type: 'sla.breached', deadline: 'first-response', dueAt: openedAt, level: 1 },
        '2026-03-02T09:59:59.999Z',
      ),
      stamp(
        c,
        { type: 'sla.at_risk', deadline: 'first-response', dueAt: openedAt, level: 1 },
        '2026-03-02T09:30:00.000Z',
      ),
      stamp(
        c,
        { type: 'sla.breached', deadline: 'next-update', dueAt: openedAt, level: 1 },
        '2026-03-02T09:40:00.000Z',
      ),
      stamp(c, { type: 'sla.met', deadline: 'next-update', level: 0 }, '2026-03-02T10:00:00.000Z'),
    ];
    const writes = figureWrites(c, c, events);
    // The update at 10:00 answered the window breached at 09:40: counted once, as that breach, so its
    // hour gets nothing.
    expect(writes).toHaveLength(1);
    expect(keyOf(writes[0] as FigureWrite)).toEqual({ pk: 'STATS#FR', sk: '2026-03-02T09' });
    expect(added(writes[0] as FigureWrite)).toEqual({ breached1: 1, nextUpdateBreached1: 1 });
    // As DynamoDB would hold it after the ADD, and read back as rows.
    const item = {
      pk: 'STATS#FR',
      sk: '2026-03-02T09',
      entity: 'figure',
      hour: '2026-03-02T09',
      breached1: 1,
      met2: 3,
      nextUpdateMet2: 2,
      nextUpdateBreached3: 1,
    };
    expect(complianceCountsFromItem(item)).toEqual([
      {
        hour: '2026-03-02T09',
        level: 1,
        firstResponse: { met: 0, breached: 1 },
        nextUpdate: { met: 0, breached: 0 },
      },
      {
        hour: '2026-03-02T09',
        level: 2,
        firstResponse: { met: 3, breached: 0 },
        nextUpdate: { met: 2, breached: 0 },
      },
      {
        hour: '2026-03-02T09',
        level: 3,
        firstResponse: { met: 0, breached: 0 },
        nextUpdate: { met: 0, breached: 1 },
      },
    ]);
  });

  it('count a next update met unless the window it answered was breached, as the case stood before the write', () => {
    const c = consumerCase();
    const windowOpen: Case = {
      ...c,
      sla: {
        ...c.sla,
        updateWindow: {
          startedAt: openedAt,
          pauses: [],
          atRiskAt: null,
          breachedAt: null,
          settledDueAt: null,
        },
      },
    };
    const windowBreached: Case = {
      ...windowOpen,
      sla: recordBreach(windowOpen.sla, 'next-update', openedAt, openedAt),
    };
    const update = [
      stamp(c, { type: 'sla.met', deadline: 'next-update', level: 2 }, '2026-03-03T11:00:00.000Z'),
    ];
    expect(figureWrites(windowOpen, windowOpen, update).map(added)).toEqual([{ nextUpdateMet2: 1 }]);
    // The breach was written by an earlier write: the case after this one, with its fresh window, cannot tell.
    expect(figureWrites(windowBreached, windowOpen, update)).toEqual([]);
  });

  it('read an hour written before next updates were counted as none of them', () => {
    const item = { pk: 'STATS#FR', sk: '2026-03-02T09', entity: 'figure', hour: '2026-03-02T09', met0: 1 };
    expect(complianceCountsFromItem(item)).toEqual([
      {
        hour: '2026-03-02T09',
        level: 0,
        firstResponse: { met: 1, breached: 0 },
        nextUpdate: { met: 0, breached: 0 },
      },
    ]);
  });

  it('keep a survey answer once (a conditional put) and add it to the totals', () => {
    const c = consumerCase();
    const ratings = { overall: 5, timeliness: 3, friendliness: 4 };
    const answered: Case = {
      ...c,
      status: 'closed',
      survey: { sentAt: openedAt, submittedAt: '2026-03-03T00:00:00.000Z', ratings, comment: 'Kind' },
    };
    const writes = figureWrites(c, answered, [
      stamp(answered, { type: 'survey.submitted', ratings, comment: 'Kind' }),
    ]);
    expect(writes[0]).toMatchObject({
      Put: {
        Item: {
          pk: 'STATS#SURVEYS',
          sk: `ANSWER#2026-03-03T00:00:00.000Z#${c.id}`,
          caseId: c.id,
          ratings,
          comment: 'Kind',
          assignee: null,
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
      },
    });
    expect(keyOf(writes[1] as FigureWrite)).toEqual({ pk: 'STATS#SURVEYS', sk: 'TOTALS' });
    expect(added(writes[1] as FigureWrite)).toEqual({ count: 1, ...ratings });
    expect(surveyTotalsFromItem(null)).toEqual({
      count: 0,
      sums: { overall: 0, timeliness: 0, friendliness: 0 },
    });
  });

  it('live in STATS# partitions no timeline, list or index reads, and set off no reaction on the stream', () => {
    const c = { ...consumerCase(), assignee: 'alice@support.example' };
    const ratings = { overall: 5, timeliness: 3, friendliness: 4 };
    const after: Case = {
      ...c,
      sla: recordBreach(c.sla, 'first-response', openedAt, openedAt),
      escalation: { requestedAt: openedAt, reason: 'r' },
      survey: { sentAt: openedAt, submittedAt: openedAt, ratings, comment: null },
    };
    const writes = figureWrites(null, after, [
      stamp(after, { type: 'sla.breached', deadline: 'first-response', dueAt: openedAt, level: 2 }),
      stamp(after, { type: 'survey.submitted', ratings, comment: null }),
    ]);
    expect(writes.map((w) => String(keyOf(w).pk)).sort()).toEqual(
      ['STATS#AGENTS', 'STATS#ESCALATIONS', 'STATS#FR', 'STATS#SURVEYS', 'STATS#SURVEYS'].sort(),
    );
    const gsiKeys = KEY_ATTRIBUTES.filter((a) => a !== 'pk' && a !== 'sk');
    for (const w of writes) {
      const item = 'Put' in w ? w.Put.Item : { ...keyOf(w), entity: 'figure', ...added(w) };
      for (const attribute of gsiKeys) expect(item).not.toHaveProperty(attribute);
      for (const eventName of ['INSERT', 'MODIFY', 'REMOVE'] as const) {
        const record = {
          eventName,
          dynamodb: {
            NewImage: marshall(item, { removeUndefinedValues: true }),
            OldImage: marshall(item, { removeUndefinedValues: true }),
          },
        } as unknown as DynamoDBRecord;
        expect(changeFromStreamRecord(record)).toEqual({ kind: 'other' });
      }
    }
  });
});
