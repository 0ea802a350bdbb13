import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerCase, credential, dataOf, LocalApi, useLocalApi } from './support/local-api.ts';

/**
 * Timers on the local runtime (docs/timers.md#locally-the-local-scheduler): stream → reconciliation →
 * local scheduler → timer handler, on the manual clock.
 */
let api: LocalApi;
let asAgent: Record<string, string>;

useLocalApi((local) => {
  api = local.api;
  asAgent = credential({ token: local.agent });
});

const getCase = async (id: string) =>
  dataOf(await api.client.GET('/cases/{id}', { params: { path: { id } }, headers: asAgent }));
const eventsOf = async (id: string) =>
  dataOf(
    await api.client.GET('/cases/{id}/events', {
      params: { path: { id }, query: { limit: 100 } },
      headers: asAgent,
    }),
  ).items;
const openCase = async (subject: string, on = api) =>
  dataOf(await on.client.POST('/cases', { body: consumerCase({ subject }) }));

describe('SLA timers through the local scheduler', () => {
  it('a level-0 case goes at risk after 45 minutes and breaches after an hour, once, with a notice', async () => {
    const c = await openCase('Level zero');
    const triaged = await api.client.PUT('/cases/{id}/severity', {
      params: { path: { id: c.id } },
      headers: asAgent,
      body: { level: 0, reason: 'every store is down' },
    });
    expect(triaged.response.status).toBe(200);
    expect(triaged.data?.sla.firstResponse.dueAt).toBe('2026-11-30T18:00:00.000Z');

    const timers = await api.call('GET', '/_local/timers');
    expect(timers.status).toBe(200);
    expect(
      timers.body.pending
        .filter((t: { caseId: string }) => t.caseId === c.id)
        .map((t: { kind: string; dueAt: string }) => [t.kind, t.dueAt]),
    ).toEqual([
      ['first-response-risk', '2026-11-30T17:45:00.000Z'],
      ['first-response', '2026-11-30T18:00:00.000Z'],
    ]);

    const risk = await api.advance('PT46M');
    expect(risk.now).toBe('2026-11-30T17:46:00.000Z');
    expect(risk.fired).toEqual([
      {
        caseId: c.id,
        kind: 'first-response-risk',
        dueAt: '2026-11-30T17:45:00.000Z',
        outcome: 'acted',
        attempt: 1,
        firedAt: '2026-11-30T17:45:00.000Z',
      },
    ]);
    expect((await getCase(c.id)).sla.firstResponse).toMatchObject({
      atRiskAt: '2026-11-30T17:45:00.000Z',
      breachedAt: null,
    });

    const breach = await api.advance('PT15M');
    expect(breach.fired).toEqual([
      expect.objectContaining({ caseId: c.id, kind: 'first-response', outcome: 'acted' }),
    ]);
    expect((await getCase(c.id)).sla.firstResponse.breachedAt).toBe('2026-11-30T18:00:00.000Z');
    const events = await eventsOf(c.id);
    expect(events.filter((e) => e.type === 'sla.breached')).toEqual([
      expect.objectContaining({ deadline: 'first-response', dueAt: '2026-11-30T18:00:00.000Z' }),
    ]);
    expect(events.filter((e) => e.type === 'sla.at_risk')).toHaveLength(1);

    // Notices come from the stream reaction, which the clock route waits for.
    // (The requester's acknowledgment aside: these are the support team's notices.)
    const mail = (await api.inbox()).filter(
      (m) => m.subject.startsWith(`[${c.number}]`) && !m.subject.includes('We received your case'),
    );
    expect(mail.map((m) => m.subject)).toEqual([
      expect.stringMatching(new RegExp(`^\\[${c.number}\\] At risk: first response`)),
      `[${c.number}] Breached: first response was due 10:00 AM Pacific Time on Monday, November 30`,
    ]);
    expect(mail[1]?.destination.to).toEqual(['leads@support.example']);

    expect((await api.advance('PT6H')).fired).toEqual([]);
    const after = await api.call('GET', '/_local/timers');
    expect(after.body.pending.filter((t: { caseId: string }) => t.caseId === c.id)).toEqual([]);
    expect(after.body.deadLetters).toEqual([]);
  });

  it('a first response cancels the first-response timers: nothing fires for the case', async () => {
    const c = await openCase('Answered');
    const reply = await api.client.POST('/cases/{id}/messages', {
      params: { path: { id: c.id } },
      headers: asAgent,
      body: { body: 'Looking into it.' },
    });
    expect(reply.response.status).toBe(201);
    const { fired } = await api.advance('PT30H');
    expect(fired.filter((f) => f.caseId === c.id && f.kind.startsWith('first-response'))).toEqual([]);
    expect((await getCase(c.id)).sla.firstResponse).toMatchObject({ atRiskAt: null, breachedAt: null });
  });

  it('pending closure auto-closes after exactly 120 hours', async () => {
    const c = await openCase('Fixed?');
    const answer = await api.client.POST('/cases/{id}/status', {
      params: { path: { id: c.id } },
      headers: asAgent,
      body: { status: 'pending_closure', note: 'The refund went out.', public: true },
    });
    expect(answer.response.status).toBe(200);
    const moved = dataOf(answer);
    const enteredAt = Date.parse(moved.updatedAt);
    expect(moved.sla.autoCloseAt).toBe(new Date(enteredAt + 120 * 3_600_000).toISOString());

    const early = await api.advance('PT119H59M');
    expect(early.fired.filter((f) => f.caseId === c.id)).toEqual([]);
    expect((await getCase(c.id)).status).toBe('pending_closure');

    const due = await api.advance('PT1M');
    expect(due.fired).toEqual([
      expect.objectContaining({ caseId: c.id, kind: 'auto-close', outcome: 'acted' }),
    ]);
    const closed = await getCase(c.id);
    expect(closed.status).toBe('closed');
    expect(closed.updatedAt).toBe(moved.sla.autoCloseAt);
    const closing = (await eventsOf(c.id)).filter((e) => e.type === 'case.closed');
    expect(closing).toEqual([expect.objectContaining({ auto: true, at: moved.sla.autoCloseAt })]);
  });

  it('the clock only moves by hand, and refuses what it cannot parse', async () => {
    const before = (await api.call('GET', '/_local/clock')).body.now;
    // Real time passes (a system clock would show 100 ms more); the manual clock does not.
    await new Promise((r) => setTimeout(r, 100));
    expect((await api.call('GET', '/_local/clock')).body.now).toBe(before);
    expect((await api.call('POST', '/_local/clock', { body: { advance: 'P1M' } })).status).toBe(400);
    const back = await api.call('POST', '/_local/clock', { body: { set: '2026-11-30T17:00:00Z' } });
    expect(back.body).toEqual({ now: '2026-11-30T17:00:00.000Z', fired: [] });
  });
});

describe('restart with a data dir', () => {
  let dataDir: string;
  let first: LocalApi | undefined;
  let second: LocalApi | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'casewatch-timers-'));
  });

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every timer (set before the stop, or still in the stream when it stopped) and the manual clock', async () => {
    const start = new Date('2026-12-01T09:00:00Z');
    first = await LocalApi.start({ dataDir, start });
    const asLead = credential({ token: await first.token('lead', 'lena@support.example') });
    const triage = (on: LocalApi, id: string) =>
      on.client.PUT('/cases/{id}/severity', {
        params: { path: { id } },
        headers: asLead,
        body: { level: 0, reason: 'x' },
      });
    const reconciled = await openCase('A', first);
    await triage(first, reconciled.id);
    const pending = (await first.call('GET', '/_local/timers')).body.pending;
    expect(pending.map((t: { caseId: string }) => t.caseId)).toContain(reconciled.id);
    // Written just before the stop: maybe not yet read from the stream.
    const unread = await openCase('B', first);
    await triage(first, unread.id);
    await first.advance('PT10M');
    await first.stop();
    first = undefined;

    second = await LocalApi.start({ dataDir, start });
    // Resumed where it stopped, not at the start instant nor the wall clock.
    expect((await second.call('GET', '/_local/clock')).body.now).toBe('2026-12-01T09:10:00.000Z');
    const token = await second.token('lead', 'lena@support.example');
    const read = await second.client.GET('/cases/{id}', {
      params: { path: { id: unread.id } },
      headers: credential({ token }),
    });
    expect(read.response.status).toBe(200);
    const { fired } = await second.advance('PT1H');
    const summary = fired.map((f) => [f.caseId, f.kind, f.outcome]);
    expect(summary).toEqual(
      expect.arrayContaining([
        [reconciled.id, 'first-response-risk', 'acted'],
        [reconciled.id, 'first-response', 'acted'],
        [unread.id, 'first-response-risk', 'acted'],
        [unread.id, 'first-response', 'acted'],
      ]),
    );
    expect(fired).toHaveLength(4);
  }, 120_000);
});
