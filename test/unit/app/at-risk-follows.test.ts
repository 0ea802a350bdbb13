import { describe, expect, it } from 'vitest';
import { deadlineSortKey } from '../../../shared/adapters/dynamodb/case-items.ts';
import { postMessage } from '../../../shared/app/post-message.ts';
import { recordWorkaround, setSeverity } from '../../../shared/app/triage.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { slaView } from '../../../shared/domain/sla.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { TimerSim } from '../../support/timer-sim.ts';

/**
 * The at-risk mark belongs to the window as it stands (docs/service-levels.md#at-risk): when a change moves the
 * window's at-risk point after now, the mark goes, and the window's own timer sets it again when it comes.
 */
async function level1Case() {
  const sim = new TimerSim('2026-12-01T17:00:00.000Z');
  const deps = sim.appDeps;
  const c = await openConsumerCase(deps);
  await setSeverity(deps, agent, c.id, { level: 1, reason: 'customer blocked' });
  await sim.drain();
  const stored = () => sim.store.cases.get(c.id) as Case;
  const view = () => slaView(stored().sla, sim.deps.policy);
  const atRisk = () =>
    (sim.store.events.get(c.id) ?? [])
      .filter((e) => e.type === 'sla.at_risk')
      .map((e) => ('deadline' in e ? `${e.deadline} ${e.at} due ${e.dueAt}` : ''));
  const timer = (kind: string) => sim.schedules().find((t) => t.kind === kind)?.dueAt;
  return { sim, deps, id: c.id, stored, view, atRisk, timer };
}

describe('the at-risk mark follows the window', () => {
  it('lowering the level clears the first response’s warning; its own timer gives it again later', async () => {
    const { sim, deps, id, stored, view, atRisk, timer } = await level1Case();
    await sim.advanceTo('2026-12-01T20:30:00.000Z');
    expect(view().firstResponse.atRiskAt).toBe('2026-12-01T20:00:00.000Z');

    // Level 3: 24 hours from opening; at 20:30Z only 3.5 of them (14.6%) are used.
    await setSeverity(deps, agent, id, { level: 3, reason: 'a workaround exists' });
    await sim.drain();
    expect(view().firstResponse).toMatchObject({ dueAt: '2026-12-02T17:00:00.000Z', atRiskAt: null });
    expect(timer('first-response-risk')).toBe('2026-12-02T11:00:00.000Z');
    // The queue sorts it by the new deadline, with nothing at risk.
    expect(deadlineSortKey(stored(), sim.deps.policy)).toBe(`2026-12-02T17:00:00.000Z#${id}`);

    await sim.advanceTo('2026-12-02T12:00:00.000Z');
    expect(view().firstResponse.atRiskAt).toBe('2026-12-02T11:00:00.000Z');
    expect(atRisk()).toEqual([
      'first-response 2026-12-01T20:00:00.000Z due 2026-12-01T21:00:00.000Z',
      'first-response 2026-12-02T11:00:00.000Z due 2026-12-02T17:00:00.000Z',
    ]);
  });

  it('a breached deadline keeps its warning and due instant: history is not rewritten', async () => {
    const { sim, deps, id, view } = await level1Case();
    await sim.advanceTo('2026-12-01T21:30:00.000Z');
    expect(view().firstResponse.breachedAt).toBe('2026-12-01T21:00:00.000Z');
    await setSeverity(deps, agent, id, { level: 3, reason: 'later' });
    expect(view().firstResponse).toMatchObject({
      dueAt: '2026-12-01T21:00:00.000Z',
      atRiskAt: '2026-12-01T20:00:00.000Z',
      breachedAt: '2026-12-01T21:00:00.000Z',
    });
  });

  it('keeps a warning the new window has also crossed', async () => {
    const sim = new TimerSim('2026-12-01T17:00:00.000Z');
    const deps = sim.appDeps;
    const c = await openConsumerCase(deps);
    await setSeverity(deps, agent, c.id, { level: 1, reason: 'blocked' });
    await sim.drain();
    await sim.advanceTo('2026-12-01T20:00:00.000Z');
    await setSeverity(deps, agent, c.id, { level: 1, reason: 'confirmed' });
    // Back to level 0 after the warning: 1 hour, long past 75%: the warning stands, the breach is at once.
    await setSeverity(deps, agent, c.id, { level: 0, reason: 'outage' });
    const sla = slaView((sim.store.cases.get(c.id) as Case).sla, sim.deps.policy);
    expect(sla.firstResponse).toMatchObject({
      atRiskAt: '2026-12-01T20:00:00.000Z',
      breachedAt: '2026-12-01T20:00:00.000Z',
    });
  });

  it('a workaround that relaxes level 1’s updates clears the update window’s warning', async () => {
    const { sim, deps, id, view, timer } = await level1Case();
    // Answered Tuesday 09:30 Pacific: next update due Wednesday 09:30, at risk Tuesday 15:30.
    await sim.advanceTo('2026-12-01T17:30:00.000Z');
    await postMessage(deps, agent, id, { body: 'Looking' });
    await sim.advanceTo('2026-12-02T00:00:00.000Z');
    expect(view().nextUpdate).toMatchObject({
      dueAt: '2026-12-02T17:30:00.000Z',
      atRiskAt: '2026-12-01T23:30:00.000Z',
    });
    // Level 2's 5 business days from Tuesday 09:30: due next Tuesday 09:30, at risk Friday 15:30; at
    // Tuesday 16:00 only 6.5 of the 40 hours are used.
    await recordWorkaround(deps, agent, id, 'Restart the sync');
    await sim.drain();
    expect(view().nextUpdate).toMatchObject({ dueAt: '2026-12-08T17:30:00.000Z', atRiskAt: null });
    expect(timer('next-update-risk')).toBe('2026-12-04T23:30:00.000Z');
  });
});
