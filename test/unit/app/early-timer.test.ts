import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EarlyTimerError, fireTimer } from '../../../shared/app/fire-timer.ts';
import { type FiguresDeps, readLeadFigures } from '../../../shared/app/lead-figures.ts';
import { postMessage } from '../../../shared/app/post-message.ts';
import { setSeverity } from '../../../shared/app/triage.ts';
import type { Case } from '../../../shared/domain/case.ts';
import type { TimerPayload } from '../../../shared/ports/timer-scheduler.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { TimerSim } from '../../support/timer-sim.ts';

/**
 * A timer acts only once its instant has come (docs/timers.md#early-late-and-duplicate-deliveries): however
 * little early it is delivered, it is sent back for a retry, so nothing is ever recorded as of an instant
 * later than the clock's now.
 */
const START = '2026-11-27T15:00:00.000Z';
const lead = { kind: 'staff', role: 'lead', email: 'leads@support.example' } as const;

async function level0Case() {
  const sim = new TimerSim(START);
  const deps = sim.appDeps;
  const c = await openConsumerCase(deps, { subject: 'Help', description: 'Please', orderNumber: 'FS-2' });
  await setSeverity(deps, agent, c.id, { level: 0, reason: 'urgent' });
  await sim.drain();
  const timer = (kind: string) => sim.schedules().find((t) => t.kind === kind) as TimerPayload;
  return { sim, deps, id: c.id, timer };
}

describe('early deliveries', () => {
  it('an answer given before the due instant counts once, as met, though the breach timer came 3 s early', async () => {
    const { sim, deps, id, timer } = await level0Case();
    const due = timer('first-response');
    expect(due.dueAt).toBe('2026-11-27T16:00:00.000Z');
    sim.clock.set(new Date('2026-11-27T15:59:57.000Z'));
    const early = await fireTimer(sim.deps, due).catch((error: unknown) => error);
    expect(early).toBeInstanceOf(EarlyTimerError);
    expect((early as EarlyTimerError).dueInMs).toBe(3_000);
    expect((sim.store.cases.get(id) as Case).sla.firstResponse.breachedAt).toBeNull();

    sim.clock.set(new Date('2026-11-27T15:59:58.000Z'));
    await postMessage(deps, agent, id, { body: 'On it' });
    await sim.drain();
    // The redelivery, once due, finds the deadline met.
    sim.clock.set(new Date(due.dueAt));
    expect(await fireTimer(sim.deps, due)).toEqual({ acted: false, reason: 'stale' });
    await sim.drain();

    const c = sim.store.cases.get(id) as Case;
    expect(c.sla.firstResponse).toMatchObject({ metAt: '2026-11-27T15:59:58.000Z', breachedAt: null });
    const sla = (sim.store.events.get(id) ?? []).filter((e) => e.type.startsWith('sla.'));
    expect(sla.map((e) => [e.type, e.at])).toEqual([
      ['sla.at_risk', '2026-11-27T15:45:00.000Z'],
      ['sla.met', '2026-11-27T15:59:58.000Z'],
    ]);
    expect(sim.notices.map((n) => n.kind)).not.toContain('sla.breached');
    expect(sim.metrics.map((m) => m.name)).not.toContain('FirstResponseBreached');
    const figures = await readLeadFigures({ ...deps, dashboardUrl: null } as FiguresDeps, lead);
    expect(figures.firstResponse.last24h.levels[0]).toEqual({
      level: 0,
      met: 1,
      breached: 0,
      compliancePercent: 100,
    });
  });

  it('a delivery a millisecond early is sent back too; at its instant it acts', async () => {
    const { sim, id, timer } = await level0Case();
    const risk = timer('first-response-risk');
    sim.clock.set(new Date(Date.parse(risk.dueAt) - 1));
    await expect(fireTimer(sim.deps, risk)).rejects.toBeInstanceOf(EarlyTimerError);
    expect(sim.store.events.get(id)?.some((e) => e.type === 'sla.at_risk')).toBe(false);
    sim.clock.set(new Date(risk.dueAt));
    expect((await fireTimer(sim.deps, risk)).acted).toBe(true);
  });

  it('no delivery, early or late, records anything as of an instant after the clock’s now (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('first-response-risk', 'first-response'),
        fc.integer({ min: -10_000, max: 3 * 3_600_000 }),
        async (kind, offsetMs) => {
          const { sim, id, timer } = await level0Case();
          const t = timer(kind);
          const now = Date.parse(t.dueAt) + offsetMs;
          sim.clock.set(new Date(now));
          const before = (sim.store.events.get(id) ?? []).length;
          const outcome = await fireTimer(sim.deps, t).catch((error: unknown) => error);
          const written = (sim.store.events.get(id) ?? []).slice(before);
          if (offsetMs < 0) {
            expect(outcome).toBeInstanceOf(EarlyTimerError);
            expect(written).toEqual([]);
          } else {
            expect(outcome).toMatchObject({ acted: true });
            expect(written.length).toBeGreaterThan(0);
          }
          for (const e of written) expect(Date.parse(e.at)).toBeLessThanOrEqual(now);
        },
      ),
      { numRuns: 60 },
    );
  });
});
