import { describe, expect, it } from 'vitest';
import {
  AGENT_EMAIL,
  consumerCase,
  credential,
  dataOf,
  type LocalApi,
  useLocalApi,
} from './support/local-api.ts';

/**
 * docs/service-levels.md scenarios end to end: the local runtime with its manual clock, timers delivered by
 * the local scheduler to the same timer handler Lambda runs. Each scenario uses its own case and sets the
 * clock explicitly, so scenarios do not depend on each other.
 */
let api: LocalApi;
let asAgent: Record<string, string>;

useLocalApi(
  (local) => {
    api = local.api;
    asAgent = credential({ token: local.agent });
  },
  { clock: 'manual', start: new Date('2026-01-05T17:00:00Z') },
);

const setClock = (iso: string) => api.call('POST', '/_local/clock', { body: { set: iso } });
const advance = (duration: string) => api.call('POST', '/_local/clock', { body: { advance: duration } });
const get = async (id: string) =>
  dataOf(await api.client.GET('/cases/{id}', { params: { path: { id } }, headers: asAgent }));
const events = async (id: string) =>
  dataOf(
    await api.client.GET('/cases/{id}/events', {
      params: { path: { id }, query: { limit: 100 } },
      headers: asAgent,
    }),
  ).items;
/** The at-risks and breaches (every `sla.` event but `sla.met`). */
const slaEvents = async (id: string) =>
  (await events(id))
    .filter((e) => e.type === 'sla.at_risk' || e.type === 'sla.breached')
    .map((e) => `${e.type} ${e.deadline} ${e.at}`);
const openCase = async () => dataOf(await api.client.POST('/cases', { body: consumerCase() }));
const setSeverity = (id: string, level: 0 | 1 | 2 | 3, reason: string) =>
  api.client.PUT('/cases/{id}/severity', {
    params: { path: { id } },
    headers: asAgent,
    body: { level, reason },
  });
const message = (id: string, body: string, headers = asAgent) =>
  api.client.POST('/cases/{id}/messages', { params: { path: { id } }, headers, body: { body } });
const move = (
  id: string,
  body: { status: 'on_hold' | 'working' | 'pending_closure'; note?: string; public?: boolean },
) => api.client.POST('/cases/{id}/status', { params: { path: { id } }, headers: asAgent, body });

/** A case opened now at `level`, answered publicly at `answerAt` (which opens the update window). */
async function answeredCase(level: 0 | 1 | 2 | 3, openAt: string, answerAt: string): Promise<string> {
  await setClock(openAt);
  const c = await openCase();
  await setSeverity(c.id, level, 'scenario');
  await setClock(answerAt);
  const answer = await message(c.id, 'Looking into it.');
  expect(answer.response.status).toBe(201);
  return c.id;
}

describe('first response', () => {
  it('warns at 75% and breaches at 100%, once each; an answer in time means neither', async () => {
    await setClock('2026-01-05T17:00:00Z');
    const late = await openCase();
    await setSeverity(late.id, 1, 'x');
    const onTime = await openCase();
    await setSeverity(onTime.id, 1, 'x');

    const risk = await advance('PT3H');
    expect(risk.status).toBe(200);
    expect(risk.body.now).toBe('2026-01-05T20:00:00.000Z');
    expect(
      risk.body.fired
        .filter((f: { caseId: string }) => f.caseId === late.id)
        .map((f: { kind: string }) => f.kind),
    ).toEqual(['first-response-risk']);
    await message(onTime.id, 'On it');
    await advance('PT1H');
    expect((await get(late.id)).sla.firstResponse).toMatchObject({
      dueAt: '2026-01-05T21:00:00.000Z',
      atRiskAt: '2026-01-05T20:00:00.000Z',
      breachedAt: '2026-01-05T21:00:00.000Z',
      metAt: null,
    });
    expect(await slaEvents(late.id)).toEqual([
      'sla.at_risk first-response 2026-01-05T20:00:00.000Z',
      'sla.breached first-response 2026-01-05T21:00:00.000Z',
    ]);
    expect((await get(onTime.id)).sla.firstResponse).toMatchObject({
      breachedAt: null,
      metAt: '2026-01-05T20:00:00.000Z',
    });
    expect((await events(onTime.id)).filter((e) => e.type === 'sla.breached')).toEqual([]);
    expect((await advance('P2D')).body.fired.filter((f: { caseId: string }) => f.caseId === late.id)).toEqual(
      [],
    );
  });
});

describe('next-update cadence per level (time moves forward only, so scenarios run in date order)', () => {
  // [level, due] for an update given on the Friday before a DST change, 16:00 local.
  it.each([
    [
      'spring forward (Sun 8 Mar 2026)',
      '2026-03-06T23:00:00Z',
      '2026-03-07T00:00:00Z',
      [
        [0, '2026-03-07T12:00:00.000Z'],
        [1, '2026-03-09T23:00:00.000Z'],
        [2, '2026-03-13T23:00:00.000Z'],
        [3, '2026-04-03T23:00:00.000Z'],
      ],
    ],
    [
      'fall back (Sun 1 Nov 2026; Veterans Day and Thanksgiving follow)',
      '2026-10-30T22:00:00Z',
      '2026-10-30T23:00:00Z',
      [
        [0, '2026-10-31T11:00:00.000Z'],
        [1, '2026-11-03T00:00:00.000Z'],
        [2, '2026-11-07T00:00:00.000Z'],
        [3, '2026-12-02T00:00:00.000Z'],
      ],
    ],
  ] as const)(
    'across %s, every level keeps 09:00–17:00 local business days',
    async (_name, openAt, answerAt, expected) => {
      for (const [level, due] of expected) {
        const id = await answeredCase(level, openAt, answerAt);
        expect((await get(id)).sla.nextUpdate.dueAt, `level ${level}`).toBe(due);
      }
    },
  );

  it('each level from Friday 20 Nov 16:00 PST, across weekends and Thanksgiving', async () => {
    // [level, breach due, at-risk warning] for an update given Friday 2026-11-20 16:00 PST.
    const expected = [
      [0, '2026-11-21T12:00:00.000Z', '2026-11-21T09:00:00.000Z'],
      [1, '2026-11-24T00:00:00.000Z', '2026-11-23T22:00:00.000Z'],
      [2, '2026-12-01T00:00:00.000Z', '2026-11-27T22:00:00.000Z'],
      [3, '2026-12-22T00:00:00.000Z', '2026-12-15T00:00:00.000Z'],
    ] as const;
    const ids: string[] = [];
    for (const [level] of expected)
      ids.push(await answeredCase(level, '2026-11-20T23:00:00Z', '2026-11-21T00:00:00Z'));
    for (const [i, [, due]] of expected.entries())
      expect((await get(ids[i] as string)).sla.nextUpdate.dueAt).toBe(due);
    await setClock('2026-12-23T00:00:00Z');
    for (const [i, [, due, risk]] of expected.entries()) {
      expect((await slaEvents(ids[i] as string)).filter((e) => e.includes('next-update'))).toEqual([
        `sla.at_risk next-update ${risk}`,
        `sla.breached next-update ${due}`,
      ]);
    }
  });
});

describe('pauses, severity changes and auto-close', () => {
  it('on hold pauses the update clock and resumes with the time left', async () => {
    // Level 1, answered Monday 11 Jan 2027 09:00 PST: due 17:00 PST. On hold 13:00–(Wed)13:00: 4 h left.
    const id = await answeredCase(1, '2027-01-11T16:30:00Z', '2027-01-11T17:00:00Z');
    await setClock('2027-01-11T21:00:00Z');
    await move(id, { status: 'on_hold' });
    expect((await get(id)).sla.nextUpdate).toMatchObject({ dueAt: null, paused: true });
    expect(
      (await setClock('2027-01-13T21:00:00Z')).body.fired.filter((f: { caseId: string }) => f.caseId === id),
    ).toEqual([]);
    await move(id, { status: 'working' });
    expect((await get(id)).sla.nextUpdate).toMatchObject({
      dueAt: '2027-01-14T01:00:00.000Z',
      paused: false,
    });
    await setClock('2027-01-14T01:00:00Z');
    expect(await slaEvents(id)).toEqual([
      'sla.at_risk next-update 2027-01-13T23:00:00.000Z',
      'sla.breached next-update 2027-01-14T01:00:00.000Z',
    ]);
  });

  it('a severity change that puts a deadline in the past breaches at once', async () => {
    await setClock('2027-01-19T17:00:00Z');
    const c = await openCase();
    await setSeverity(c.id, 3, 'x');
    await setClock('2027-01-19T19:00:00Z');
    const raised = await setSeverity(c.id, 0, 'escalated');
    expect(raised.data?.sla.firstResponse).toMatchObject({
      dueAt: '2027-01-19T18:00:00.000Z',
      breachedAt: '2027-01-19T19:00:00.000Z',
    });
    expect(await slaEvents(c.id)).toEqual([
      'sla.at_risk first-response 2027-01-19T19:00:00.000Z',
      'sla.breached first-response 2027-01-19T19:00:00.000Z',
    ]);
  });

  it('pending closure auto-closes after exactly 120 hours', async () => {
    const id = await answeredCase(2, '2027-01-20T17:00:00Z', '2027-01-20T17:30:00Z');
    await move(id, { status: 'pending_closure', note: 'Fixed', public: true });
    expect((await get(id)).sla.autoCloseAt).toBe('2027-01-25T17:30:00.000Z');
    await setClock('2027-01-25T17:29:00Z');
    expect((await get(id)).status).toBe('pending_closure');
    const fired = await advance('PT1M');
    expect(
      fired.body.fired
        .filter((f: { caseId: string }) => f.caseId === id)
        .map((f: { kind: string }) => f.kind),
    ).toEqual(['auto-close']);
    expect((await get(id)).status).toBe('closed');
    // (The survey is recorded right after, dated at the closing.)
    expect((await events(id)).filter((e) => e.type === 'case.closed')).toEqual([
      expect.objectContaining({ auto: true, at: '2027-01-25T17:30:00.000Z' }),
    ]);
  });

  it('a customer message in pending closure cancels the auto-close', async () => {
    await setClock('2027-01-26T17:00:00Z');
    const c = await openCase();
    await move(c.id, { status: 'pending_closure', note: 'Done?', public: true });
    await setClock('2027-01-28T17:00:00Z');
    const reply = await message(c.id, 'Not fixed!', credential({ caseToken: c.caseToken }));
    expect(reply.data?.case).toMatchObject({ status: 'open', sla: { autoCloseAt: null } });
    await setClock('2027-02-05T00:00:00Z');
    expect((await get(c.id)).status).toBe('open');
    expect((await events(c.id)).some((e) => e.type === 'case.closed')).toBe(false);
  });
});

describe('no way around a deadline (time moves on from the scenarios above)', () => {
  it('pending closure and straight back keeps an overdue update overdue, and resumes a running one', async () => {
    const asLead = credential({ token: await api.token('lead', 'leads@support.example') });
    const overdue = async () =>
      dataOf(await api.client.GET('/stats', { headers: asLead })).agents.find((a) => a.agent === AGENT_EMAIL)
        ?.breached;
    // Level 1, assigned and answered Monday 8 Feb 2027 09:00 PST: the next update is due 17:00 PST.
    await setClock('2027-02-08T16:30:00Z');
    const [late, early] = [(await openCase()).id, (await openCase()).id] as [string, string];
    for (const id of [late, early]) {
      await setSeverity(id, 1, 'blocked');
      await api.client.PUT('/cases/{id}/assignee', {
        params: { path: { id } },
        headers: asAgent,
        body: { agent: AGENT_EMAIL },
      });
    }
    await setClock('2027-02-08T17:00:00Z');
    for (const id of [late, early]) expect((await message(id, 'Looking into it.')).response.status).toBe(201);
    // Before its deadline (13:00 PST, 4 of 8 hours used), `early` waits in pending closure until 16:00:
    // the 4 hours left run to Tuesday 12:00 PST (at risk at 10:00).
    await setClock('2027-02-08T21:00:00Z');
    await move(early, { status: 'pending_closure' });
    await setClock('2027-02-09T00:00:00Z');
    await move(early, { status: 'working' });
    expect((await get(early)).sla.nextUpdate).toMatchObject({
      dueAt: '2027-02-09T20:00:00.000Z',
      paused: false,
    });

    await setClock('2027-02-09T02:00:00Z');
    expect(await slaEvents(late)).toContain('sla.breached next-update 2027-02-09T01:00:00.000Z');
    expect(await overdue()).toBe(1);
    await move(late, { status: 'pending_closure' });
    expect(await overdue()).toBe(1);
    await move(late, { status: 'working' });
    expect((await get(late)).sla.nextUpdate).toMatchObject({
      dueAt: '2027-02-09T01:00:00.000Z',
      breachedAt: '2027-02-09T01:00:00.000Z',
    });
    expect(await overdue()).toBe(1);

    await setClock('2027-02-10T02:00:00Z');
    expect(await slaEvents(early)).toEqual([
      'sla.at_risk next-update 2027-02-09T18:00:00.000Z',
      'sla.breached next-update 2027-02-09T20:00:00.000Z',
    ]);
    expect(await overdue()).toBe(2);
  });

  it('a lowered level takes the at-risk warning back, in the case and in the queue', async () => {
    await setClock('2027-02-15T17:00:00Z');
    const c = await openCase();
    await setSeverity(c.id, 1, 'blocked');
    await setClock('2027-02-15T20:30:00Z');
    expect((await get(c.id)).sla.firstResponse.atRiskAt).toBe('2027-02-15T20:00:00.000Z');
    const lowered = await setSeverity(c.id, 3, 'a workaround exists');
    expect(lowered.data?.sla.firstResponse).toMatchObject({
      dueAt: '2027-02-16T17:00:00.000Z',
      atRiskAt: null,
    });
    const queue = dataOf(
      await api.client.GET('/cases', { params: { query: { limit: 100 } }, headers: asAgent }),
    );
    expect(queue.items.find((x) => x.id === c.id)?.sla.firstResponse.atRiskAt).toBeNull();
    await setClock('2027-02-16T12:00:00Z');
    expect(await slaEvents(c.id)).toEqual([
      'sla.at_risk first-response 2027-02-15T20:00:00.000Z',
      'sla.at_risk first-response 2027-02-16T11:00:00.000Z',
    ]);
  });
});
