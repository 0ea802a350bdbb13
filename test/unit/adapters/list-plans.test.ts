import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseToItem, deadlineSortKey, type Item } from '../../../shared/adapters/dynamodb/case-items.ts';
import { MAX_CURSOR_PARTITIONS } from '../../../shared/adapters/dynamodb/cursor.ts';
import { planCaseList, planTimeline } from '../../../shared/adapters/dynamodb/list-plans.ts';
import type { ReadPlan } from '../../../shared/adapters/dynamodb/page-reader.ts';
import { GLOBAL_INDEXES } from '../../../shared/adapters/dynamodb/table-definition.ts';
import { type Case, newCase } from '../../../shared/domain/case.ts';
import { SEVERITY_LEVELS } from '../../../shared/domain/severity.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';
import { CASE_STATUSES } from '../../../shared/domain/status.ts';
import type { CaseQuery } from '../../../shared/ports/case-store.ts';

const policy = createSlaPolicy();
const caseId = '01JD0000000000000000000001';
const eventId = '01JD0000000000000000000042';

const base = newCase(
  {
    type: 'consumer',
    subject: 'Charged twice',
    description: 'double billing',
    email: 'buyer@example.com',
    orderNumber: 'FS-1',
    billingDescriptor: 'FSPRG',
  },
  {
    id: caseId,
    number: 'CW-000001',
    channel: 'email',
    openedAt: '2026-03-02T09:00:00.000Z',
    requester: { email: null, sellerId: null },
  },
);

/** The plan of a query that can match something. */
function plan(q: CaseQuery): ReadPlan {
  const p = planCaseList(q);
  if (p === null) throw new Error(`no plan for ${JSON.stringify(q)}`);
  return p;
}

describe('a case list reads the one partition of its requester or agent', () => {
  it("a seller id reads only that seller's partition", () => {
    const p = plan({ sellerId: 'acme' });
    expect(p.index).toBe(GLOBAL_INDEXES.bySeller);
    expect(p.partitions).toEqual(['S#acme']);
    expect(p.filter).toEqual([]);
  });

  it("a requester's email reads their partition (seller and consumer cases), whatever its spelling", () => {
    const p = plan({ requesterEmail: ' Buyer@Example.COM ' });
    expect(p.index).toBe(GLOBAL_INDEXES.byRequester);
    expect(p.partitions).toEqual(['R#E#buyer@example.com']);
    expect(plan({ requesterEmail: 'b@x.example', type: 'seller' }).filter).toEqual([
      { path: ['type'], equals: 'seller' },
    ]);
  });

  it("on a seller's partition status, severity and assignee are filters; the type it implies is not", () => {
    const p = plan({ sellerId: 'acme', type: 'seller', status: 'open', severity: 1, assignee: 'Ann@Desk' });
    expect(p.partitions).toEqual(['S#acme']);
    expect(p.filter).toEqual([
      { path: ['status'], equals: 'open' },
      { path: ['severity', 'level'], equals: 1 },
      { path: [GLOBAL_INDEXES.byAssignee.partitionKey], equals: 'A#ann@desk' },
    ]);
  });

  it('a seller looking for a colleague reads that requester and keeps the seller as a filter', () => {
    const p = plan({ sellerId: 'acme', requesterEmail: 'Ops@Acme.example' });
    expect(p.index).toBe(GLOBAL_INDEXES.byRequester);
    expect(p.partitions).toEqual(['R#E#ops@acme.example']);
    expect(p.filter).toEqual([{ path: [GLOBAL_INDEXES.bySeller.partitionKey], equals: 'S#acme' }]);
  });

  it("an assignee without a requester reads the agent's partition; status, severity and type are filters", () => {
    const p = plan({ assignee: 'Ann@Desk', status: 'working', severity: 0, type: 'consumer' });
    expect(p.index).toBe(GLOBAL_INDEXES.byAssignee);
    expect(p.partitions).toEqual(['A#ann@desk']);
    expect(p.filter).toEqual([
      { path: ['status'], equals: 'working' },
      { path: ['severity', 'level'], equals: 0 },
      { path: ['type'], equals: 'consumer' },
    ]);
  });
});

describe('the whole queue (no status, no severity) reads two partitions, whatever the statuses and levels', () => {
  it('open and closed, merged by deadline; type is a filter', () => {
    const p = plan({});
    expect(p.index).toBe(GLOBAL_INDEXES.openQueue);
    expect(p.partitions).toEqual(['O#open', 'O#closed']);
    expect(p.filter).toEqual([]);
    expect(plan({ type: 'consumer' }).filter).toEqual([{ path: ['type'], equals: 'consumer' }]);
    expect(plan({ type: 'consumer' }).partitions).toHaveLength(2);
  });
});

describe('a list narrowed by status or severity reads the status × severity queue partitions it allows', () => {
  it.each([
    ['status and severity: the one partition', { status: 'open', severity: 2 }, 1],
    ['status alone: one partition per severity level', { status: 'open' }, 4],
    ['severity alone: one partition per status', { severity: 2 }, 7],
  ] as [string, CaseQuery, number][])('%s (%o reads %i)', (_, q, count) => {
    const p = plan(q);
    expect(p.index).toBe(GLOBAL_INDEXES.queue);
    expect(p.partitions).toHaveLength(count);
    expect(new Set(p.partitions).size).toBe(count);
    for (const partition of p.partitions) {
      const [, status, level] = partition.split('#');
      if (q.status !== undefined) expect(status).toBe(q.status);
      if (q.severity !== undefined) expect(level).toBe(String(q.severity));
    }
  });

  it('on the queue, type is the only filter: status and severity are in the key', () => {
    expect(plan({ status: 'open', severity: 3, type: 'seller' }).filter).toEqual([
      { path: ['type'], equals: 'seller' },
    ]);
    expect(plan({ status: 'open' }).filter).toEqual([]);
  });

  it('no plan has more partitions than a cursor can carry', () => {
    expect(plan({}).partitions.length).toBeLessThanOrEqual(MAX_CURSOR_PARTITIONS);
  });
});

describe('a query no case can match has no plan, so nothing is read', () => {
  it.each([
    { sellerId: 'acme', type: 'consumer' },
    { sellerId: 'acme', requesterEmail: 'buyer@example.com', type: 'consumer' },
  ] as CaseQuery[])('%o', (q) => {
    expect(planCaseList(q)).toBeNull();
  });
});

describe('a case list answers exactly the cases its query matches', () => {
  const norm = (email: string) => email.trim().toLowerCase();
  /** The query's meaning, stated without any key: what the plan must reproduce. */
  const matches = (c: Case, q: CaseQuery): boolean =>
    (q.status === undefined || c.status === q.status) &&
    (q.severity === undefined || c.severity.level === q.severity) &&
    (q.type === undefined || c.type === q.type) &&
    (q.assignee === undefined || (c.assignee !== null && norm(c.assignee) === norm(q.assignee))) &&
    (q.sellerId === undefined || (c.type === 'seller' && c.requester.sellerId === q.sellerId)) &&
    (q.requesterEmail === undefined ||
      (c.requester.email !== null && norm(c.requester.email) === norm(q.requesterEmail)));
  /** What DynamoDB does with a plan: the item is in one of its partitions and passes every filter. */
  const listedBy = (p: ReadPlan | null, item: Item): boolean =>
    p !== null &&
    p.index !== null &&
    p.partitions.includes(item[p.index.partitionKey] as string) &&
    p.filter.every(({ path, equals }) => path.reduce<unknown>((v, k) => (v as Item)?.[k], item) === equals);

  const emails = ['buyer@example.com', 'other@example.com'];
  const agents = ['ann@desk.example', 'bob@desk.example'];
  const respelled = (values: string[]) =>
    fc.constantFrom(...values).chain((v) => fc.constantFrom(v, v.toUpperCase(), ` ${v} `));
  const caseArb = fc
    .record({
      status: fc.constantFrom(...CASE_STATUSES),
      level: fc.constantFrom(...SEVERITY_LEVELS),
      type: fc.constantFrom('seller' as const, 'consumer' as const),
      assignee: fc.option(fc.constantFrom(...agents), { nil: null }),
      sellerId: fc.constantFrom('acme', 'zeta'),
      email: fc.constantFrom(...emails),
    })
    .map(
      ({ status, level, type, assignee, sellerId, email }): Case => ({
        ...base,
        type,
        status,
        assignee,
        requester: type === 'seller' ? { email, sellerId } : { email, sellerId: null },
        severity: { ...base.severity, level },
      }),
    );
  // Each field as often absent as present, so every branch (the queue above all) is reached often.
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(fc.constant(undefined), arb);
  const queryArb: fc.Arbitrary<CaseQuery> = fc.record({
    status: maybe(fc.constantFrom(...CASE_STATUSES)),
    severity: maybe(fc.constantFrom(...SEVERITY_LEVELS)),
    type: maybe(fc.constantFrom('seller' as const, 'consumer' as const)),
    assignee: maybe(respelled(agents)),
    sellerId: maybe(fc.constantFrom('acme', 'zeta')),
    requesterEmail: maybe(respelled(emails)),
  });

  it('every matching case is in a partition the plan reads and passes its filters; no other case is', () => {
    fc.assert(
      fc.property(caseArb, queryArb, (c, q) => {
        expect(listedBy(planCaseList(q), caseToItem(c, policy))).toBe(matches(c, q));
      }),
      { numRuns: 500 },
    );
  });
});

describe('a case list cursor is bound to its query', () => {
  it('a cursor survives re-spelling an email, and nothing else', () => {
    const q: CaseQuery = { assignee: 'ann@desk.example', requesterEmail: 'buyer@example.com' };
    expect(plan({ assignee: ' Ann@Desk.example', requesterEmail: 'BUYER@example.com ' }).fingerprint).toBe(
      plan(q).fingerprint,
    );
    const others: CaseQuery[] = [
      { ...q, status: 'open' },
      { ...q, severity: 1 },
      { ...q, type: 'consumer' },
      { ...q, assignee: 'bob@desk.example' },
      { ...q, requesterEmail: 'other@example.com' },
      { assignee: q.assignee },
      { sellerId: 'acme' },
      { sellerId: 'zeta' },
    ];
    const fingerprints = new Set([q, ...others].map((o) => plan(o).fingerprint));
    expect(fingerprints.size).toBe(others.length + 1);
  });

  it('a position is a deadline sort key, never a partition key or anything longer than one', () => {
    const { position } = plan({});
    for (const c of [base, { ...base, status: 'on_hold' as const }, { ...base, status: 'closed' as const }]) {
      expect(position.test(deadlineSortKey(c, policy))).toBe(true);
    }
    // A closed case keyed before closed cases went newest first is still a position a cursor may hold.
    expect(position.test(`~~2026-03-02T09:00:00.000Z#${caseId}`)).toBe(true);
    for (const bad of [
      'Q#open#1',
      'CASE',
      '',
      `2026-03-02T09:00:00.000Z#${'x'.repeat(201)}`,
      'x#y#z',
      `~~~~1#${caseId}`,
    ]) {
      expect(position.test(bad)).toBe(false);
    }
  });

  it("resumes on the index key and the case's own table key, which DynamoDB needs to continue a GSI", () => {
    const sortKey = deadlineSortKey(base, policy);
    expect(plan({ status: 'new', severity: 2 }).startKey('Q#new#2', sortKey)).toEqual({
      gsi1pk: 'Q#new#2',
      gsi1sk: sortKey,
      pk: `CASE#${caseId}`,
      sk: 'CASE',
    });
  });
});

describe('a timeline', () => {
  it("an agent's reads the case's own partition on the base table, events only", () => {
    const p = planTimeline(caseId, false);
    expect(p.index).toBeNull();
    expect(p.partitions).toEqual([`CASE#${caseId}`]);
    expect(p.sortKeyPrefix).toBe('EVENT#');
    expect(p.filter).toEqual([]);
    expect(p.position.test(`EVENT#${eventId}`)).toBe(true);
    expect(p.position.test('CASE')).toBe(false);
    expect(p.startKey(`CASE#${caseId}`, `EVENT#${eventId}`)).toEqual({
      pk: `CASE#${caseId}`,
      sk: `EVENT#${eventId}`,
    });
  });

  it("a requester's reads the case's partition of the sparse public index, unfiltered", () => {
    const p = planTimeline(caseId, true);
    expect(p.index).toBe(GLOBAL_INDEXES.publicTimeline);
    expect(p.partitions).toEqual([caseId]);
    expect(p.sortKeyPrefix).toBeUndefined();
    expect(p.filter).toEqual([]);
    expect(p.position.test(eventId)).toBe(true);
    expect(p.position.test(`EVENT#${eventId}`)).toBe(false);
    expect(p.startKey(caseId, eventId)).toEqual({
      gsi4pk: caseId,
      gsi4sk: eventId,
      pk: `CASE#${caseId}`,
      sk: `EVENT#${eventId}`,
    });
  });

  it("never shares a cursor with the other view, another case's timeline, or a case list", () => {
    const fingerprints = [
      planTimeline(caseId, false),
      planTimeline(caseId, true),
      planTimeline('01JD0000000000000000000002', false),
      plan({}),
    ].map((p) => p.fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
  });
});
