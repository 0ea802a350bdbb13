import { describe, expect, it } from 'vitest';
import {
  consumerCase,
  credential,
  dataOf,
  type LocalApi,
  problemOf,
  sellerCase,
  useLocalApi,
} from './support/local-api.ts';

let api: LocalApi;
let asAgent: Record<string, string>;
let asLead: Record<string, string>;
let asSeller: Record<string, string>;

const ratings = { overall: 4, timeliness: 3, friendliness: 5 };

// Monday 30 Nov 2026, 09:00 Pacific. A webhook case suggests level 2: its first response is due in 12 hours.
useLocalApi(
  async (local) => {
    api = local.api;
    asAgent = credential({ token: local.agent });
    asLead = credential({ token: await api.token('lead', 'lena@support.example') });
    // Colleagues cases are assigned to: on the team, as the user pool's agents group is in AWS.
    for (const colleague of ['carol@support.example', 'dave@support.example'])
      await api.token('agent', colleague);
    asSeller = credential({ token: await api.token('seller', 'dana@acme.example', 'acme') });
  },
  { start: new Date('2026-11-30T17:00:00Z') },
);

const stats = async () => dataOf(await api.client.GET('/stats', { headers: asLead }));
const readCase = async (id: string, headers = asAgent) =>
  dataOf(await api.client.GET('/cases/{id}', { params: { path: { id } }, headers }));
const openSellerCase = async () =>
  dataOf(await api.client.POST('/cases', { headers: asSeller, body: sellerCase() }));
const message = (id: string, headers: Record<string, string>, body = 'Looking into it') =>
  api.client.POST('/cases/{id}/messages', { params: { path: { id } }, headers, body: { body } });
const close = (id: string, headers: Record<string, string>) =>
  api.client.POST('/cases/{id}/status', { params: { path: { id } }, headers, body: { status: 'closed' } });
const answer = (id: string, headers: Record<string, string>, comment?: string) =>
  api.client.POST('/cases/{id}/survey', {
    params: { path: { id } },
    headers,
    body: { ratings, ...(comment === undefined ? {} : { comment }) },
  });

describe('GET /stats', () => {
  it('is for leads: agents and sellers get a 403 problem, nobody signed in API Gateway’s 401', async () => {
    for (const headers of [asAgent, asSeller]) {
      const { response, error } = await api.client.GET('/stats', { headers });
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(problemOf(error)).toMatchObject({ status: 403, detail: 'only leads read the figures' });
    }
    const { response, error } = await api.client.GET('/stats');
    expect(response.status).toBe(401);
    expect(error).toEqual({ message: 'Unauthorized' });
  });

  it('moves as cases open, are assigned, breach and are answered — the compliance the dashboard tallies', async () => {
    const before = await stats();
    expect(before.dashboardUrl).toBeNull();
    expect(before.asOf).toBe((await api.call('GET', '/_local/clock')).body.now);
    const c = await openSellerCase();
    const level = c.severity.level;
    const backlog = (f: typeof before, status: string) =>
      f.backlog.find((row) => row.status === status && row.level === level)?.count ?? 0;
    let f = await stats();
    expect(backlog(f, 'new')).toBe(backlog(before, 'new') + 1);

    await api.client.PUT('/cases/{id}/assignee', {
      params: { path: { id: c.id } },
      headers: asAgent,
      body: { assignee: 'carol@support.example' },
    });
    f = await stats();
    expect(backlog(f, 'open')).toBe(backlog(before, 'open') + 1);
    expect(f.agents).toContainEqual({ agent: 'carol@support.example', open: 1, breached: 0 });

    // Nobody answers within 12 hours: the breach is recorded when its timer fires, and Carol is overdue.
    await api.advance('PT13H');
    f = await stats();
    expect(f.agents).toContainEqual({ agent: 'carol@support.example', open: 1, breached: 1 });
    const window = f.firstResponse.last24h.levels[level];
    expect(window).toMatchObject({ level, breached: 1 });
    expect(f.firstResponse.last24h.since).toBe('2026-11-30T07:00:00.000Z');

    // A late answer is given: nothing is overdue, and it still counts once, as the breach.
    await message(c.id, asAgent);
    f = await stats();
    expect(f.agents).toContainEqual({ agent: 'carol@support.example', open: 1, breached: 0 });
    expect(f.firstResponse.last24h.levels[level]).toEqual(window);
    // The same counts the dashboard's compliance widget sums from the published metrics.
    const tallied = (await api.call('GET', '/_local/metrics')).body.firstResponse[String(level)];
    expect({ met: tallied?.met ?? 0, breached: tallied?.breached ?? 0 }).toEqual({
      met: f.firstResponse.last7d.levels[level]?.met,
      breached: f.firstResponse.last7d.levels[level]?.breached,
    });
  });

  it('counts next updates per level: one given in time is met, one given late counts once, as its breach', async () => {
    const nextUpdates = (f: Awaited<ReturnType<typeof stats>>) => ({
      day: f.nextUpdate.last24h.levels[1],
      week: f.nextUpdate.last7d.levels[1],
    });
    const before = nextUpdates(await stats());
    const prompt = await openSellerCase();
    const late = await openSellerCase();
    for (const c of [prompt, late]) {
      const raised = await api.client.PUT('/cases/{id}/severity', {
        params: { path: { id: c.id } },
        headers: asAgent,
        body: { level: 1, reason: 'orders are stuck' },
      });
      expect(raised.response.status).toBe(200);
      // The first response: a level 1 case owes its next update 8 business hours later.
      expect((await message(c.id, asAgent)).response.status).toBe(201);
    }
    const due = (await readCase(late.id)).sla.nextUpdate.dueAt as string;
    expect((await readCase(prompt.id)).sla.nextUpdate.dueAt).toBe(due);

    // An hour before it is due (business hours): in time, and the next is due 8 business hours on.
    const now = Date.parse((await api.call('GET', '/_local/clock')).body.now);
    await api.advance(`PT${Math.round((Date.parse(due) - now) / 60_000) - 60}M`);
    expect((await message(prompt.id, asAgent, 'Still on it')).response.status).toBe(201);
    // Half an hour past it: the other case's breach is recorded when its timer fires.
    await api.advance('PT90M');
    expect((await readCase(late.id)).sla.nextUpdate.breachedAt).toBe(due);
    expect((await readCase(prompt.id)).sla.nextUpdate.breachedAt).toBeNull();
    expect((await message(late.id, asAgent, 'Sorry for the wait')).response.status).toBe(201);

    const f = await stats();
    const after = nextUpdates(f);
    for (const window of ['day', 'week'] as const) {
      expect(after[window]?.met).toBe((before[window]?.met ?? 0) + 1);
      expect(after[window]?.breached).toBe((before[window]?.breached ?? 0) + 1);
    }
    expect(f.nextUpdate.last24h.since).toBe(f.firstResponse.last24h.since);
    expect(f.nextUpdate.last7d.levels.map((l) => l.level)).toEqual([0, 1, 2, 3]);
  });

  it('lists an escalation while it waits, on the case and in the figures, until a lead acts', async () => {
    const c = await openSellerCase();
    const escalate = (reason: string) =>
      api.client.POST('/cases/{id}/escalations', {
        params: { path: { id: c.id } },
        headers: asSeller,
        body: { reason },
      });
    await escalate('Black Friday orders are at stake');
    const asked = (await api.call('GET', '/_local/clock')).body.now;
    await api.advance('PT5M');
    await escalate('Still no webhooks');
    const waiting = { requestedAt: asked, reason: 'Still no webhooks' };
    expect((await readCase(c.id, asSeller)).escalation).toEqual(waiting);
    expect((await stats()).escalations).toContainEqual({
      caseId: c.id,
      number: c.number,
      subject: c.subject,
      level: c.severity.level,
      assignee: null,
      ...waiting,
    });

    // An agent's answer does not settle it; a lead's does.
    await message(c.id, asAgent);
    expect((await stats()).escalations.map((e) => e.caseId)).toContain(c.id);
    expect((await message(c.id, asLead, 'A lead here: we are on it.')).response.status).toBe(201);
    expect((await readCase(c.id)).escalation).toBeNull();
    expect((await stats()).escalations.map((e) => e.caseId)).not.toContain(c.id);
  });
});

describe('POST /cases/{id}/survey', () => {
  it('lets the requester answer in the portal once the survey is sent, and the answer shows in the figures', async () => {
    const c = await openSellerCase();
    await api.client.PUT('/cases/{id}/assignee', {
      params: { path: { id: c.id } },
      headers: asAgent,
      body: { assignee: 'dave@support.example' },
    });
    // Not sent yet: the case is open.
    let refused = await answer(c.id, asSeller);
    expect(refused.response.status).toBe(409);
    expect(problemOf(refused.error).detail).toBe('no survey was sent for this case');
    expect((await readCase(c.id, asSeller)).survey).toBeNull();

    expect((await close(c.id, asSeller)).response.status).toBe(200);
    await api.advance('PT1M'); // the survey goes out after the closing
    const sent = (await readCase(c.id, asSeller)).survey;
    // Sent and waiting: the portal can tell from the case alone.
    expect(sent).toMatchObject({ submittedAt: null, ratings: null, comment: null });
    expect(sent?.sentAt).toEqual(expect.any(String));

    const before = (await stats()).surveys.count;
    refused = await answer(c.id, asAgent);
    expect(refused.response.status).toBe(403);
    const answered = await answer(c.id, asSeller, 'Fixed, but slowly.');
    expect(answered.response.status).toBe(201);
    expect(answered.data).toEqual({ submitted: true, caseNumber: c.number });
    expect((await readCase(c.id, asSeller)).survey).toMatchObject({ ratings, comment: 'Fixed, but slowly.' });

    const f = await stats();
    expect(f.surveys.count).toBe(before + 1);
    expect(f.surveys.recent[0]).toMatchObject({
      caseId: c.id,
      number: c.number,
      ratings,
      comment: 'Fixed, but slowly.',
      assignee: 'dave@support.example',
    });
    expect(f.surveys.average).not.toBeNull();

    refused = await answer(c.id, asSeller);
    expect(refused.response.status).toBe(409);
    expect(problemOf(refused.error).detail).toBe('this survey was already answered');
  });

  it('takes the buyer’s case token; another requester sees no such case; a bad answer is a 400 naming the field', async () => {
    const opened = dataOf(await api.client.POST('/cases', { body: consumerCase() }));
    const asBuyer = credential({ caseToken: opened.caseToken as string });
    expect((await close(opened.id, asBuyer)).response.status).toBe(200);
    await api.advance('PT1M');
    expect((await answer(opened.id, asSeller)).response.status).toBe(404);
    const bad = await api.call('POST', `/cases/${opened.id}/survey`, {
      caseToken: opened.caseToken as string,
      body: { ratings: { ...ratings, overall: 6 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'ratings.overall', message: 'must be 1 to 5' }]);
    expect((await answer(opened.id, asBuyer)).response.status).toBe(201);
    const events = dataOf(
      await api.client.GET('/cases/{id}/events', { params: { path: { id: opened.id } }, headers: asBuyer }),
    );
    expect(events.items.at(-1)).toMatchObject({ type: 'survey.submitted', actor: { role: 'consumer' } });
  });
});
