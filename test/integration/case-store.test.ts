import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTable } from '../../local/dynamodb-local.ts';
import { keys } from '../../shared/adapters/dynamodb/case-items.ts';
import { createCaseStore } from '../../shared/adapters/dynamodb/case-store.ts';
import { GLOBAL_INDEXES } from '../../shared/adapters/dynamodb/table-definition.ts';
import type { Case } from '../../shared/domain/case.ts';
import { slaView } from '../../shared/domain/sla.ts';
import { isPublicEvent, type TimelineEvent } from '../../shared/domain/timeline.ts';
import { AlreadyAppliedError, type CaseStore, InvalidCursorError } from '../../shared/ports/case-store.ts';
import {
  at,
  buildCase,
  event,
  nextCaseNumber,
  opened,
  policy,
  readAll,
  type TestTable,
  ulid,
  useTestTable,
} from './support/store.ts';

let t: TestTable;
let store: CaseStore;

useTestTable('case-store', (table) => {
  t = table;
  store = t.store;
});

async function stored(spec: Parameters<typeof buildCase>[0] = {}): Promise<Case> {
  const c = buildCase(spec);
  expect(await store.create(c, [opened(c)])).toBe(true);
  return c;
}

const ids = (cases: { id: string }[]) => cases.map((c) => c.id);

describe('the table', () => {
  it('is built from the shared definition: on demand, streams with both images, every index, TTL', async () => {
    const { Table } = await t.client.send(new DescribeTableCommand({ TableName: t.tableName }));
    expect(Table?.StreamSpecification).toMatchObject({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(
      Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection?.ProjectionType]).sort(),
    ).toEqual(
      Object.values(GLOBAL_INDEXES)
        .map((i) => [i.indexName, 'ALL'])
        .sort(),
    );
    const ttl = await t.client.send(new DescribeTimeToLiveCommand({ TableName: t.tableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expiration',
    });
  });

  it('is created idempotently (a restart with a data folder finds it there)', async () => {
    expect(await createTable(t.client, t.tableName)).toBe('existing');
  });
});

describe('create, get and get by number', () => {
  it('round-trips a seller case and a consumer case exactly', async () => {
    const seller = await stored({ type: 'seller', sellerId: 'acme-roundtrip', level: 1 });
    const consumer = await stored({ type: 'consumer', email: 'buyer@example.com', repliedAfterMinutes: 30 });
    expect(await store.get(seller.id)).toEqual(seller);
    expect(await store.get(consumer.id)).toEqual(consumer);
    expect(await store.getByNumber(consumer.number)).toEqual(consumer);
    // Case numbers are read aloud and retyped: letter case does not matter.
    expect(await store.getByNumber(consumer.number.toLowerCase())).toEqual(consumer);
  });

  it('stores nested objects as maps, and index keys only where they belong', async () => {
    const c = await stored({ type: 'consumer', email: 'Mixed.Case@Example.com' });
    const { Item } = await t.doc.send(new GetCommand({ TableName: t.tableName, Key: keys.case(c.id) }));
    expect(Item?.sla).toEqual(c.sla);
    expect(Item?.requester).toEqual({ email: 'mixed.case@example.com', sellerId: null });
    expect(Item?.gsi1pk).toBe(`Q#new#${c.severity.level}`);
    expect(Item?.gsi1sk).toBe(`${slaView(c.sla, policy).firstResponse.dueAt}#${c.id}`);
    expect(Item?.gsi3pk).toBe('R#E#mixed.case@example.com');
    expect(Item).not.toHaveProperty('gsi2pk');
  });

  it('answers null for an unknown id or number, and for ones no key could hold', async () => {
    expect(await store.get(ulid())).toBeNull();
    expect(await store.getByNumber('CW-000000')).toBeNull();
    expect(await store.get('x'.repeat(5_000))).toBeNull();
    expect(await store.get('')).toBeNull();
  });

  it('refuses a duplicate id and writes nothing of the second case', async () => {
    const first = await stored();
    const again = { ...buildCase(), id: first.id };
    const events = [opened(again)];
    expect(await store.create(again, events)).toBe(false);
    expect(await store.get(first.id)).toEqual(first);
    expect(await store.getByNumber(again.number)).toBeNull();
    const timeline = await store.listEvents(first.id, { limit: 10 });
    expect(ids(timeline.items)).not.toContain(events[0]?.id);
  });

  it('refuses a duplicate case number and writes nothing of the second case', async () => {
    const first = await stored();
    const clash = { ...buildCase(), number: first.number };
    expect(await store.create(clash, [opened(clash)])).toBe(false);
    expect(await store.get(clash.id)).toBeNull();
    expect((await store.listEvents(clash.id, { limit: 10 })).items).toEqual([]);
    expect((await store.getByNumber(first.number))?.id).toBe(first.id);
  });

  it('refuses events of another case as a programming error', async () => {
    const a = buildCase();
    const b = buildCase();
    await expect(store.create(a, [opened(b)])).rejects.toThrow(RangeError);
  });
});

describe('update', () => {
  it('replaces the case and appends its events in one step', async () => {
    const c = await stored();
    const next: Case = {
      ...c,
      status: 'working',
      assignee: 'alice@support.example',
      version: 2,
      updatedAt: at(5),
    };
    const e = event(next, { type: 'assignee.changed', from: null, to: 'alice@support.example' });
    expect(await store.update(next, 1, [e])).toEqual({ ok: true });
    expect(await store.get(c.id)).toEqual(next);
    expect((await store.listEvents(c.id, { limit: 10 })).items.at(-1)).toEqual(e);
  });

  it('answers stale for an old version and writes neither the case nor its events', async () => {
    const c = await stored();
    const v2: Case = { ...c, subject: 'v2', version: 2 };
    expect(await store.update(v2, 1, [])).toEqual({ ok: true });
    const lost: Case = { ...c, subject: 'lost', version: 2 };
    const lostEvent = event(lost, {
      type: 'message.posted',
      visibility: 'public',
      body: 'lost',
      channel: 'api',
    });
    expect(await store.update(lost, 1, [lostEvent])).toEqual({ ok: false, reason: 'stale' });
    expect(await store.get(c.id)).toEqual(v2);
    expect(ids((await store.listEvents(c.id, { limit: 10 })).items)).not.toContain(lostEvent.id);
    expect(ids((await store.listEvents(c.id, { limit: 10 }, { publicOnly: true })).items)).not.toContain(
      lostEvent.id,
    );
  });

  it('answers stale for a case that does not exist', async () => {
    const ghost = { ...buildCase(), version: 2 };
    expect(await store.update(ghost, 1, [])).toEqual({ ok: false, reason: 'stale' });
    expect(await store.get(ghost.id)).toBeNull();
  });

  it('throws when the next version is not the expected one plus one', async () => {
    const c = await stored();
    await expect(store.update({ ...c, version: 3 }, 1, [])).rejects.toThrow(RangeError);
    await expect(store.update({ ...c, version: 1 }, 1, [])).rejects.toThrow(RangeError);
  });

  it('throws (and writes nothing) when an event id is already stored: that is a bug, not a race', async () => {
    const c = buildCase();
    const first = opened(c);
    expect(await store.create(c, [first])).toBe(true);
    await expect(store.update({ ...c, subject: 'changed', version: 2 }, 1, [first])).rejects.toThrow(
      /already stored/,
    );
    expect(await store.get(c.id)).toEqual(c);
  });

  it('moves the case between list partitions as its status, severity and assignee change', async () => {
    const c = await stored({ assignee: 'mover-a@support.example', level: 2 });
    const next: Case = {
      ...c,
      status: 'working',
      severity: { ...c.severity, level: 0 },
      assignee: 'mover-b@support.example',
      version: 2,
    };
    expect(await store.update(next, 1, [])).toEqual({ ok: true });
    const inList = async (q: Parameters<CaseStore['list']>[0]) =>
      ids((await readAll((cursor) => store.list(q, { limit: 50, cursor }), 50)).items).includes(c.id);
    expect(await inList({ status: 'new', severity: 2 })).toBe(false);
    expect(await inList({ status: 'working', severity: 0 })).toBe(true);
    expect(await inList({ assignee: 'mover-a@support.example' })).toBe(false);
    expect(await inList({ assignee: 'mover-b@support.example' })).toBe(true);
  });
});

describe('timeline', () => {
  let c: Case;
  let timeline: TimelineEvent[];

  beforeAll(async () => {
    c = buildCase();
    const bodies = [
      { type: 'message.posted', visibility: 'public', body: 'hello', channel: 'api' },
      { type: 'message.posted', visibility: 'internal', body: 'looks like a payout bug', channel: 'api' },
      { type: 'assignee.changed', from: null, to: 'alice@support.example' },
      {
        type: 'status.changed',
        from: 'open',
        to: 'working',
        note: 'internal reason',
        visibility: 'internal',
      },
      { type: 'sla.met', deadline: 'first-response' },
      { type: 'message.posted', visibility: 'public', body: 'we are on it', channel: 'api' },
      { type: 'severity.changed', from: 2, to: 1, reason: 'many sellers' },
      {
        type: 'status.changed',
        from: 'working',
        to: 'on_hold',
        note: 'waiting for you',
        visibility: 'public',
      },
      { type: 'message.posted', visibility: 'internal', body: 'ping finance', channel: 'api' },
      { type: 'escalation.requested', reason: 'too slow' },
      {
        type: 'attachment.added',
        attachmentId: 'a1',
        fileName: 'x.png',
        contentType: 'image/png',
        size: 12,
        visibility: 'public',
      },
      {
        type: 'attachment.added',
        attachmentId: 'a2',
        fileName: 'ledger.csv',
        contentType: 'text/csv',
        size: 40,
        visibility: 'internal',
      },
      { type: 'sla.at_risk', deadline: 'next-update', dueAt: at(600) },
    ] as const;
    timeline = [opened(c), ...bodies.map((b) => event(c, b))];
    // Created with the first few, then appended in a few updates, as a case's life would.
    expect(await store.create(c, timeline.slice(0, 4))).toBe(true);
    let current = c;
    for (const chunk of [timeline.slice(4, 9), timeline.slice(9)]) {
      const next = { ...current, version: current.version + 1 };
      expect(await store.update(next, current.version, chunk)).toEqual({ ok: true });
      current = next;
    }
  });

  it.each([1, 2, 5, 13, 100])('pages through the full timeline in order, limit %i', async (limit) => {
    const { items, pages } = await readAll((cursor) => store.listEvents(c.id, { limit, cursor }), limit);
    expect(items).toEqual(timeline);
    // Full pages until the last one, and no empty page after it.
    expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
    expect(pages.at(-1)?.length).toBeGreaterThan(0);
  });

  it.each([1, 3, 4, 100])('pages through the public timeline from its own index, limit %i', async (limit) => {
    const { items, pages } = await readAll(
      (cursor) => store.listEvents(c.id, { limit, cursor }, { publicOnly: true }),
      limit,
    );
    const expected = timeline.filter(isPublicEvent);
    expect(ids(items)).toEqual(ids(expected));
    expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
    // A status change whose note the agent kept internal shows without the note.
    const internalNote = items.find((e) => e.type === 'status.changed' && e.visibility === 'internal');
    expect(internalNote).toMatchObject({ note: null });
  });

  it('answers an empty page for a case without events', async () => {
    expect(await store.listEvents(ulid(), { limit: 10 })).toEqual({ items: [], cursor: null });
  });

  it('refuses a cursor of another case, of the other view, or tampered with', async () => {
    const page = await store.listEvents(c.id, { limit: 2 });
    const cursor = page.cursor as string;
    const other = await stored();
    await expect(store.listEvents(other.id, { limit: 2, cursor })).rejects.toThrow(InvalidCursorError);
    await expect(store.listEvents(c.id, { limit: 2, cursor }, { publicOnly: true })).rejects.toThrow(
      InvalidCursorError,
    );
    await expect(store.listEvents(c.id, { limit: 2, cursor: `${cursor}x` })).rejects.toThrow(
      InvalidCursorError,
    );
  });
});

describe('lists by requester and by assignee', () => {
  const agent = 'Agent.Smith@Support.example';
  let acme: Case[];
  let globex: Case;
  let buyer: Case[];

  beforeAll(async () => {
    acme = [
      await stored({ sellerId: 'acme', openedAt: at(0), level: 3 }), // due +24h
      await stored({ sellerId: 'acme', openedAt: at(0), level: 0, assignee: 'agent.smith@support.example' }), // +1h
      await stored({ sellerId: 'acme', openedAt: at(60), level: 2, status: 'closed' }), // no deadline
      await stored({ sellerId: 'acme', openedAt: at(30), level: 1, assignee: 'agent.smith@support.example' }), // +4.5h
    ];
    globex = await stored({ sellerId: 'globex', assignee: 'agent.smith@support.example', level: 2 });
    buyer = [
      await stored({ type: 'consumer', email: 'buyer.one@example.com', level: 2 }),
      await stored({ type: 'consumer', email: 'buyer.one@example.com', level: 0, status: 'working' }),
    ];
  });

  const all = async (q: Parameters<CaseStore['list']>[0], limit = 2) =>
    ids((await readAll((cursor) => store.list(q, { limit, cursor }), limit)).items);

  it("lists a seller's cases by earliest open deadline, closed ones last", async () => {
    const [low, highest, closed, high] = acme as [Case, Case, Case, Case];
    expect(await all({ sellerId: 'acme' })).toEqual(ids([highest, high, low, closed]));
    expect(await all({ sellerId: 'acme', type: 'seller', status: 'new' })).toEqual(ids([highest, high, low]));
    expect(await all({ sellerId: 'acme', severity: 3 })).toEqual(ids([low]));
    expect(await all({ sellerId: 'globex' })).toEqual(ids([globex]));
  });

  it("lists a consumer's cases by email, whatever its letter case", async () => {
    const [medium, highest] = buyer as [Case, Case];
    expect(await all({ requesterEmail: 'Buyer.One@Example.COM' })).toEqual(ids([highest, medium]));
    expect(await all({ requesterEmail: 'buyer.one@example.com', status: 'working' })).toEqual(ids([highest]));
  });

  it('answers nothing for a contradiction, without reading', async () => {
    expect(await all({ sellerId: 'acme', type: 'consumer' })).toEqual([]);
    expect(await all({ requesterEmail: 'buyer.one@example.com', type: 'seller' })).toEqual([]);
    expect(await all({ sellerId: 'acme', requesterEmail: 'buyer.one@example.com' })).toEqual([]);
  });

  it("lists an agent's cases across requesters by deadline, with filters", async () => {
    const [, highest, , high] = acme as [Case, Case, Case, Case];
    expect(await all({ assignee: agent }, 1)).toEqual(ids([highest, high, globex]));
    expect(await all({ assignee: agent, severity: 2 })).toEqual(ids([globex]));
    expect(await all({ assignee: agent, type: 'consumer' })).toEqual([]);
    // Requester index, assignee as a filter on the (normalised) assignee key.
    expect(await all({ sellerId: 'acme', assignee: agent })).toEqual(ids([highest, high]));
  });

  it('follows short pages of a selective filter to every match, once', async () => {
    const busy = 'busy@support.example';
    const cases = [];
    for (let i = 0; i < 14; i++) cases.push(await stored({ assignee: busy, openedAt: at(i), level: 3 }));
    const late = await stored({
      assignee: busy,
      openedAt: at(100),
      level: 3,
      repliedAfterMinutes: 5,
      status: 'on_hold',
    });
    const { items, pages } = await readAll(
      (cursor) => store.list({ assignee: busy, status: 'on_hold' }, { limit: 1, cursor }),
      1,
    );
    expect(ids(items)).toEqual([late.id]);
    // The round budget made at least one page come back short before the match was reached.
    expect(pages.length).toBeGreaterThan(1);
  });
});

describe('cursors', () => {
  let cursor: string;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) await stored({ level: 2, status: 'pending_internal', openedAt: at(i) });
    const page = await store.list({ status: 'pending_internal' }, { limit: 1 });
    cursor = page.cursor as string;
    expect(cursor).toEqual(expect.any(String));
  });

  const refused = (q: Parameters<CaseStore['list']>[0], c: string, s: CaseStore = store) =>
    expect(s.list(q, { limit: 1, cursor: c })).rejects.toThrow(InvalidCursorError);

  it('accepts its own cursor for the same query', async () => {
    await expect(store.list({ status: 'pending_internal' }, { limit: 1, cursor })).resolves.toBeDefined();
    // And it goes on where the first page stopped: the next case of the query, not the first again.
    const [first, next] = await Promise.all([
      store.list({ status: 'pending_internal' }, { limit: 1 }),
      store.list({ status: 'pending_internal' }, { limit: 1, cursor }),
    ]);
    expect(next.items).toHaveLength(1);
    expect(next.items[0]?.status).toBe('pending_internal');
    expect(next.items[0]?.id).not.toBe(first.items[0]?.id);
  });

  it('refuses garbage, a tampered payload or signature, and a cursor of another query', async () => {
    const [payload, signature] = cursor.split('.') as [string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    await refused({ status: 'pending_internal' }, 'not a cursor');
    await refused({ status: 'pending_internal' }, '');
    await refused({ status: 'pending_internal' }, `${flip(payload, 5)}.${signature}`);
    await refused({ status: 'pending_internal' }, `${payload}.${flip(signature, 3)}`);
    await refused({ status: 'pending_internal' }, payload);
    await refused({ status: 'working' }, cursor);
    await refused({ status: 'pending_internal', type: 'consumer' }, cursor);
    await refused({ sellerId: 'someone-else' }, cursor);
  });

  it('refuses a cursor signed with another key', async () => {
    const other = createCaseStore({
      client: t.doc,
      tableName: t.tableName,
      policy,
      cursorKey: 'another-key-of-32-bytes-........',
    });
    await refused({ status: 'pending_internal' }, cursor, other);
  });

  it('without a key, still refuses anything malformed before DynamoDB sees it', async () => {
    const unsigned = createCaseStore({ client: t.doc, tableName: t.tableName, policy });
    const first = await unsigned.list({ status: 'pending_internal' }, { limit: 1 });
    const payload = JSON.parse(Buffer.from(first.cursor as string, 'base64url').toString()) as {
      v: number;
      q: string;
      p: unknown[];
    };
    const forge = (p: unknown) => Buffer.from(JSON.stringify(p)).toString('base64url');
    await refused(
      { status: 'pending_internal' },
      forge({ ...payload, p: payload.p.map(() => 'Q#x') }),
      unsigned,
    );
    await refused({ status: 'pending_internal' }, forge({ ...payload, p: [null] }), unsigned);
    await refused({ status: 'pending_internal' }, forge({ ...payload, v: 2 }), unsigned);
    await refused({ status: 'pending_internal' }, forge({ ...payload, extra: 1 }), unsigned);
    await refused({ status: 'pending_internal' }, forge([1, 2]), unsigned);
    await refused({ status: 'pending_internal' }, `${first.cursor}.c2lnbmF0dXJl`, unsigned);
    await refused({ status: 'pending_internal' }, cursor, unsigned);
    // A well-formed position is only ever used inside the query's own partitions.
    const page = await unsigned.list(
      { status: 'pending_internal' },
      { limit: 1, cursor: first.cursor as string },
    );
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((c) => c.status === 'pending_internal')).toBe(true);
  });

  it('refuses a cursor for a query that can match nothing', async () => {
    await refused({ sellerId: 'acme', type: 'consumer' }, cursor);
  });

  it('refuses a page limit outside 1..1000 as a programming error', async () => {
    await expect(store.list({}, { limit: 0 })).rejects.toThrow(RangeError);
    await expect(store.listEvents(ulid(), { limit: 1.5 })).rejects.toThrow(RangeError);
  });
});

describe('case numbers', () => {
  it('are unique per case, independent of ids', async () => {
    const number = nextCaseNumber();
    const a = { ...buildCase(), number };
    const b = { ...buildCase(), number };
    const results = await Promise.all([store.create(a, [opened(a)]), store.create(b, [opened(b)])]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results[0] ? a : b;
    expect((await store.getByNumber(number))?.id).toBe(winner.id);
  });
});

describe('changes applied once (onceKey)', () => {
  it('a second create or update under the same key is refused whole: no case, no event, no counter move', async () => {
    const key = `inbound#${ulid()}`;
    const first = buildCase();
    expect(await store.create(first, [opened(first)], { onceKey: key })).toBe(true);
    const backlogBefore = await store.backlog();
    const second = buildCase();
    await expect(store.create(second, [opened(second)], { onceKey: key })).rejects.toBeInstanceOf(
      AlreadyAppliedError,
    );
    expect(await store.get(second.id)).toBeNull();
    expect(await store.getByNumber(second.number)).toBeNull();

    const reply: Case = { ...first, status: 'open', version: 2, updatedAt: at(5) };
    const message = event(reply, {
      type: 'message.posted',
      visibility: 'public',
      body: 'again',
      channel: 'api',
    });
    await expect(store.update(reply, 1, [message], { onceKey: key })).rejects.toBeInstanceOf(
      AlreadyAppliedError,
    );
    expect(await store.get(first.id)).toEqual(first);
    expect(ids((await store.listEvents(first.id, { limit: 10 })).items)).not.toContain(message.id);
    expect(await store.backlog()).toEqual(backlogBefore);

    // Another key applies; the same key then refuses the next change of this case too.
    const other = `inbound#${ulid()}`;
    expect(await store.update(reply, 1, [message], { onceKey: other })).toEqual({ ok: true });
    const later: Case = { ...reply, version: 3, updatedAt: at(6) };
    await expect(store.update(later, 2, [], { onceKey: other })).rejects.toBeInstanceOf(AlreadyAppliedError);
    expect((await store.get(first.id))?.version).toBe(2);
  });
});
