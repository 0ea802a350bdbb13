import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../shared/app/actor.ts';
import { changeStatus } from '../../../shared/app/change-status.ts';
import { EarlyTimerError, fireTimer } from '../../../shared/app/fire-timer.ts';
import { recordMailFeedback } from '../../../shared/app/mail-feedback.ts';
import { postMessage } from '../../../shared/app/post-message.ts';
import { assignCase, recordWorkaround, setSeverity } from '../../../shared/app/triage.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { CASE_STATUSES, type CaseStatus } from '../../../shared/domain/status.ts';
import type { TimelineEvent } from '../../../shared/domain/timeline.ts';
import { scheduleName, type TimerPayload } from '../../../shared/ports/timer-scheduler.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { createMemorySuppressionList } from '../../support/memory-mail-safeguards.ts';
import { TimerSim } from '../../support/timer-sim.ts';

const START = '2026-11-27T15:00:00.000Z'; // Friday 07:00 Pacific, the day after Thanksgiving

type Step =
  | { t: 'wait'; minutes: number }
  | { t: 'respond' }
  | { t: 'note' }
  | { t: 'customer' }
  | { t: 'status'; to: CaseStatus }
  | { t: 'severity'; level: 0 | 1 | 2 | 3 }
  | { t: 'workaround' }
  | { t: 'assign' }
  /** Bookkeeping that settles nothing: it must not change when the deadlines before it are dated. */
  | { t: 'bounce' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.integer({ min: 1, max: 4 * 24 * 60 }).map((minutes): Step => ({ t: 'wait', minutes })),
  },
  { weight: 2, arbitrary: fc.constant<Step>({ t: 'respond' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ t: 'note' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ t: 'customer' }) },
  { weight: 2, arbitrary: fc.constantFrom(...CASE_STATUSES).map((to): Step => ({ t: 'status', to })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(0, 1, 2, 3)
      .map((level): Step => ({ t: 'severity', level: level as 0 | 1 | 2 | 3 })),
  },
  { weight: 1, arbitrary: fc.constant<Step>({ t: 'workaround' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ t: 'assign' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ t: 'bounce' }) },
);

/** Runs a use case; refusals (closed case, forbidden move) are part of a random history, not failures. */
async function attempt(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof Error) || !('status' in error)) throw error;
  }
}

/** How timers reach the handler in a run: exactly on time, or chaotically. */
type Delivery = (sim: TimerSim, until: string, rnd: () => number, held: TimerPayload[]) => Promise<void>;

const clean: Delivery = (sim, until) => sim.advanceTo(until);

/**
 * Chaos: the clock jumps without delivering; then due timers arrive twice each, shuffled, and some are
 * held back to arrive after later actions (late by hours or days).
 */
const chaos: Delivery = async (sim, until, rnd, held) => {
  await sim.drain();
  sim.clock.set(new Date(until));
  const due = sim.due();
  for (const t of due) sim.scheduler.schedules.delete(scheduleName(t.caseId, t.kind));
  const batch = [...held.splice(0), ...due];
  const now: TimerPayload[] = [];
  for (const t of batch) (rnd() < 0.3 ? held : now).push(t);
  const deliveries = [...now, ...now].sort(() => rnd() - 0.5);
  for (const t of deliveries) await sim.deliver(t, false);
};

async function play(steps: Step[], delivery: Delivery, seed: number) {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const held: TimerPayload[] = [];
  const sim = new TimerSim(START);
  const deps = sim.appDeps;
  const { id } = await openConsumerCase(deps, {
    subject: 'Double billing',
    description: 'Charged twice',
    email: 'buyer@example.com',
    billingDescriptor: 'FSPRG',
  });
  const requester: Actor = { kind: 'consumer', caseId: id };
  const feedbackDeps = { ...sim.deps, suppressions: createMemorySuppressionList() };
  let bounces = 0;
  for (const st of steps) {
    if (st.t === 'wait') {
      await delivery(sim, new Date(sim.clock.now().getTime() + st.minutes * 60_000).toISOString(), rnd, held);
      continue;
    }
    await attempt(async () => {
      if (st.t === 'respond') await postMessage(deps, agent, id, { body: 'update' });
      if (st.t === 'note') await postMessage(deps, agent, id, { body: 'note', internal: true });
      if (st.t === 'customer') await postMessage(deps, requester, id, { body: 'any news?' });
      if (st.t === 'status') await changeStatus(deps, agent, id, { status: st.to });
      if (st.t === 'severity') await setSeverity(deps, agent, id, { level: st.level, reason: 'triage' });
      if (st.t === 'workaround') await recordWorkaround(deps, agent, id, undefined);
      if (st.t === 'assign') await assignCase(deps, agent, id, 'bob@support.example');
      if (st.t === 'bounce')
        await recordMailFeedback(feedbackDeps, {
          kind: 'soft-bounce',
          feedbackId: `fb-${++bounces}`,
          at: sim.clock.now().toISOString(),
          recipients: [{ address: 'buyer@example.com', diagnostic: null }],
          caseId: id,
          notice: null,
        });
    });
    await sim.drain();
  }
  // The end: a day later, everything still pending arrives (late, twice, shuffled in the chaos run).
  await delivery(sim, new Date(sim.clock.now().getTime() + 24 * 3_600_000).toISOString(), rnd, held);
  if (held.length > 0) for (const t of [...held, ...held]) await sim.deliver(t, false);
  for (const t of sim.due()) await sim.deliver(t);
  return { sim, id };
}

/** What must match between runs: the case's facts and its timeline, minus write bookkeeping. */
function facts(sim: TimerSim, id: string) {
  const { updatedAt: _u, version: _v, ...c } = sim.store.cases.get(id) as Case;
  // An event's `caseVersion` is write bookkeeping like the case's own `version`: how deadlines were
  // grouped into writes may differ between runs, what happened and when may not.
  const all = (sim.store.events.get(id) ?? []).map(({ id: _i, caseVersion: _v, ...e }: TimelineEvent) => e);
  // A bounce settles nothing, so it may be written before a deadline that fell due ahead of it and whose
  // timer came late: its place among the other events may differ, its content and instant may not.
  const events = all.filter((e) => !e.type.startsWith('mail.'));
  const mail = all
    .filter((e) => e.type.startsWith('mail.'))
    .map((e) => JSON.stringify({ ...e, caseId: 'x' }));
  const related = [...sim.store.cases.values()].filter((x) => x.relatedCaseId === id).length;
  // Notices of different cases may interleave differently; per notice, what and when must match.
  const notices = [...sim.notices, ...sim.customerMail]
    .map(
      (n) =>
        `${JSON.stringify({ ...n, eventId: undefined, case: n.case.subject, surveyToken: undefined, relatedCaseNumber: undefined })}`,
    )
    .sort();
  return { case: c, events, mail, related, notices };
}

describe('timers under chaos (property)', () => {
  it('timers delivered twice, out of order and late end in the same state and timeline as a clean run', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 18 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        async (steps, seed) => {
          const a = await play(steps, clean, seed);
          const b = await play(steps, chaos, seed);
          const fa = facts(a.sim, a.id);
          const fb = facts(b.sim, b.id);
          expect(fb.case).toEqual({ ...fa.case, id: fb.case.id, number: fb.case.number });
          expect(fb.events.map((e) => ({ ...e, caseId: 'x' }))).toEqual(
            fa.events.map((e) => ({ ...e, caseId: 'x' })),
          );
          expect(fb.mail).toEqual(fa.mail);
          expect(fb.related).toBe(fa.related);
          expect(fb.notices).toEqual(fa.notices);
        },
      ),
      {
        numRuns: 60,
        // A bounce recorded while every due timer is held back: the late timers must still date each
        // deadline at its own instant, not at the bounce (found by a longer run).
        examples: [[[{ t: 'wait', minutes: 600 }, { t: 'bounce' }], 1037780927]],
      },
    );
  });
});

describe('fireTimer', () => {
  async function newLevel0Case() {
    const sim = new TimerSim(START);
    const deps = sim.appDeps;
    const c = await openConsumerCase(deps, { subject: 'Help', description: 'Please', orderNumber: 'FS-2' });
    await setSeverity(deps, agent, c.id, { level: 0, reason: 'urgent' });
    await sim.drain();
    return { sim, deps, id: c.id };
  }

  it('acts once on the current deadline; a duplicate, a stale or a missing case does nothing', async () => {
    const { sim, id } = await newLevel0Case();
    const risk = sim.schedules().find((t) => t.kind === 'first-response-risk') as TimerPayload;
    expect(risk.dueAt).toBe('2026-11-27T15:45:00.000Z');
    sim.clock.set(new Date(risk.dueAt));
    expect((await fireTimer(sim.deps, risk)).acted).toBe(true);
    expect(await fireTimer(sim.deps, risk)).toEqual({ acted: false, reason: 'stale' });
    expect(await fireTimer(sim.deps, { ...risk, caseId: '01JD0000000000000000000000' })).toEqual({
      acted: false,
      reason: 'missing',
    });
    const c = sim.store.cases.get(id) as Case;
    expect(c.sla.firstResponse.atRiskAt).toBe('2026-11-27T15:45:00.000Z');
    expect(sim.notices.map((n) => n.kind)).toEqual([]);
    await sim.drain();
    expect(sim.notices.map((n) => n.kind)).toEqual(['sla.at_risk']);
  });

  it('a delivery before its due instant is sent back for a retry, however little early it is', async () => {
    const { sim } = await newLevel0Case();
    const due = sim.schedules().find((t) => t.kind === 'first-response') as TimerPayload;
    sim.clock.set(new Date(Date.parse(due.dueAt) - 60_000));
    await expect(fireTimer(sim.deps, due)).rejects.toBeInstanceOf(EarlyTimerError);
    // Seconds of clock skew too: acting would record the breach as of an instant still to come.
    sim.clock.set(new Date(Date.parse(due.dueAt) - 2_000));
    await expect(fireTimer(sim.deps, due)).rejects.toMatchObject({ dueInMs: 2_000 });
    sim.clock.set(new Date(due.dueAt));
    const outcome = await fireTimer(sim.deps, due);
    expect(outcome.acted && outcome.case.sla.firstResponse.breachedAt).toBe(due.dueAt);
  });

  it('a breach delivered before its at-risk warning records both, in order, as of their instants', async () => {
    const { sim, id } = await newLevel0Case();
    const due = sim.schedules().find((t) => t.kind === 'first-response') as TimerPayload;
    sim.clock.set(new Date('2026-11-28T15:00:00.000Z'));
    await sim.deliver(due);
    const events = (sim.store.events.get(id) ?? []).filter((e) => e.type.startsWith('sla.'));
    expect(events.map((e) => [e.type, e.at])).toEqual([
      ['sla.at_risk', '2026-11-27T15:45:00.000Z'],
      ['sla.breached', '2026-11-27T16:00:00.000Z'],
    ]);
    expect(sim.notices.map((n) => n.kind)).toEqual(['sla.at_risk', 'sla.breached']);
  });

  it('an agent who answers after the deadline, before the timer arrives, still leaves a breach on record', async () => {
    const { sim, deps, id } = await newLevel0Case();
    sim.clock.set(new Date('2026-11-27T16:30:00.000Z'));
    await postMessage(deps, agent, id, { body: 'Sorry for the wait' });
    const c = sim.store.cases.get(id) as Case;
    expect(c.sla.firstResponse).toMatchObject({
      breachedAt: '2026-11-27T16:00:00.000Z',
      metAt: '2026-11-27T16:30:00.000Z',
    });
  });
});
