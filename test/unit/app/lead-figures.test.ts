import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../shared/app/actor.ts';
import { settleStored } from '../../../shared/app/change-case.ts';
import { changeStatus } from '../../../shared/app/change-status.ts';
import type { AppDeps } from '../../../shared/app/deps.ts';
import { CasewatchError, ForbiddenError, UnauthorizedError } from '../../../shared/app/errors.ts';
import { type FiguresDeps, readLeadFigures } from '../../../shared/app/lead-figures.ts';
import { openCase } from '../../../shared/app/open-case.ts';
import { postMessage } from '../../../shared/app/post-message.ts';
import { requestEscalation } from '../../../shared/app/requester-actions.ts';
import { answerCaseSurvey } from '../../../shared/app/survey.ts';
import { assignCase, recordWorkaround, setSeverity } from '../../../shared/app/triage.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { nextUpdateFigure, nextUpdateFigures } from '../../../shared/domain/lead-figures.ts';
import { SEVERITY_LEVELS, type SeverityLevel } from '../../../shared/domain/severity.ts';
import { CASE_STATUSES, type CaseStatus } from '../../../shared/domain/status.ts';
import type { TimelineEvent } from '../../../shared/domain/timeline.ts';
import { agent } from '../../support/cases.ts';
import { supportTeam } from '../../support/staff-directory.ts';
import { TimerSim } from '../../support/timer-sim.ts';

const lead: Actor = { kind: 'staff', role: 'lead', email: 'lena@support.example' };
const bob: Actor = { kind: 'staff', role: 'agent', email: 'bob@support.example' };
const seller: Actor = { kind: 'seller', email: 'dana@acme.example', sellerId: 'acme' };
const DASHBOARD =
  'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/casewatch';

/** Monday 2026-11-30 09:00 Pacific; a webhook case suggests level 2 (12 hours to a first response). */
function setup() {
  const sim = new TimerSim('2026-11-30T17:00:00.000Z');
  const deps: FiguresDeps & typeof sim.appDeps = { ...sim.appDeps, dashboardUrl: DASHBOARD };
  const open = async (subject = 'Webhooks late') => {
    const opened = await openCase(deps, seller, { type: 'seller', subject, description: 'Since 08:00' });
    await sim.drain();
    return opened.case.id;
  };
  const figures = () => readLeadFigures(deps, lead);
  const at = (iso: string) => sim.advanceTo(iso);
  return { sim, deps, open, figures, at };
}

const levels = (window: { levels: { level: number; met: number; breached: number }[] }) =>
  Object.fromEntries(window.levels.map((l) => [l.level, [l.met, l.breached]]));

describe('the leads’ figures (docs/service-levels.md#figures-for-leads)', () => {
  it('are for leads only: agents and sellers are refused, and nobody signed in is a 401', async () => {
    const { deps } = setup();
    await expect(readLeadFigures(deps, agent)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(readLeadFigures(deps, seller)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(readLeadFigures(deps, { kind: 'consumer', caseId: 'x' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(readLeadFigures(deps, { kind: 'anonymous' })).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('start empty: the backlog’s zeros, no compliance yet, nobody loaded, nothing waiting, no survey', async () => {
    const { figures } = setup();
    const f = await figures();
    expect(f.asOf).toBe('2026-11-30T17:00:00.000Z');
    expect(f.backlog).toHaveLength(24);
    expect(f.backlog.every((row) => row.count === 0)).toBe(true);
    expect(f.firstResponse.last24h).toEqual({
      since: '2026-11-29T18:00:00.000Z',
      levels: [0, 1, 2, 3].map((level) => ({ level, met: 0, breached: 0, compliancePercent: null })),
    });
    expect(f.firstResponse.last7d.since).toBe('2026-11-23T18:00:00.000Z');
    expect(f.nextUpdate).toEqual(f.firstResponse);
    expect(f).toMatchObject({
      agents: [],
      escalations: [],
      surveys: { count: 0, average: null, recent: [] },
      dashboardUrl: DASHBOARD,
    });
  });

  it('move as cases open, are assigned, breach and are answered', async () => {
    const { deps, open, figures, at } = setup();
    const late = await open('Webhooks late');
    const prompt = await open('Payouts missing');
    await assignCase(deps, agent, late, 'Alice@Support.example');
    await assignCase(deps, lead, prompt, 'bob@support.example');
    let f = await figures();
    expect(f.backlog.filter((row) => row.count > 0)).toEqual([{ status: 'open', level: 2, count: 2 }]);
    expect(f.agents).toEqual([
      { agent: 'alice@support.example', open: 1, breached: 0 },
      { agent: 'bob@support.example', open: 1, breached: 0 },
    ]);

    // Bob answers in time; Alice's first response (due 05:00Z) breaches.
    await postMessage(deps, bob, prompt, { body: 'On it' });
    await at('2026-12-01T06:00:00.000Z');
    f = await figures();
    expect(levels(f.firstResponse.last24h)[2]).toEqual([1, 1]);
    expect(f.firstResponse.last24h.levels[2]?.compliancePercent).toBe(50);
    expect(f.agents).toEqual([
      { agent: 'alice@support.example', open: 1, breached: 1 },
      { agent: 'bob@support.example', open: 1, breached: 0 },
    ]);

    // A late answer is no longer overdue, and counts once, as the breach it was.
    await postMessage(deps, agent, late, { body: 'Sorry for the wait' });
    f = await figures();
    expect(levels(f.firstResponse.last24h)[2]).toEqual([1, 1]);
    expect(f.agents[0]).toEqual({ agent: 'alice@support.example', open: 1, breached: 0 });

    // Reassigning moves the case from one agent's load to the other's; closing takes it off.
    await assignCase(deps, agent, late, 'bob@support.example');
    expect((await figures()).agents).toEqual([{ agent: 'bob@support.example', open: 2, breached: 0 }]);
    await changeStatus(deps, agent, prompt, { status: 'closed' });
    expect((await figures()).agents).toEqual([{ agent: 'bob@support.example', open: 1, breached: 0 }]);

    // A day later the first responses fell out of the last 24 hours but not of the last 7 days.
    await at('2026-12-02T06:00:00.000Z');
    f = await figures();
    expect(levels(f.firstResponse.last24h)[2]).toEqual([0, 0]);
    expect(levels(f.firstResponse.last7d)[2]).toEqual([1, 1]);
    expect(f.firstResponse.last24h.since).toBe('2026-12-01T07:00:00.000Z');
  });

  it('count each first response at the level it happened at, whatever the level is later', async () => {
    const { deps, open, figures, at } = setup();
    const id = await open();
    await setSeverity(deps, agent, id, { level: 0, reason: 'live stores down' });
    await at('2026-11-30T18:30:00.000Z');
    await setSeverity(deps, agent, id, { level: 3, reason: 'a workaround exists' });
    const f = await figures();
    expect(levels(f.firstResponse.last24h)).toEqual({ 0: [0, 1], 1: [0, 0], 2: [0, 0], 3: [0, 0] });
  });

  it('count next updates: in time is met; a breached window is a breach, and its late update adds nothing', async () => {
    const { deps, open, figures, at, sim } = setup();
    const prompt = await open('Webhooks late');
    const late = await open('Payouts missing');
    for (const id of [prompt, late]) {
      await setSeverity(deps, agent, id, { level: 1, reason: 'orders stuck' });
      // The first response, Monday 09:00 Pacific: each owes its next update 8 business hours later,
      // by 17:00 Pacific (Tuesday 01:00Z).
      await postMessage(deps, agent, id, { body: 'Looking into it' });
    }
    let f = await figures();
    expect(levels(f.nextUpdate.last24h)).toEqual({ 0: [0, 0], 1: [0, 0], 2: [0, 0], 3: [0, 0] });
    expect(levels(f.firstResponse.last24h)[1]).toEqual([2, 0]);

    await at('2026-11-30T20:00:00.000Z');
    await postMessage(deps, agent, prompt, { body: 'Still on it' }); // in time; next due Tuesday 20:00Z
    await at('2026-12-01T02:00:00.000Z'); // the other's window breached at 01:00Z
    f = await figures();
    expect(levels(f.nextUpdate.last24h)[1]).toEqual([1, 1]);
    expect(f.nextUpdate.last24h.levels[1]?.compliancePercent).toBe(50);

    await postMessage(deps, agent, late, { body: 'Sorry for the wait' });
    sim.clock.advance(60_000);
    f = await figures();
    expect(levels(f.nextUpdate.last24h)[1]).toEqual([1, 1]);
    expect(levels(f.nextUpdate.last7d)[1]).toEqual([1, 1]);
    // The first responses are not moved by any of it.
    expect(levels(f.firstResponse.last7d)[1]).toEqual([2, 0]);
  });

  it('count a late update once, as the breach, when the same write settles the breach and gives the update', async () => {
    const { deps, open, figures, sim } = setup();
    const id = await open();
    await setSeverity(deps, agent, id, { level: 1, reason: 'orders stuck' });
    await postMessage(deps, agent, id, { body: 'Looking into it' });
    // No timer delivered: the update's own write records the breach (at 01:00Z), then the update.
    sim.clock.set(new Date('2026-12-01T02:00:00.000Z'));
    await postMessage(deps, agent, id, { body: 'Sorry for the wait' });
    const f = await figures();
    expect(levels(f.nextUpdate.last24h)[1]).toEqual([0, 1]);
  });

  it('list an escalation while it waits: the first ask’s instant, the latest reason, until a lead acts', async () => {
    const { deps, open, figures, sim } = setup();
    const id = await open('Webhooks late');
    const other = await open('Payouts missing');
    await assignCase(deps, agent, id, 'alice@support.example');
    await requestEscalation(deps, seller, id, 'Orders are lost');
    sim.clock.advance(60_000);
    await requestEscalation(deps, seller, other, 'Payouts late');
    sim.clock.advance(60_000);
    await requestEscalation(deps, seller, id, 'Black Friday');
    // Agents working the case do not answer it: it waits for a lead.
    await postMessage(deps, agent, id, { body: 'Looking' });
    await recordWorkaround(deps, agent, id, 'Replay them');
    let f = await figures();
    expect(f.escalations.map((e) => [e.caseId, e.requestedAt, e.reason, e.assignee, e.level])).toEqual([
      [id, '2026-11-30T17:00:00.000Z', 'Black Friday', 'alice@support.example', 2],
      [other, '2026-11-30T17:01:00.000Z', 'Payouts late', null, 2],
    ]);
    expect((await deps.store.get(id))?.escalation).toEqual({
      requestedAt: '2026-11-30T17:00:00.000Z',
      reason: 'Black Friday',
    });

    // A lead's internal note answers it; the other closes, which leaves nothing to escalate.
    await postMessage(deps, lead, id, { body: 'Taking this', internal: true });
    await changeStatus(deps, seller, other, { status: 'closed' });
    f = await figures();
    expect(f.escalations).toEqual([]);
    expect((await deps.store.get(id))?.escalation).toBeNull();

    // Asked again later, it waits again, from the new ask.
    sim.clock.advance(60_000);
    await requestEscalation(deps, seller, id, 'Still lost');
    expect((await figures()).escalations).toMatchObject([
      { caseId: id, requestedAt: '2026-11-30T17:03:00.000Z' },
    ]);
  });

  it.each([
    ['a severity', (deps: AppDeps, id: string) => setSeverity(deps, lead, id, { level: 1, reason: 'r' })],
    [
      'an assignee',
      (deps: AppDeps, id: string) =>
        assignCase({ ...deps, staff: supportTeam }, lead, id, 'bob@support.example'),
    ],
    ['a workaround', (deps: AppDeps, id: string) => recordWorkaround(deps, lead, id, undefined)],
    ['a status', (deps: AppDeps, id: string) => changeStatus(deps, lead, id, { status: 'on_hold' })],
    ['a message', (deps: AppDeps, id: string) => postMessage(deps, lead, id, { body: 'Here' })],
  ])('a lead setting %s answers a waiting escalation', async (_what, act) => {
    const { deps, open, figures } = setup();
    const id = await open();
    await requestEscalation(deps, seller, id, 'Help');
    expect((await figures()).escalations).toHaveLength(1);
    await act(deps, id);
    expect((await figures()).escalations).toEqual([]);
  });

  it('count surveys and list the latest answers with their comments, newest first', async () => {
    const { deps, open, figures, sim } = setup();
    const ids = [await open('One'), await open('Two'), await open('Three')];
    for (const id of ids) {
      await assignCase(deps, agent, id, 'alice@support.example');
      await changeStatus(deps, agent, id, { status: 'closed' });
    }
    await sim.drain(); // the surveys go out
    await answerCaseSurvey(deps, seller, ids[0] as string, {
      ratings: { overall: 5, timeliness: 4, friendliness: 5 },
      comment: 'Quick',
    });
    sim.clock.advance(60_000);
    await answerCaseSurvey(deps, seller, ids[2] as string, {
      ratings: { overall: 2, timeliness: 1, friendliness: 4 },
    });
    const f = await figures();
    expect(f.surveys.count).toBe(2);
    expect(f.surveys.average).toEqual({ overall: 3.5, timeliness: 2.5, friendliness: 4.5 });
    expect(f.surveys.recent.map((a) => [a.caseId, a.comment, a.assignee, a.submittedAt])).toEqual([
      [ids[2], null, 'alice@support.example', '2026-11-30T17:01:00.000Z'],
      [ids[0], 'Quick', 'alice@support.example', '2026-11-30T17:00:00.000Z'],
    ]);
  });

  it('list only the 20 latest answers, while the totals count every one', async () => {
    const { deps, open, figures, sim } = setup();
    for (let i = 0; i < 22; i++) {
      const id = await open(`Case ${i}`);
      await changeStatus(deps, agent, id, { status: 'closed' });
      await sim.drain();
      await answerCaseSurvey(deps, seller, id, { ratings: { overall: 4, timeliness: 4, friendliness: 4 } });
      sim.clock.advance(1_000);
    }
    const f = await figures();
    expect(f.surveys.count).toBe(22);
    expect(f.surveys.recent).toHaveLength(20);
    expect(f.surveys.recent[0]?.submittedAt).toBe('2026-11-30T17:00:21.000Z');
  });
});

type Who = 'agent' | 'requester';
type Step =
  | { kind: 'open'; level: SeverityLevel }
  | { kind: 'message'; target: number; by: Who; internal: boolean }
  | { kind: 'status'; target: number; to: CaseStatus; publicNote: boolean }
  | { kind: 'severity'; target: number; level: SeverityLevel }
  | { kind: 'workaround'; target: number }
  /** Time passes and the timers fall due as scheduled (`deliver`), or are not delivered at all. */
  | { kind: 'wait'; minutes: number; deliver: boolean };

const target = fc.nat(3);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 1,
    // Mostly the levels whose windows are short enough to fall due within a few days.
    arbitrary: fc.record({
      kind: fc.constant('open' as const),
      level: fc.constantFrom<SeverityLevel>(0, 1, 1, 2, 3),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('message' as const),
      target,
      by: fc.constantFrom<Who>('agent', 'agent', 'requester'),
      internal: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      target,
      // Closing ends a case's windows: less often than the rest.
      to: fc.constantFrom(...CASE_STATUSES, ...CASE_STATUSES.filter((x) => x !== 'closed')),
      publicNote: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('severity' as const),
      target,
      level: fc.constantFrom(...SEVERITY_LEVELS),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('workaround' as const), target }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      minutes: fc.integer({ min: 1, max: 4 * 24 * 60 }),
      deliver: fc.boolean(),
    }),
  },
);

/** The writes of a run, as the store's change log has them: the case before and after, and the events. */
function writesOf(sim: TimerSim) {
  const writes: { before: Case | null; after: Case; events: TimelineEvent[] }[] = [];
  for (const change of sim.store.stream) {
    if (change.kind === 'case' && change.after !== null)
      writes.push({ before: change.before, after: change.after, events: [] });
    else if (change.kind === 'event') writes.at(-1)?.events.push(change.event);
  }
  return writes;
}

describe('next-update compliance over any history (docs/service-levels.md#next-update-compliance)', () => {
  it('counts every update window at most once, each update judged on the window as the case owed it then', async () => {
    const seen = { met: 0, breached: 0, lateUpdates: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 5, maxLength: 40 }), async (drawn) => {
        const steps: Step[] = [{ kind: 'open', level: 1 }, ...drawn];
        const { sim, deps, open } = setup();
        const ids: string[] = [];
        for (const step of steps) {
          // Every change at its own instant, so each window is told apart by when it started.
          sim.clock.advance(1_000);
          const id =
            ids.length === 0 ? null : (ids[('target' in step ? step.target : 0) % ids.length] as string);
          try {
            if (step.kind === 'open') {
              ids.push(await open(`Case ${ids.length}`));
              await setSeverity(deps, agent, ids.at(-1) as string, { level: step.level, reason: 'r' });
            } else if (step.kind === 'wait') {
              const until = new Date(sim.clock.now().getTime() + step.minutes * 60_000);
              if (step.deliver) await sim.advanceTo(until.toISOString());
              else sim.clock.set(until);
            } else if (id !== null) {
              if (step.kind === 'message')
                await postMessage(deps, step.by === 'agent' ? agent : seller, id, {
                  body: 'b',
                  internal: step.by === 'agent' && step.internal,
                });
              else if (step.kind === 'status')
                await changeStatus(deps, agent, id, { status: step.to, note: 'n', public: step.publicNote });
              else if (step.kind === 'severity')
                await setSeverity(deps, agent, id, { level: step.level, reason: 'r' });
              else await recordWorkaround(deps, agent, id, undefined);
            }
          } catch (error) {
            if (!(error instanceof CasewatchError)) throw error;
          }
          await sim.drain();
        }

        const writes = writesOf(sim);
        const perWrite = new Map<string, unknown[]>();
        const windows = new Map<string, number>();
        for (const w of writes) {
          const figures = nextUpdateFigures(w.before, w.after, w.events);
          // The same as deciding each event on the case as it really stood just before it: the write's
          // case settled up to the update (the write path settles before it decides).
          const expected = w.events.flatMap((e) => {
            if ((e.type !== 'sla.met' && e.type !== 'sla.breached') || e.deadline !== 'next-update')
              return [];
            expect(w.before, 'a new case owes no update').not.toBeNull();
            const owed = settleStored(w.before as Case, e.at, deps.policy).case;
            const figure = nextUpdateFigure(e, owed);
            if (e.type === 'sla.met' && figure === null) seen.lateUpdates++;
            return figure === null ? [] : [{ at: e.at, ...figure }];
          });
          expect(figures).toEqual(expected);
          for (const f of figures) {
            seen[f.outcome]++;
            // The window a write's next updates fall in is the one the case owed when the write began.
            const started = w.before?.sla.updateWindow?.startedAt;
            expect(started).toBeDefined();
            const window = `${w.after.id}#${started}`;
            windows.set(window, (windows.get(window) ?? 0) + 1);
          }
          perWrite.set(w.after.id, [...(perWrite.get(w.after.id) ?? []), ...figures]);
        }
        // Every window counts at most once: met + breached never exceed the windows that fell due or were
        // answered.
        for (const [window, n] of windows) expect(n, window).toBe(1);
        // Counted write by write (as DynamoDB keeps them) or over each whole timeline (as the memory store
        // recounts): the same.
        for (const [id, figures] of perWrite) {
          const c = (await sim.store.get(id)) as Case;
          expect(nextUpdateFigures(null, c, sim.store.events.get(id) ?? [])).toEqual(figures);
        }
      }),
      { numRuns: 100 },
    );
    // The histories reached every side of the rule.
    expect(seen.met).toBeGreaterThan(20);
    expect(seen.breached).toBeGreaterThan(10);
    expect(seen.lateUpdates).toBeGreaterThan(5);
  });
});
