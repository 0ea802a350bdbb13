import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../shared/app/actor.ts';
import { changeStatus } from '../../../shared/app/change-status.ts';
import { openCase } from '../../../shared/app/open-case.ts';
import { postMessage } from '../../../shared/app/post-message.ts';
import { requestEscalation } from '../../../shared/app/requester-actions.ts';
import { assignCase, setSeverity } from '../../../shared/app/triage.ts';
import { TimerSim } from '../../support/timer-sim.ts';

const agent: Actor = { kind: 'staff', role: 'agent', email: 'alice@support.example' };

async function setup() {
  const sim = new TimerSim('2026-12-01T17:00:00.000Z');
  const deps = sim.appDeps;
  const { case: c } = await openCase(
    deps,
    { kind: 'anonymous' },
    {
      type: 'consumer',
      subject: 'Refund',
      description: 'Where is my refund?',
      email: 'b@example.com',
      orderNumber: 'FS-1',
      billingDescriptor: 'FS*',
    },
  );
  const requester: Actor = { kind: 'consumer', caseId: c.id };
  return { sim, deps, id: c.id, requester };
}

describe('stored events → notices and metrics', () => {
  it('a severity raise that breaches at once sends the breach notice and counts the breach', async () => {
    const { sim, deps, id } = await setup();
    sim.clock.advance(2 * 3_600_000);
    await setSeverity(deps, agent, id, { level: 0, reason: 'outage' });
    await sim.drain();
    expect(sim.notices.map((n) => n.kind)).toEqual(['sla.at_risk', 'sla.breached']);
    expect(sim.metrics).toEqual([
      { name: 'SlaAtRisk', dimensions: { severity: '0' } },
      { name: 'FirstResponseBreached', dimensions: { severity: '0' } },
    ]);
  });

  it('an escalation tells the leads; a customer reply on a waiting case tells the assignee', async () => {
    const { sim, deps, id, requester } = await setup();
    await assignCase(deps, agent, id, 'bob@support.example');
    await requestEscalation(deps, requester, id, 'Third time asking');
    await changeStatus(deps, agent, id, { status: 'on_hold' });
    await postMessage(deps, requester, id, { body: 'Any news?' });
    await sim.drain();
    expect(sim.notices.map((n) => n.kind)).toEqual(['escalation.requested', 'customer.replied']);
    expect(sim.notices[1]).toMatchObject({
      from: 'on_hold',
      case: { assignee: 'bob@support.example', status: 'open' },
    });
    expect(sim.metrics.map((m) => m.name)).toEqual(['EscalationRequested']);
  });

  it('auto-close is counted', async () => {
    const { sim, deps, id } = await setup();
    await changeStatus(deps, agent, id, { status: 'pending_closure', note: 'Refunded', public: true });
    await sim.advanceTo('2026-12-07T00:00:00.000Z');
    expect(sim.metrics.map((m) => m.name)).toContain('CaseAutoClosed');
  });
});
