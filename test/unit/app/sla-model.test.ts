import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../shared/app/actor.ts';
import { changeStatus } from '../../../shared/app/change-status.ts';
import { postMessage } from '../../../shared/app/post-message.ts';
import { recordWorkaround, setSeverity } from '../../../shared/app/triage.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { modelAction as action, type ModelAction, runModel } from '../../support/sla-model.ts';
import { TimerSim } from '../../support/timer-sim.ts';

/** Starts that put windows across weekends, Thanksgiving, Christmas and both DST changes. */
const START = fc.constantFrom(
  '2026-11-25T20:00:00.000Z',
  '2026-12-23T22:30:00.000Z',
  '2026-03-06T23:00:00.000Z',
  '2026-10-30T23:15:00.000Z',
  '2026-07-02T16:00:00.000Z',
);

describe('SLA events against a minute-stepping reference model (property)', () => {
  it('breaches, at-risks and closes equal the model for random actions and waits', async () => {
    await fc.assert(
      fc.asyncProperty(
        START,
        fc.constantFrom(0, 1, 2, 3),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 2 * 24 * 60 }), action), { maxLength: 10 }),
        async (startIso, level, plan) => {
          const start = Date.parse(startIso);
          const steps: { minute: number; action: ModelAction }[] = [];
          for (const [wait, a] of plan) steps.push({ minute: (steps.at(-1)?.minute ?? 0) + wait, action: a });
          const end = (steps.at(-1)?.minute ?? 0) + 7 * 24 * 60;
          const expected = runModel(start, level as 0 | 1 | 2 | 3, steps, end);

          const sim = new TimerSim(startIso);
          const deps = sim.appDeps;
          const c = await openConsumerCase(deps, {
            subject: 'Order question',
            description: 'Where is my order?',
            orderNumber: 'FS-9',
          });
          if (c.severity.level !== level)
            await setSeverity(deps, agent, c.id, { level: level as 0 | 1 | 2 | 3, reason: 'start' });
          const requester: Actor = { kind: 'consumer', caseId: c.id };
          for (const { minute: m, action: a } of steps) {
            await sim.advanceTo(new Date(start + m * 60_000).toISOString());
            try {
              if (a.t === 'respond') await postMessage(deps, agent, c.id, { body: 'update' });
              if (a.t === 'customer') await postMessage(deps, requester, c.id, { body: 'news?' });
              if (a.t === 'status') await changeStatus(deps, agent, c.id, { status: a.to });
              if (a.t === 'severity')
                await setSeverity(deps, agent, c.id, { level: a.level, reason: 'change' });
              if (a.t === 'workaround') await recordWorkaround(deps, agent, c.id, undefined);
            } catch (error) {
              if (!(error instanceof Error) || !('status' in error)) throw error;
            }
            await sim.drain();
          }
          await sim.advanceTo(new Date(start + end * 60_000).toISOString());
          const actual = (sim.store.events.get(c.id) ?? [])
            .filter((e) => e.type === 'sla.at_risk' || e.type === 'sla.breached' || e.type === 'case.closed')
            .map((e) =>
              'deadline' in e ? { type: e.type, deadline: e.deadline, at: e.at } : { type: e.type, at: e.at },
            );
          expect(actual).toEqual(expected);
        },
      ),
      {
        numRuns: 40,
        examples: [
          // A level lowered after its window's warning: the warning is taken back and given again later.
          [
            '2026-11-25T20:00:00.000Z',
            0,
            [
              [1, { t: 'respond' }],
              [540, { t: 'severity', level: 2 }],
            ],
          ],
          // Pending closure and straight back, before and after the update fell due: the window resumes.
          [
            '2026-11-25T20:00:00.000Z',
            1,
            [
              [1, { t: 'respond' }],
              [60, { t: 'status', to: 'pending_closure' }],
              [1, { t: 'status', to: 'working' }],
            ],
          ],
          [
            '2026-12-23T22:30:00.000Z',
            0,
            [
              [1, { t: 'respond' }],
              [800, { t: 'status', to: 'pending_closure' }],
              [1, { t: 'status', to: 'working' }],
              [30, { t: 'customer' }],
            ],
          ],
        ],
      },
    );
  }, 120_000);
});
