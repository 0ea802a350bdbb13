import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Case } from '../../shared/domain/case.ts';
import { SEVERITY_LEVELS, type SeverityLevel } from '../../shared/domain/severity.ts';
import { slaView } from '../../shared/domain/sla.ts';
import { CASE_STATUSES, type CaseStatus } from '../../shared/domain/status.ts';
import type { CaseQuery } from '../../shared/ports/case-store.ts';
import {
  at,
  buildCase,
  type CaseSpec,
  createTestTable,
  opened,
  policy,
  readAll,
  type TestTable,
  useTestTable,
} from './support/store.ts';

/**
 * The queue order, computed independently of the adapter: from the SLA block the API shows. An open
 * case owing nothing (its update clock paused after the first response) sorts after every case that
 * owes something, and closed cases after those, the most recently changed first.
 */
function queueKey(c: Case): string {
  const view = slaView(c.sla, policy);
  const open =
    c.status === 'closed'
      ? []
      : [
          c.sla.firstResponse.metAt === null ? view.firstResponse.dueAt : null,
          view.nextUpdate.dueAt,
          view.autoCloseAt,
        ];
  const deadline = open.filter((d): d is string => d !== null).sort()[0];
  return `${deadline ?? `~${c.updatedAt}`}#${c.id}`;
}

/** Open cases by `queueKey`; then closed ones, the most recently changed first (ties by id). */
const byQueueOrder = (a: Case, b: Case) => {
  const closed = Number(a.status === 'closed') - Number(b.status === 'closed');
  if (closed !== 0) return closed;
  if (a.status === 'closed')
    return a.updatedAt !== b.updatedAt ? (a.updatedAt > b.updatedAt ? -1 : 1) : a.id < b.id ? -1 : 1;
  return queueKey(a) < queueKey(b) ? -1 : 1;
};

const matches = (q: CaseQuery) => (c: Case) =>
  (q.status === undefined || c.status === q.status) &&
  (q.severity === undefined || c.severity.level === q.severity) &&
  (q.type === undefined || c.type === q.type);

const specArb: fc.Arbitrary<CaseSpec> = fc
  .record({
    type: fc.constantFrom('seller' as const, 'consumer' as const),
    level: fc.constantFrom(...SEVERITY_LEVELS),
    status: fc.constantFrom(...CASE_STATUSES),
    // Often the same instant, so equal deadlines in different partitions must tie-break by id.
    openedMinutes: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 7 * 24 * 60 })),
    replied: fc.option(fc.integer({ min: 1, max: 48 * 60 }), { nil: null }),
  })
  .map(({ type, level, status, openedMinutes, replied }) => ({
    type,
    level,
    status,
    openedAt: at(openedMinutes),
    repliedAfterMinutes: status === 'new' ? null : replied,
  }));

const queryArb: fc.Arbitrary<CaseQuery> = fc.record(
  {
    status: fc.constantFrom<CaseStatus>(...CASE_STATUSES),
    severity: fc.constantFrom<SeverityLevel>(...SEVERITY_LEVELS),
    type: fc.constantFrom('seller' as const, 'consumer' as const),
  },
  { requiredKeys: [] },
);

describe('the queue: every status × severity partition merged by deadline', () => {
  let run = 0;
  const tables: TestTable[] = [];
  afterAll(async () => {
    await Promise.all(tables.map((t) => t.drop()));
  });

  it('pages through exactly the matching cases, in deadline order, without duplicates or misses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(specArb, { maxLength: 25 }),
        fc.array(queryArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 7 }),
        async (specs, queries, limit) => {
          // A table per run: the queue partitions are table-wide.
          const t = await createTestTable(`queue-${++run}`);
          tables.push(t);
          const cases = specs.map(buildCase);
          await Promise.all(cases.map(async (c) => expect(await t.store.create(c, [opened(c)])).toBe(true)));
          for (const q of queries) {
            const { items, pages } = await readAll((cursor) => t.store.list(q, { limit, cursor }), limit);
            const expected = cases.filter(matches(q)).sort(byQueueOrder);
            expect(items.map((c) => c.id)).toEqual(expected.map((c) => c.id));
            expect(items).toEqual(expected);
            // The partitions' keys express status and severity: pages stay full, and no empty page trails.
            if (q.type === undefined) {
              expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
              if (expected.length > 0) expect(pages.at(-1)?.length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('deadline order', () => {
  let t: TestTable;
  useTestTable('deadlines', (table) => {
    t = table;
  });

  it('puts the most pressing promise first, whatever kind of deadline it is', async () => {
    const named: Record<string, CaseSpec> = {
      // First response breached (at 0+1h): still owed, so the most overdue comes first.
      breached: { level: 0, openedAt: at(0) },
      // First response due at +4h.
      firstResponse: { level: 1, openedAt: at(0) },
      // Replied after 10 min: the next update (level 0, 12 calendar hours) is due at 12h10m.
      nextUpdate: { level: 0, openedAt: at(0), repliedAfterMinutes: 10, status: 'working' },
      // First response due at +24h.
      low: { level: 3, openedAt: at(0) },
      // Pending closure from 0h01 (after a reply at 0h00): auto-closes 120 h later.
      autoClose: { level: 3, openedAt: at(-1), repliedAfterMinutes: 1, status: 'pending_closure' },
      // On hold after the first response: the update clock is paused, nothing is due.
      onHold: { level: 0, openedAt: at(0), repliedAfterMinutes: 5, status: 'on_hold' },
      closed: { level: 0, openedAt: at(0), repliedAfterMinutes: 1, status: 'closed' },
    };
    const cases = Object.fromEntries(Object.entries(named).map(([name, spec]) => [name, buildCase(spec)]));
    const breached = cases.breached as Case;
    const dueAt = slaView(breached.sla, policy).firstResponse.dueAt;
    cases.breached = {
      ...breached,
      sla: {
        ...breached.sla,
        firstResponse: { ...breached.sla.firstResponse, breachedAt: dueAt, settledDueAt: dueAt },
      },
    };
    for (const c of Object.values(cases)) expect(await t.store.create(c, [opened(c)])).toBe(true);
    const { items } = await readAll((cursor) => t.store.list({}, { limit: 3, cursor }), 3);
    const name = new Map(Object.entries(cases).map(([n, c]) => [c.id, n]));
    expect(items.map((c) => name.get(c.id))).toEqual([
      'breached',
      'firstResponse',
      'nextUpdate',
      'low',
      'autoClose',
      'onHold',
      'closed',
    ]);
  });
});
