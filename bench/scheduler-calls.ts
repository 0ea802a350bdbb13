import { changeStatus } from '../shared/app/change-status.ts';
import { postMessage } from '../shared/app/post-message.ts';
import { assignCase } from '../shared/app/triage.ts';
import { agent, openConsumerCase } from '../test/support/cases.ts';
import { TimerSim } from '../test/support/timer-sim.ts';

export interface SchedulerCallsRow {
  step: string;
  calls: number;
}

/**
 * Scheduler calls (create/update/delete) one case costs over its life, counted on the same
 * reconciler the stream function runs: create → assign → respond → pending closure → auto-close.
 */
export async function benchSchedulerCalls(): Promise<{ rows: SchedulerCallsRow[]; total: number }> {
  const sim = new TimerSim('2026-11-30T17:00:00.000Z');
  const deps = sim.appDeps;
  const rows: SchedulerCallsRow[] = [];
  let before = 0;
  const step = async (name: string, run: () => Promise<unknown>) => {
    await run();
    await sim.drain();
    rows.push({ step: name, calls: sim.scheduler.calls - before });
    before = sim.scheduler.calls;
  };
  let id = '';
  await step('create', async () => {
    id = (await openConsumerCase(deps)).id;
  });
  await step('assign', () => assignCase(deps, agent, id, 'bob@support.example'));
  await step('respond', async () => {
    sim.clock.advance(60 * 60_000);
    await postMessage(deps, agent, id, { body: 'Refund issued.' });
  });
  await step('pending closure', () =>
    changeStatus(deps, agent, id, { status: 'pending_closure', note: 'Done?', public: true }),
  );
  await step('auto-close (120 h later)', () => sim.advanceTo('2026-12-06T00:00:00.000Z'));
  return { rows, total: sim.scheduler.calls };
}
