import { DescribeTableCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { LOCAL_CLIENT_CONFIG } from '../../local/dynamodb-local.ts';
import { createCaseStore } from '../../shared/adapters/dynamodb/case-store.ts';
import { changeFromStreamRecord } from '../../shared/adapters/dynamodb/stream-records.ts';
import type { Case } from '../../shared/domain/case.ts';
import { toInstant } from '../../shared/domain/instant.ts';
import { SEVERITY_LABELS, SEVERITY_LEVELS, type SeverityLevel } from '../../shared/domain/severity.ts';
import { recordSeverityChange, recordStatusChange } from '../../shared/domain/sla.ts';
import { BACKLOG_STATUSES, CASE_STATUSES, type CaseStatus } from '../../shared/domain/status.ts';
import type { BacklogCount, CaseStore } from '../../shared/ports/case-store.ts';
import {
  at,
  buildCase,
  CURSOR_KEY,
  event,
  opened,
  policy,
  readAll,
  type TestTable,
  useTestTable,
} from './support/store.ts';

const slot = (status: string, level: number) => `${status}#${level}`;
const asMap = (rows: BacklogCount[]) => new Map(rows.map((r) => [slot(r.status, r.level), r.count]));

/** The backlog recounted from the stored cases, one queue-index partition per status × level (no Scan). */
async function recount(store: CaseStore): Promise<BacklogCount[]> {
  return Promise.all(
    BACKLOG_STATUSES.flatMap((status) =>
      SEVERITY_LEVELS.map(async (level) => {
        const { items } = await readAll(
          (cursor) => store.list({ status, severity: level }, { limit: 100, cursor }),
          100,
        );
        return { status, level, count: items.length };
      }),
    ),
  );
}

/** `current` moved to another status and/or level, as the domain would record it. */
function changed(current: Case, status: CaseStatus, level: SeverityLevel): Case {
  const updatedAt = toInstant(Date.parse(current.updatedAt) + 60_000);
  let sla = current.sla;
  if (level !== current.severity.level) sla = recordSeverityChange(sla, level);
  if (status !== current.status) sla = recordStatusChange(sla, current.status, status, updatedAt);
  return {
    ...current,
    status,
    severity: { ...current.severity, level, label: SEVERITY_LABELS[level], source: 'agent' },
    sla,
    updatedAt,
    version: current.version + 1,
  };
}

/** Reads, changes and conditionally writes one case until the write lands (or the case is closed). */
async function change(store: CaseStore, id: string, status: CaseStatus, level: SeverityLevel) {
  for (let attempt = 1; attempt <= 200; attempt++) {
    const current = (await store.get(id)) as Case;
    if (current.status === 'closed') return 'closed';
    const next = changed(current, status, level);
    const e = event(next, {
      type: 'status.changed',
      from: current.status,
      to: status,
      note: null,
      visibility: 'internal',
    });
    const outcome = await store.update(next, current.version, [e]);
    if (outcome.ok) return 'changed';
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
  }
  throw new Error(`case ${id} never took its change`);
}

/**
 * The store over a client that cancels some transactions for a conflict before they reach DynamoDB,
 * as DynamoDB does when two transactions touch one item at once (DynamoDB Local serializes them instead,
 * so it never answers that itself). A cancelled transaction wrote nothing, exactly like the real one.
 */
function conflictingStore(t: TestTable, conflictRate: number): { store: CaseStore; injected: () => number } {
  let injected = 0;
  const client = new Proxy(t.doc, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        if (command instanceof TransactWriteCommand && Math.random() < conflictRate) {
          injected++;
          // The conflict is on a counter when the write moves one, else on the case (two writers at once).
          const actions = command.input.TransactItems ?? [];
          const onCounter = actions.some((action) => action.Update !== undefined);
          throw new TransactionCanceledException({
            message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
            $metadata: {},
            CancellationReasons: actions.map((action, i) =>
              (onCounter ? action.Update !== undefined : i === 0)
                ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
                : { Code: 'None' },
            ),
          });
        }
        return target.send(command);
      };
    },
  });
  return {
    store: createCaseStore({ client, tableName: t.tableName, policy, cursorKey: CURSOR_KEY }),
    injected: () => injected,
  };
}

/** Every record of the table's stream so far, in order (DynamoDB Local keeps one shard per table). */
async function streamRecords(t: TestTable): Promise<DynamoDBRecord[]> {
  const streams = new DynamoDBStreamsClient({ ...LOCAL_CLIENT_CONFIG, endpoint: inject('dynamodbEndpoint') });
  try {
    const { Table } = await t.client.send(new DescribeTableCommand({ TableName: t.tableName }));
    const { StreamDescription } = await streams.send(
      new DescribeStreamCommand({ StreamArn: Table?.LatestStreamArn }),
    );
    const records: DynamoDBRecord[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      let iterator = (
        await streams.send(
          new GetShardIteratorCommand({
            StreamArn: Table?.LatestStreamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      while (iterator) {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        records.push(...((out.Records ?? []) as DynamoDBRecord[]));
        if ((out.Records ?? []).length === 0) break;
        iterator = out.NextShardIterator;
      }
    }
    return records;
  } finally {
    streams.destroy();
  }
}

describe('backlog counters', () => {
  let t: TestTable;
  useTestTable('backlog', (table) => {
    t = table;
  });

  it('list all 24 status × level rows in a stable order, zeros included, on an empty table', async () => {
    const rows = await t.store.backlog();
    expect(rows).toEqual(
      BACKLOG_STATUSES.flatMap((status) => SEVERITY_LEVELS.map((level) => ({ status, level, count: 0 }))),
    );
  });

  // DynamoDB Local runs transactions one at a time (a few hundred ms each on a busy machine).
  it('stay exact under a concurrent burst of creates and changes on a few hot counters', {
    timeout: 240_000,
  }, async () => {
    // A third of the transactions is cancelled for a conflict first; the store retries them unseen.
    const { store, injected } = conflictingStore(t, 1 / 3);
    const creates = 40;
    const changes = 60;
    // Few slots, so most transactions meet on the same counter items.
    const hotStatuses: CaseStatus[] = ['new', 'open', 'working'];
    const hotLevels: SeverityLevel[] = [1, 2];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
    const cases = Array.from({ length: creates }, () =>
      buildCase({ level: pick(hotLevels), status: pick(['new', 'open'] as const) }),
    );
    const created = cases.map((c) => store.create(c, [opened(c)]));
    const changed = Array.from({ length: changes }, async () => {
      const i = Math.floor(Math.random() * creates);
      await created[i];
      const status = Math.random() < 0.1 ? 'closed' : pick(hotStatuses);
      return change(store, (cases[i] as Case).id, status, pick(hotLevels));
    });
    expect(await Promise.all(created)).toEqual(cases.map(() => true));
    const outcomes = await Promise.all(changed);

    const backlog = await store.backlog();
    expect(backlog).toEqual(await recount(store));
    // And against the cases as stored, one by one.
    const stored = (await Promise.all(cases.map((c) => store.get(c.id)))) as Case[];
    const expected = new Map(backlog.map((r) => [slot(r.status, r.level), 0]));
    for (const c of stored) {
      if (c.status !== 'closed')
        expected.set(
          slot(c.status, c.severity.level),
          (expected.get(slot(c.status, c.severity.level)) ?? 0) + 1,
        );
    }
    expect(asMap(backlog)).toEqual(expected);
    expect(backlog.reduce((n, r) => n + r.count, 0)).toBe(stored.filter((c) => c.status !== 'closed').length);
    // The burst really met conflicts (a third of ~100 transactions; none at all is odds of 1 in 10^17).
    expect(injected()).toBeGreaterThan(0);
    console.log(
      `backlog burst: ${creates} creates, ${outcomes.filter((o) => o === 'changed').length} changes, ` +
        `${injected()} transaction conflicts retried inside the store`,
    );

    // Each counter's last stream record carries the value the backlog reads now (its published metric).
    const published = new Map<string, number>();
    for (const record of await streamRecords(t)) {
      const stored = changeFromStreamRecord(record);
      if (stored.kind === 'counter') published.set(slot(stored.status, stored.level), stored.count);
    }
    for (const row of backlog) {
      expect(published.get(slot(row.status, row.level)) ?? 0, slot(row.status, row.level)).toBe(row.count);
    }
  });

  it('do not move when an update loses its race, or a create is refused', async () => {
    const c = buildCase({ level: 0, status: 'open' });
    expect(await t.store.create(c, [opened(c)])).toBe(true);
    const moved = changed(c, 'working', 3);
    expect((await t.store.update(moved, c.version, [])).ok).toBe(true);
    const before = await t.store.backlog();

    // A writer still holding version 1 tries to move the case elsewhere: stale, and no counter moves.
    const lost = changed(c, 'on_hold', 1);
    expect(await t.store.update(lost, c.version, [])).toEqual({ ok: false, reason: 'stale' });
    // A case that does not exist.
    const ghost = buildCase({ level: 2 });
    expect(await t.store.update(changed(ghost, 'closed', 2), ghost.version, [])).toEqual({
      ok: false,
      reason: 'stale',
    });
    // The same id again.
    expect(await t.store.create({ ...c, number: buildCase().number }, [])).toBe(false);
    expect(await t.store.backlog()).toEqual(before);
    expect(await t.store.backlog()).toEqual(await recount(t.store));
  });

  it('tell a conflict from a lost race: given up on after the retries, it is an error, not stale', async () => {
    const c = buildCase({ level: 1, status: 'new' });
    expect(await t.store.create(c, [opened(c)])).toBe(true);
    const before = await t.store.backlog();
    const { store, injected } = conflictingStore(t, 1);
    const outcome = store.update(changed(c, 'open', 1), c.version, []);
    await expect(outcome).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(injected()).toBeGreaterThan(1);
    expect(await t.store.get(c.id)).toEqual(c);
    expect(await t.store.backlog()).toEqual(before);
  });

  it('move only on a status or level change: −1 when the case closes, nothing for a message', async () => {
    const c = buildCase({ level: 2, status: 'working' });
    const count = async (status: CaseStatus, level: SeverityLevel) =>
      asMap(await t.store.backlog()).get(slot(status, level));
    const start = (await count('working', 2)) as number;
    expect(await t.store.create(c, [opened(c)])).toBe(true);
    expect(await count('working', 2)).toBe(start + 1);
    const posted = { ...c, updatedAt: toInstant(Date.parse(c.updatedAt) + 1_000), version: c.version + 1 };
    expect(await t.store.update(posted, c.version, [])).toEqual({ ok: true });
    expect(await count('working', 2)).toBe(start + 1);
    expect(await t.store.update(changed(posted, 'closed', 2), posted.version, [])).toEqual({ ok: true });
    expect(await count('working', 2)).toBe(start);
  });
});

describe('backlog counters over random histories', () => {
  let t: TestTable;
  useTestTable('backlog-model', (table) => {
    t = table;
  });

  type Step =
    | { kind: 'create'; status: CaseStatus; level: SeverityLevel }
    | { kind: 'change'; target: number; status: CaseStatus; level: SeverityLevel; stale: boolean };
  const statusArb = fc.constantFrom(...CASE_STATUSES);
  const levelArb = fc.constantFrom(...SEVERITY_LEVELS);
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('create' as const), status: statusArb, level: levelArb }),
    fc.record({
      kind: fc.constant('change' as const),
      target: fc.nat(),
      status: statusArb,
      level: levelArb,
      stale: fc.boolean(),
    }),
  );

  it('equal a recount of the stored cases after every sequential history', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 10 }), async (steps) => {
        // The table is shared across runs: compare what this history changed.
        const baseline = asMap(await t.store.backlog());
        const model = new Map<string, Case>();
        for (const step of steps) {
          if (step.kind === 'create') {
            const c = buildCase({ status: step.status, level: step.level });
            expect(await t.store.create(c, [opened(c)])).toBe(true);
            model.set(c.id, c);
            continue;
          }
          const ids = [...model.keys()];
          if (ids.length === 0) continue;
          const current = model.get(ids[step.target % ids.length] as string) as Case;
          const next = changed(current, step.status, step.level);
          if (step.stale) {
            // Written over by someone else first: the change the model does not see must not count.
            const stale = { ...next, version: current.version };
            expect(await t.store.update(stale, current.version - 1, [])).toEqual({
              ok: false,
              reason: 'stale',
            });
            continue;
          }
          expect(await t.store.update(next, current.version, [])).toEqual({ ok: true });
          model.set(next.id, next);
        }
        const expected = new Map(baseline);
        for (const c of model.values()) {
          const key = slot(c.status, c.severity.level);
          if (c.status !== 'closed') expected.set(key, (expected.get(key) ?? 0) + 1);
        }
        expect(asMap(await t.store.backlog())).toEqual(expected);
      }),
      { numRuns: 12 },
    );
    expect(await t.store.backlog()).toEqual(await recount(t.store));
  });
});

describe('an update told the previous state skips its read and still moves counters right', () => {
  let own: TestTable;
  useTestTable('backlog-previous', (table) => {
    own = table;
  });

  it('matches the read path; an outdated previous only gets a stale answer', async () => {
    const { store } = own;
    const c = buildCase({ status: 'new' });
    expect(await store.create(c, [opened(c)])).toBe(true);
    const before = asMap(await store.backlog());
    const next: Case = { ...c, status: 'working', version: 2, updatedAt: at(1) };
    expect(await store.update(next, 1, [], { previous: c })).toEqual({ ok: true });
    const after = asMap(await store.backlog());
    const level = c.severity.level;
    expect(after.get(slot('new', level))).toBe((before.get(slot('new', level)) ?? 0) - 1);
    expect(after.get(slot('working', level))).toBe((before.get(slot('working', level)) ?? 0) + 1);
    // Told version 1 while version 2 is stored: the write's condition (version, status, level) refuses it.
    const late: Case = { ...c, status: 'on_hold', version: 2, updatedAt: at(2) };
    expect(await store.update(late, 1, [], { previous: c })).toEqual({ ok: false, reason: 'stale' });
    expect(asMap(await store.backlog())).toEqual(after);
    expect(asMap(await store.backlog())).toEqual(asMap(await recount(store)));
  });
});
