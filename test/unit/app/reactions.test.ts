import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../shared/app/actor.ts';
import { changeStatus } from '../../../shared/app/change-status.ts';
import { openCase } from '../../../shared/app/open-case.ts';
import { postMessage } from '../../../shared/app/post-message.ts';
import { requestEscalation } from '../../../shared/app/requester-actions.ts';
import { assignCase, setSeverity } from '../../../shared/app/triage.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { TimerSim } from '../../support/timer-sim.ts';

async function setup() {
  const sim = new TimerSim('2026-12-01T17:00:00.000Z');
  const deps = sim.appDeps;
  const c = await openConsumerCase(deps);
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
      { name: 'CaseOpened', dimensions: { severity: '2', type: 'consumer', channel: 'api' } },
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
    expect(sim.metrics.map((m) => m.name)).toEqual(['CaseOpened', 'EscalationRequested']);
  });

  it('auto-close is counted', async () => {
    const { sim, deps, id } = await setup();
    await changeStatus(deps, agent, id, { status: 'pending_closure', note: 'Refunded', public: true });
    await sim.advanceTo('2026-12-07T00:00:00.000Z');
    expect(sim.metrics.map((m) => m.name)).toContain('CaseAutoClosed');
  });
});

describe('stored events → customer mail (docs/mail.md#customer-mail)', () => {
  it('acknowledges a new case with its first-response due instant; nothing for a case opened quietly', async () => {
    const { sim } = await setup();
    await sim.drain();
    expect(sim.customerMail).toHaveLength(1);
    expect(sim.customerMail[0]).toMatchObject({
      kind: 'acknowledgment',
      missing: [],
      relatedCaseNumber: null,
      // Opened 17:00Z on Tuesday 1 Dec (09:00 Pacific); level 2 owes its first response 12 hours on.
      firstResponseDueAt: expect.stringMatching(/^2026-12-0[23]T/),
    });
    expect(sim.customerMail[0]).toMatchObject({ firstResponseDueAt: '2026-12-02T05:00:00.000Z' });
    const quiet = await openConsumerCase(
      sim.appDeps,
      { subject: 'Again', description: 'Mail loop?', orderNumber: 'FS-2' },
      { acknowledge: false },
    );
    await sim.drain();
    expect(sim.customerMail.filter((m) => m.case.id === quiet.id)).toEqual([]);
  });

  it('public agent messages reach the requester; internal notes and the requester’s own messages do not', async () => {
    const { sim, deps, id, requester } = await setup();
    await postMessage(deps, agent, id, { body: 'Refund issued <b>today</b>' });
    await postMessage(deps, agent, id, { body: 'internal only', internal: true });
    await postMessage(deps, requester, id, { body: 'Thanks' });
    await sim.drain();
    const messages = sim.customerMail.filter((m) => m.kind === 'agent.message');
    expect(messages).toEqual([
      expect.objectContaining({ body: 'Refund issued <b>today</b>', author: 'alice@support.example' }),
    ]);
  });

  it('pending closure tells the auto-close instant; closing sends the closure and exactly one survey', async () => {
    const { sim, deps, id } = await setup();
    await changeStatus(deps, agent, id, { status: 'pending_closure', note: 'Refunded', public: true });
    await sim.drain();
    expect(sim.customerMail.find((m) => m.kind === 'pending-closure')).toMatchObject({
      autoCloseAt: '2026-12-06T17:00:00.000Z',
      note: 'Refunded',
    });
    await sim.advanceTo('2026-12-07T00:00:00.000Z');
    await sim.drain();
    const kinds = sim.customerMail.map((m) => m.kind);
    expect(kinds).toEqual(['acknowledgment', 'pending-closure', 'closure', 'survey']);
    const c = sim.store.cases.get(id);
    expect(c?.survey).toEqual({
      sentAt: '2026-12-06T17:00:00.000Z',
      submittedAt: null,
      ratings: null,
      comment: null,
    });
    expect(sim.customerMail.at(-1)).toMatchObject({ kind: 'survey', surveyToken: `survey-${id}` });
    const events = sim.store.events.get(id) ?? [];
    expect(events.filter((e) => e.type === 'survey.sent')).toHaveLength(1);
    // Replaying every stream record again records no second survey and sends nothing new (the
    // notifier sees the same events; the survey is recorded once).
    await sim.replay();
    expect((sim.store.events.get(id) ?? []).filter((e) => e.type === 'survey.sent')).toHaveLength(1);
    expect(sim.store.cases.get(id)?.survey).toEqual(c?.survey);
    const surveys = sim.customerMail.filter((m) => m.kind === 'survey');
    expect(surveys.length).toBeGreaterThan(1);
    expect(new Set(surveys.map((m) => m.eventId)).size).toBe(1);
  });

  it('a met first response counts FirstResponseMet and the minutes it took', async () => {
    const { sim, deps, id } = await setup();
    sim.clock.advance(90 * 60_000);
    await postMessage(deps, agent, id, { body: 'Looking into it' });
    await sim.drain();
    expect(sim.metrics).toContainEqual({ name: 'FirstResponseMet', dimensions: { severity: '2' } });
    expect(sim.metrics).toContainEqual({
      name: 'TimeToFirstResponse',
      dimensions: { severity: '2' },
      value: 90,
      unit: 'Minutes',
    });
  });
});

describe('first-response compliance counts each case once', () => {
  it('a first response after the breach counts its time but not as met', async () => {
    const { sim, deps, id } = await setup();
    await setSeverity(deps, agent, id, { level: 0, reason: 'outage' });
    sim.clock.advance(3 * 3_600_000);
    await postMessage(deps, agent, id, { body: 'Sorry for the wait' });
    await sim.drain();
    const names = sim.metrics.map((m) => m.name);
    expect(names).toContain('FirstResponseBreached');
    expect(names).not.toContain('FirstResponseMet');
    expect(sim.metrics).toContainEqual({
      name: 'TimeToFirstResponse',
      dimensions: { severity: '0' },
      value: 180,
      unit: 'Minutes',
    });
  });
});

describe('public status notes reach the requester', () => {
  it('a public note on a move is mailed like a message; an internal note is not', async () => {
    const { sim, deps, id } = await setup();
    await changeStatus(deps, agent, id, { status: 'working', note: 'Reproduced; fix coming', public: true });
    await changeStatus(deps, agent, id, { status: 'pending_internal', note: 'asked billing', public: false });
    await sim.drain();
    expect(sim.customerMail.filter((m) => m.kind === 'agent.message')).toEqual([
      expect.objectContaining({ body: 'Reproduced; fix coming', author: 'alice@support.example' }),
    ]);
  });
});

describe('metrics count an event at the level it happened at', () => {
  it('a breach followed by a severity change before the stream runs still counts at the breached level', async () => {
    const { sim, deps, id } = await setup();
    await setSeverity(deps, agent, id, { level: 0, reason: 'outage' });
    sim.clock.advance(2 * 3_600_000);
    await postMessage(deps, agent, id, { body: 'late answer' }); // settles the level-0 breach first
    await setSeverity(deps, agent, id, { level: 3, reason: 'not that bad' });
    await sim.drain();
    expect(sim.metrics).toContainEqual({ name: 'FirstResponseBreached', dimensions: { severity: '0' } });
    expect(sim.metrics.filter((m) => m.name === 'FirstResponseBreached')).toHaveLength(1);
  });
});

describe('stored events → what customer mail may say (docs/mail.md#who-gets-what)', () => {
  it('repeats the requester’s words only to an address that wrote to us, or a seller’s', async () => {
    const { sim, deps, id } = await setup();
    await postMessage(deps, agent, id, { body: 'Looking into it' });
    await sim.correspondents.noteWrote('WROTE@example.com', '2026-12-01T16:00:00.000Z');
    const known = await openConsumerCase(deps, { email: 'wrote@example.com', orderNumber: 'FS-3' });
    await openCase(
      deps,
      { kind: 'seller', email: 'ops@acme.example', sellerId: 'acme' },
      {
        type: 'seller',
        subject: 'Webhooks down',
        description: 'none since 10:00',
      },
    );
    await sim.drain();
    expect(
      sim.customerMail.map((m) => [
        m.case.id === id || m.case.id === known.id ? m.case.id : 'seller',
        m.kind,
        m.requesterText,
      ]),
    ).toEqual([
      [id, 'acknowledgment', false],
      [id, 'agent.message', false],
      [known.id, 'acknowledgment', true],
      ['seller', 'acknowledgment', true],
    ]);
  });
});
