import { PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { encodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../local/clock.ts';
import type { Actor } from '../../shared/app/actor.ts';
import { changeCase } from '../../shared/app/change-case.ts';
import { changeStatus } from '../../shared/app/change-status.ts';
import type { AppDeps } from '../../shared/app/deps.ts';
import { CasewatchError, ConflictError } from '../../shared/app/errors.ts';
import { fireTimer } from '../../shared/app/fire-timer.ts';
import { type FiguresDeps, type LeadFigures, readLeadFigures } from '../../shared/app/lead-figures.ts';
import { openCase } from '../../shared/app/open-case.ts';
import { postMessage } from '../../shared/app/post-message.ts';
import { requestEscalation } from '../../shared/app/requester-actions.ts';
import { answerCaseSurvey } from '../../shared/app/survey.ts';
import { assignCase, recordWorkaround, setSeverity } from '../../shared/app/triage.ts';
import { recordSurveySent } from '../../shared/domain/changes/survey.ts';
import { DEFAULT_BREADTH_THRESHOLDS, type SeverityLevel } from '../../shared/domain/severity.ts';
import { CASE_STATUSES, type CaseStatus } from '../../shared/domain/status.ts';
import { desiredTimers } from '../../shared/domain/timers.ts';
import type { CaseStore, ComplianceCount } from '../../shared/ports/case-store.ts';
import type { StaffDirectory } from '../../shared/ports/staff-directory.ts';
import { MemoryCaseStore } from '../support/memory-case-store.ts';
import { supportTeam } from '../support/staff-directory.ts';
import { createTestTable, policy, type TestTable, useTestTable } from './support/store.ts';

/*
 * The DynamoDB store keeps the leads' figures as counters and items moved by the writes themselves; the
 * memory store recounts them from its cases and timelines. Driven through the same use cases with the
 * same clock and ids, the two must always agree (docs/service-levels.md#figures-for-leads).
 */

const START = Date.parse('2026-11-30T17:00:00.000Z');
const AGENTS = ['alice@support.example', 'bob@support.example', 'carol@support.example'];
const SELLER: Actor = { kind: 'seller', email: 'dana@acme.example', sellerId: 'acme' };
const LEAD: Actor = { kind: 'staff', role: 'lead', email: 'lena@support.example' };
const SYSTEM: Actor = { kind: 'system' };

/** Use-case deps over `store` with a manual clock and ids that two harnesses draw identically. */
function harness(store: CaseStore) {
  const clock = new ManualClock(new Date(START));
  let serial = 0;
  const deps: FiguresDeps & AppDeps & { staff: StaffDirectory } = {
    store,
    clock,
    ids: {
      next: () => `${encodeTime(clock.now().getTime(), 10)}${String(++serial).padStart(16, '0')}`,
      caseNumberEntropy: () => {
        const n = ++serial << 2;
        return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
      },
    },
    policy,
    thresholds: DEFAULT_BREADTH_THRESHOLDS,
    caseTokens: { issue: async () => 'token', verify: async () => null },
    staff: supportTeam,
    dashboardUrl: null,
  };
  const cases: { id: string; requester: Actor }[] = [];
  return { deps, clock, cases };
}
type Harness = ReturnType<typeof harness>;

type Who = 'agent' | 'lead' | 'requester';
type Step =
  | { kind: 'open'; consumer: boolean; subject: string }
  | { kind: 'assign'; target: number; agent: number; by: Who }
  | { kind: 'severity'; target: number; level: SeverityLevel; by: Who }
  | { kind: 'message'; target: number; by: Who; internal: boolean }
  | { kind: 'status'; target: number; to: CaseStatus; by: Who }
  | { kind: 'workaround'; target: number; by: Who }
  | { kind: 'escalate'; target: number; reason: string; by: Who }
  | { kind: 'survey'; target: number; rating: 1 | 2 | 3 | 4 | 5; comment: string | undefined; by: Who }
  | { kind: 'wait'; minutes: number };

const who = fc.constantFrom<Who>('agent', 'lead', 'requester');
/** For what only the requester may do: mostly them, sometimes staff (who are refused). */
const mostlyRequester = fc.constantFrom<Who>('requester', 'requester', 'requester', 'agent', 'lead');
const target = fc.nat(20);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('open' as const),
      consumer: fc.boolean(),
      subject: fc.constantFrom('Webhooks down', 'Double billing on my subscription', 'Question'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('assign' as const), target, agent: fc.nat(2), by: who }),
  },
  {
    // Levels 0 and 1 owe updates within hours: windows fall due within a history's waits.
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('severity' as const),
      target,
      level: fc.constantFrom<SeverityLevel>(0, 0, 1, 1, 2, 3),
      by: who,
    }),
  },
  {
    // Often, and mostly public from staff: the first responses and the updates the figures count.
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('message' as const),
      target,
      by: fc.constantFrom<Who>('agent', 'agent', 'lead', 'requester'),
      internal: fc.constantFrom(false, false, true),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      target,
      to: fc.constantFrom(...CASE_STATUSES),
      by: who,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('workaround' as const), target, by: who }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('escalate' as const),
      target,
      reason: fc.constantFrom('Lost orders', 'Still waiting'),
      by: mostlyRequester,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('survey' as const),
      target,
      rating: fc.constantFrom(1, 2, 3, 4, 5),
      comment: fc.option(fc.constantFrom('Kind', ' Slow '), { nil: undefined }),
      by: mostlyRequester,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      minutes: fc.integer({ min: 1, max: 3 * 24 * 60 }),
    }),
  },
);

/** Who acts: an agent (the one assigned, if any), a lead, or the case's requester. */
function actor(h: Harness, index: number, by: Who): Actor {
  if (by === 'lead') return LEAD;
  if (by === 'agent') return { kind: 'staff', role: 'agent', email: AGENTS[index % AGENTS.length] as string };
  return h.cases[index]?.requester ?? SELLER;
}

/** One step through the use cases; what it answered (a refusal's class included), so the two runs compare. */
async function run(h: Harness, step: Step): Promise<string> {
  const { deps } = h;
  const pick = (i: number) => (h.cases.length === 0 ? null : i % h.cases.length);
  try {
    if (step.kind === 'open') {
      const opened = step.consumer
        ? await openCase(
            deps,
            { kind: 'anonymous' },
            {
              type: 'consumer',
              subject: step.subject,
              description: 'd',
              email: 'buyer@example.com',
              orderNumber: 'FS-1',
              billingDescriptor: 'FSPRG',
            },
          )
        : await openCase(deps, SELLER, { type: 'seller', subject: step.subject, description: 'd' });
      h.cases.push({
        id: opened.case.id,
        requester: step.consumer ? { kind: 'consumer', caseId: opened.case.id } : SELLER,
      });
      return 'opened';
    }
    if (step.kind === 'wait') {
      h.clock.advance(step.minutes * 60_000);
      // The timers that fell due are delivered, as the scheduler would.
      for (const { id } of h.cases) {
        const c = await deps.store.get(id);
        if (!c) continue;
        for (const t of desiredTimers(c, policy).filter(
          (t) => Date.parse(t.dueAt) <= h.clock.now().getTime(),
        ))
          await fireTimer(deps, { caseId: id, ...t });
      }
      return 'waited';
    }
    const i = pick(step.target);
    if (i === null) return 'no case';
    const id = (h.cases[i] as { id: string }).id;
    const by = actor(h, i, step.by);
    switch (step.kind) {
      case 'assign':
        await assignCase(deps, by, id, AGENTS[step.agent] as string);
        break;
      case 'severity':
        await setSeverity(deps, by, id, { level: step.level, reason: 'r' });
        break;
      case 'message':
        await postMessage(deps, by, id, { body: 'b', internal: step.internal });
        break;
      case 'status':
        await changeStatus(deps, by, id, { status: step.to, note: 'n', public: step.to === 'working' });
        break;
      case 'workaround':
        await recordWorkaround(deps, by, id, undefined);
        break;
      case 'escalate':
        await requestEscalation(deps, by, id, step.reason);
        break;
      case 'survey':
        await answerCaseSurvey(deps, by, id, {
          ratings: { overall: step.rating, timeliness: 6 - step.rating, friendliness: 3 },
          ...(step.comment === undefined ? {} : { comment: step.comment }),
        });
        break;
    }
    return 'done';
  } catch (error) {
    if (error instanceof CasewatchError) return error.constructor.name;
    throw error;
  } finally {
    await sendSurveys(h);
  }
}

/** What the stream reaction does when a case closes: the survey goes out, once. */
async function sendSurveys(h: Harness): Promise<void> {
  for (const { id } of h.cases) {
    const c = await h.deps.store.get(id);
    if (c?.status !== 'closed' || c.survey !== null) continue;
    await changeCase(h.deps, SYSTEM, id, undefined, (x) => recordSurveySent(x, c.updatedAt), {
      settle: false,
    }).catch((error: unknown) => {
      if (!(error instanceof ConflictError)) throw error;
    });
  }
}

/** Everything the figures answer, and the store's own rows behind them (every hour ever counted). */
async function observe(
  h: Harness,
): Promise<{ figures: LeadFigures; hours: ComplianceCount[]; answers: unknown }> {
  return {
    figures: await readLeadFigures(h.deps, LEAD),
    hours: await h.deps.store.complianceCounts('0000', '9999'),
    answers: await h.deps.store.recentSurveyAnswers(1_000),
  };
}

describe('the leads’ figures kept by the writes equal a recount of the cases', () => {
  it('after every random history, through the same use cases on both stores', {
    timeout: 600_000,
  }, async () => {
    let nonTrivial = 0;
    const nextUpdates = { met: 0, breached: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 10, maxLength: 40 }), async (drawn) => {
        // Every history starts with a case that owes updates every 8 business hours, so its steps have a
        // case to act on and a window that falls due.
        const steps: Step[] = [
          { kind: 'open', consumer: false, subject: 'Webhooks down' },
          { kind: 'severity', target: 0, level: 1, by: 'lead' },
          { kind: 'message', target: 0, by: 'agent', internal: false },
          ...drawn,
        ];
        const table: TestTable = await createTestTable('figures-model');
        try {
          const dynamo = harness(table.store);
          const memory = harness(new MemoryCaseStore());
          let kept = await observe(dynamo);
          for (const step of steps) {
            const answered = [await run(dynamo, step), await run(memory, step)];
            expect(answered[0], JSON.stringify(step)).toBe(answered[1]);
            // After every step, not only at the end: a figure gone wrong and later put right still fails.
            kept = await observe(dynamo);
            expect(kept, JSON.stringify(step)).toEqual(await observe(memory));
          }
          const f = kept.figures;
          if (f.agents.length + f.escalations.length + f.surveys.count > 0) nonTrivial++;
          for (const row of kept.hours) {
            nextUpdates.met += row.nextUpdate.met;
            nextUpdates.breached += row.nextUpdate.breached;
          }
        } finally {
          await table.drop();
        }
      }),
      { numRuns: 25 },
    );
    // The histories reached the figures at all (a run that never assigns, escalates or answers checks little).
    expect(nonTrivial).toBeGreaterThan(3);
    // And next updates were given in time and breached.
    expect(nextUpdates.met).toBeGreaterThan(5);
    expect(nextUpdates.breached).toBeGreaterThan(5);
  });
});

describe('each figure, kept in DynamoDB', () => {
  let t: TestTable;
  useTestTable('figures', (table) => {
    t = table;
  });

  it('first responses met and breached per level and hour, a late answer counted once as the breach', async () => {
    const h = harness(t.store);
    await run(h, { kind: 'open', consumer: false, subject: 'Webhooks down' });
    await run(h, { kind: 'open', consumer: false, subject: 'Webhooks down' });
    await run(h, { kind: 'message', target: 0, by: 'agent', internal: false });
    // Level 2: the second case's first response was due at 05:00 the next day.
    await run(h, { kind: 'wait', minutes: 13 * 60 });
    await run(h, { kind: 'message', target: 1, by: 'agent', internal: false });
    const none = { met: 0, breached: 0 };
    expect(await t.store.complianceCounts('2026-11-30T00', '2026-12-01T23')).toEqual([
      { hour: '2026-11-30T17', level: 2, firstResponse: { met: 1, breached: 0 }, nextUpdate: none },
      { hour: '2026-12-01T05', level: 2, firstResponse: { met: 0, breached: 1 }, nextUpdate: none },
    ]);
    const f = await readLeadFigures(h.deps, LEAD);
    expect(f.firstResponse.last24h.levels[2]).toEqual({
      level: 2,
      met: 1,
      breached: 1,
      compliancePercent: 50,
    });
  });

  it('next updates met and breached per level and hour in the same items, a late update counted once as the breach', async () => {
    const own = await createTestTable('figures-updates');
    try {
      const h = harness(own.store);
      const memory = harness(new MemoryCaseStore());
      const both = async (step: Step) => {
        expect(await run(h, step)).toBe(await run(memory, step));
      };
      for (const target of [0, 1, 2]) {
        await both({ kind: 'open', consumer: false, subject: 'Webhooks down' });
        await both({ kind: 'severity', target, level: 1, by: 'agent' });
        // The first response, Monday 09:00 Pacific: 8 business hours, so the next update is due Monday
        // 17:00 Pacific (Tuesday 01:00Z).
        await both({ kind: 'message', target, by: 'agent', internal: false });
      }
      // 20:00Z: in time, and due again Tuesday 12:00 Pacific (20:00Z).
      await both({ kind: 'wait', minutes: 3 * 60 });
      await both({ kind: 'message', target: 0, by: 'agent', internal: false });
      // Tuesday 18:00Z, no timer delivered: case 1's late update is the write that records its breach
      // (at 01:00Z), then the update.
      for (const x of [h, memory]) x.clock.advance(22 * 60 * 60_000);
      await both({ kind: 'message', target: 1, by: 'agent', internal: false });
      // 18:30Z, timers delivered: case 2's breach is recorded first, by its timer, in a write of its own.
      await both({ kind: 'wait', minutes: 30 });
      await both({ kind: 'message', target: 2, by: 'agent', internal: false });
      const none = { met: 0, breached: 0 };
      const rows = await own.store.complianceCounts('2026-11-30T00', '2026-12-01T23');
      expect(rows).toEqual([
        { hour: '2026-11-30T17', level: 1, firstResponse: { met: 3, breached: 0 }, nextUpdate: none },
        { hour: '2026-11-30T20', level: 1, firstResponse: none, nextUpdate: { met: 1, breached: 0 } },
        { hour: '2026-12-01T01', level: 1, firstResponse: none, nextUpdate: { met: 0, breached: 2 } },
      ]);
      expect(rows).toEqual(await memory.deps.store.complianceCounts('2026-11-30T00', '2026-12-01T23'));
      const f = await readLeadFigures(h.deps, LEAD);
      expect(f.nextUpdate.last24h.levels[1]).toEqual({
        level: 1,
        met: 1,
        breached: 2,
        compliancePercent: 33.3,
      });
      expect(f).toEqual(await readLeadFigures(memory.deps, LEAD));
    } finally {
      await own.drop();
    }
  });

  it('an hour written before next updates were counted reads as none of them', async () => {
    const own = await createTestTable('figures-legacy');
    try {
      await own.doc.send(
        new PutCommand({
          TableName: own.tableName,
          Item: {
            pk: 'STATS#FR',
            sk: '2026-11-30T17',
            entity: 'figure',
            hour: '2026-11-30T17',
            met2: 4,
            breached2: 1,
          },
        }),
      );
      expect(await own.store.complianceCounts('2026-11-30T00', '2026-11-30T23')).toEqual([
        {
          hour: '2026-11-30T17',
          level: 2,
          firstResponse: { met: 4, breached: 1 },
          nextUpdate: { met: 0, breached: 0 },
        },
      ]);
    } finally {
      await own.drop();
    }
  });

  it('agents’ open and overdue cases, moved by assignment, breach, answer and closing', async () => {
    const own = await createTestTable('figures-agents');
    try {
      const h = harness(own.store);
      await run(h, { kind: 'open', consumer: false, subject: 'Webhooks down' });
      await run(h, { kind: 'open', consumer: true, subject: 'Question' });
      await run(h, { kind: 'assign', target: 0, agent: 0, by: 'agent' });
      await run(h, { kind: 'assign', target: 1, agent: 0, by: 'lead' });
      await run(h, { kind: 'wait', minutes: 25 * 60 });
      expect(await own.store.agentLoads()).toEqual([
        { agent: 'alice@support.example', open: 2, breached: 2 },
      ]);
      await run(h, { kind: 'message', target: 0, by: 'agent', internal: false });
      await run(h, { kind: 'assign', target: 1, agent: 1, by: 'lead' });
      expect(await own.store.agentLoads()).toEqual([
        { agent: 'alice@support.example', open: 1, breached: 0 },
        { agent: 'bob@support.example', open: 1, breached: 1 },
      ]);
      await run(h, { kind: 'status', target: 0, to: 'closed', by: 'requester' });
      expect(await own.store.agentLoads()).toEqual([{ agent: 'bob@support.example', open: 1, breached: 1 }]);
    } finally {
      await own.drop();
    }
  });

  it('waiting escalations, oldest first, put while they wait and deleted once a lead acts or the case closes', async () => {
    const own = await createTestTable('figures-escalations');
    try {
      const h = harness(own.store);
      for (let i = 0; i < 3; i++) await run(h, { kind: 'open', consumer: false, subject: `Case ${i}` });
      await run(h, { kind: 'escalate', target: 2, reason: 'Lost orders', by: 'requester' });
      await run(h, { kind: 'wait', minutes: 5 });
      await run(h, { kind: 'escalate', target: 0, reason: 'Lost orders', by: 'requester' });
      await run(h, { kind: 'escalate', target: 2, reason: 'Still waiting', by: 'requester' });
      await run(h, { kind: 'escalate', target: 1, reason: 'x', by: 'agent' }); // staff may not ask
      const ids = h.cases.map((c) => c.id);
      expect((await own.store.waitingEscalations()).map((e) => [e.caseId, e.requestedAt, e.reason])).toEqual([
        [ids[2], '2026-11-30T17:00:00.000Z', 'Still waiting'],
        [ids[0], '2026-11-30T17:05:00.000Z', 'Lost orders'],
      ]);
      await run(h, { kind: 'workaround', target: 2, by: 'lead' });
      await run(h, { kind: 'status', target: 0, to: 'closed', by: 'requester' });
      expect(await own.store.waitingEscalations()).toEqual([]);
    } finally {
      await own.drop();
    }
  });

  it('survey totals and the latest answers, newest first, with their comments and who worked the case', async () => {
    const own = await createTestTable('figures-surveys');
    try {
      const h = harness(own.store);
      for (let i = 0; i < 3; i++) {
        await run(h, { kind: 'open', consumer: i === 1, subject: `Case ${i}` });
        await run(h, { kind: 'assign', target: i, agent: i, by: 'agent' });
        await run(h, { kind: 'status', target: i, to: 'closed', by: 'agent' });
        await run(h, { kind: 'wait', minutes: 1 });
        await run(h, {
          kind: 'survey',
          target: i,
          rating: (i + 3) as 3 | 4 | 5,
          comment: i === 0 ? 'Kind' : undefined,
          by: 'requester',
        });
      }
      expect(
        await run(h, { kind: 'survey', target: 0, rating: 1, comment: undefined, by: 'requester' }),
      ).toBe('ConflictError');
      expect(await own.store.surveyTotals()).toEqual({
        count: 3,
        sums: { overall: 12, timeliness: 6, friendliness: 9 },
      });
      expect((await own.store.recentSurveyAnswers(2)).map((a) => [a.number, a.comment, a.assignee])).toEqual([
        [(await own.store.get(h.cases[2]?.id as string))?.number, null, 'carol@support.example'],
        [(await own.store.get(h.cases[1]?.id as string))?.number, null, 'bob@support.example'],
      ]);
      const f = await readLeadFigures(h.deps, LEAD);
      expect(f.surveys).toMatchObject({ count: 3, average: { overall: 4, timeliness: 2, friendliness: 3 } });
      expect(f.surveys.recent.at(-1)).toMatchObject({
        comment: 'Kind',
        ratings: { overall: 3, timeliness: 3, friendliness: 3 },
      });
    } finally {
      await own.drop();
    }
  });
});
