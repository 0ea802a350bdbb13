import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../shared/app/actor.ts';
import { changeStatus } from '../../../shared/app/change-status.ts';
import { type FiguresDeps, readLeadFigures } from '../../../shared/app/lead-figures.ts';
import { postMessage } from '../../../shared/app/post-message.ts';
import { assignCase, setSeverity } from '../../../shared/app/triage.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { slaView } from '../../../shared/domain/sla.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { supportTeam } from '../../support/staff-directory.ts';
import { TimerSim } from '../../support/timer-sim.ts';

/**
 * A round trip through pending closure is no way out of an owed update (docs/service-levels.md#pauses-and-stops-by-status):
 * while the case waits the window is paused, staff moving it back resume it with the time it had left (a
 * breached one stays breached and owed), and only the customer writing back starts a fresh one.
 */
const lead: Actor = { kind: 'staff', role: 'lead', email: 'leads@support.example' };

/**
 * A level 1 case opened Thursday 2026-12-24 12:00 Pacific (20:00Z), assigned to Alice and answered at 13:00
 * Pacific: one business day later, over Christmas and the weekend, the next update is due Monday
 * 2026-12-28 13:00 Pacific (21:00Z).
 */
async function answeredLevel1() {
  const sim = new TimerSim('2026-12-24T20:00:00.000Z');
  const deps = { ...sim.appDeps, staff: supportTeam };
  const c = await openConsumerCase(deps);
  await setSeverity(deps, agent, c.id, { level: 1, reason: 'customer blocked' });
  await assignCase(deps, agent, c.id, 'alice@support.example');
  await sim.advanceTo('2026-12-24T21:00:00.000Z');
  await postMessage(deps, agent, c.id, { body: 'Looking into it' });
  await sim.drain();
  const stored = () => sim.store.cases.get(c.id) as Case;
  const view = () => slaView(stored().sla, sim.deps.policy);
  const sla = (type: string) =>
    (sim.store.events.get(c.id) ?? [])
      .filter((e) => e.type === type)
      .map((e) => ('deadline' in e ? `${e.deadline} ${e.at}` : e.at));
  const figures = () => readLeadFigures({ ...deps, dashboardUrl: null } as FiguresDeps, lead);
  const requester: Actor = { kind: 'consumer', caseId: c.id };
  expect(view().nextUpdate.dueAt).toBe('2026-12-28T21:00:00.000Z');
  return { sim, deps, id: c.id, stored, view, sla, figures, requester };
}

describe('pending closure pauses the update window', () => {
  it('a breached update stays breached and owed after a move to pending closure and straight back', async () => {
    const { sim, deps, id, view, sla, figures } = await answeredLevel1();
    await sim.advanceTo('2026-12-28T21:30:00.000Z');
    expect(sla('sla.breached')).toEqual(['next-update 2026-12-28T21:00:00.000Z']);
    expect((await figures()).agents).toEqual([{ agent: 'alice@support.example', open: 1, breached: 1 }]);

    await changeStatus(deps, agent, id, { status: 'pending_closure' });
    await sim.drain();
    // Waiting: nothing new falls due, but the overdue update is still overdue.
    expect(view().nextUpdate).toMatchObject({ dueAt: '2026-12-28T21:00:00.000Z', paused: true });
    expect((await figures()).agents).toEqual([{ agent: 'alice@support.example', open: 1, breached: 1 }]);

    await sim.advanceTo('2026-12-28T21:35:00.000Z');
    await changeStatus(deps, agent, id, { status: 'working' });
    await sim.drain();
    expect(view().nextUpdate).toMatchObject({
      dueAt: '2026-12-28T21:00:00.000Z',
      breachedAt: '2026-12-28T21:00:00.000Z',
      metAt: '2026-12-24T21:00:00.000Z',
      paused: false,
    });
    expect((await figures()).agents).toEqual([{ agent: 'alice@support.example', open: 1, breached: 1 }]);
    // Only the update finally given closes that window.
    await sim.advanceTo('2026-12-28T22:00:00.000Z');
    await postMessage(deps, agent, id, { body: 'Here is where we are' });
    await sim.drain();
    expect(view().nextUpdate).toMatchObject({ breachedAt: null, metAt: '2026-12-28T22:00:00.000Z' });
    expect((await figures()).agents).toEqual([{ agent: 'alice@support.example', open: 1, breached: 0 }]);
  });

  it('before the deadline, the round trip resumes the window with the time it had left', async () => {
    const { sim, deps, id, view, sla } = await answeredLevel1();
    // Monday 10:00 Pacific: 5 of the 8 business hours used (Thursday 13:00–17:00 and Monday 09:00–10:00)…
    await sim.advanceTo('2026-12-28T18:00:00.000Z');
    await changeStatus(deps, agent, id, { status: 'pending_closure' });
    await sim.drain();
    expect(view().nextUpdate).toMatchObject({ dueAt: null, paused: true });
    // …waiting until 15:00 Pacific, then back: the 3 hours left run to Tuesday 10:00 Pacific (at risk
    // one hour after the return, at 16:00).
    await sim.advanceTo('2026-12-28T23:00:00.000Z');
    expect(sla('sla.at_risk')).toEqual([]);
    expect(sla('sla.breached')).toEqual([]);
    await changeStatus(deps, agent, id, { status: 'working' });
    await sim.drain();
    expect(view().nextUpdate).toMatchObject({ dueAt: '2026-12-29T18:00:00.000Z', paused: false });
    await sim.advanceTo('2026-12-29T19:00:00.000Z');
    expect(sla('sla.at_risk')).toEqual(['next-update 2026-12-29T00:00:00.000Z']);
    expect(sla('sla.breached')).toEqual(['next-update 2026-12-29T18:00:00.000Z']);
  });

  it('the customer writing back starts a fresh window: they are owed an answer', async () => {
    const { sim, deps, id, view, requester } = await answeredLevel1();
    await sim.advanceTo('2026-12-28T18:00:00.000Z');
    await changeStatus(deps, agent, id, { status: 'pending_closure' });
    await sim.advanceTo('2026-12-28T23:00:00.000Z');
    await postMessage(deps, requester, id, { body: 'Still broken' });
    await sim.drain();
    expect(sim.store.cases.get(id)?.status).toBe('open');
    // Monday 15:00 Pacific + 8 business hours = Tuesday 15:00 Pacific.
    expect(view().nextUpdate).toMatchObject({ dueAt: '2026-12-29T23:00:00.000Z', atRiskAt: null });
  });

  it('the customer writing back does not clear an update that is already overdue', async () => {
    const { sim, deps, id, view, requester } = await answeredLevel1();
    await sim.advanceTo('2026-12-28T21:30:00.000Z');
    await changeStatus(deps, agent, id, { status: 'pending_closure' });
    await sim.advanceTo('2026-12-28T22:00:00.000Z');
    await postMessage(deps, requester, id, { body: 'Hello?' });
    await sim.drain();
    expect(view().nextUpdate).toMatchObject({
      dueAt: '2026-12-28T21:00:00.000Z',
      breachedAt: '2026-12-28T21:00:00.000Z',
      paused: false,
    });
  });

  it('a public note on the move is an update: the window restarts then, paused, and runs in full once back', async () => {
    const { sim, deps, id, view, sla } = await answeredLevel1();
    await sim.advanceTo('2026-12-28T18:00:00.000Z');
    await changeStatus(deps, agent, id, { status: 'pending_closure', note: 'Fixed?', public: true });
    await sim.drain();
    expect(view().nextUpdate).toMatchObject({ dueAt: null, metAt: '2026-12-28T18:00:00.000Z', paused: true });
    await sim.advanceTo('2026-12-29T18:00:00.000Z');
    await changeStatus(deps, agent, id, { status: 'working' });
    await sim.drain();
    // Tuesday 10:00 Pacific + 8 business hours = Wednesday 10:00 Pacific.
    expect(view().nextUpdate).toMatchObject({ dueAt: '2026-12-30T18:00:00.000Z', paused: false });
    expect(sla('sla.breached')).toEqual([]);
  });

  it('an owed first response is not cleared by the round trip, nor paused by it', async () => {
    const sim = new TimerSim('2026-12-01T17:00:00.000Z');
    const deps = sim.appDeps;
    const c = await openConsumerCase(deps);
    await setSeverity(deps, agent, c.id, { level: 1, reason: 'customer blocked' });
    await sim.drain();
    const view = () => slaView((sim.store.cases.get(c.id) as Case).sla, sim.deps.policy);
    await sim.advanceTo('2026-12-01T18:00:00.000Z');
    await changeStatus(deps, agent, c.id, { status: 'pending_closure' });
    await sim.advanceTo('2026-12-01T19:00:00.000Z');
    await changeStatus(deps, agent, c.id, { status: 'working' });
    await sim.advanceTo('2026-12-01T22:00:00.000Z');
    expect(view().firstResponse).toMatchObject({
      dueAt: '2026-12-01T21:00:00.000Z',
      metAt: null,
      atRiskAt: '2026-12-01T20:00:00.000Z',
      breachedAt: '2026-12-01T21:00:00.000Z',
    });
    // And a breached first response stays owed through another round trip.
    await changeStatus(deps, agent, c.id, { status: 'pending_closure' });
    await changeStatus(deps, agent, c.id, { status: 'working' });
    expect(view().firstResponse).toMatchObject({ metAt: null, breachedAt: '2026-12-01T21:00:00.000Z' });
    expect(view().nextUpdate.dueAt).toBeNull();
  });
});
