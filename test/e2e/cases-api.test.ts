import { describe, expect, it } from 'vitest';
import { consumerCase, type LocalApi, sellerCase, useLocalApi } from './support/local-api.ts';

let api: LocalApi;
let sellerA: string;
let sellerB: string;
let agent: string;
let lead: string;

useLocalApi(async (local) => {
  api = local.api;
  agent = local.agent;
  sellerA = await api.token('seller', 'ops@acme.example', 'acme');
  sellerB = await api.token('seller', 'ops@globex.example', 'globex');
  lead = await api.token('lead', 'lena@support.example');
});

describe('opening cases', () => {
  it('a consumer opens a case without an account and gets a case token', async () => {
    const r = await api.call('POST', '/cases', { body: consumerCase() });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/cases/${r.body.id}`);
    expect(r.headers.get('etag')).toBe('"1"');
    expect(r.body).toMatchObject({
      type: 'consumer',
      status: 'new',
      number: expect.stringMatching(/^CW-[0-9A-Z]{6}$/),
      requester: { email: 'buyer@example.com', sellerId: null },
      severity: { level: 2, source: 'suggested' },
      sla: { firstResponse: { dueAt: '2026-12-01T05:00:00.000Z', metAt: null } },
      caseToken: expect.any(String),
    });
    const own = await api.call('GET', `/cases/${r.body.id}`, { caseToken: r.body.caseToken });
    expect(own.status).toBe(200);
    expect(own.body.caseToken).toBeUndefined();
  });

  it('a seller opens a seller case as themselves', async () => {
    const r = await api.call('POST', '/cases', { token: sellerA, body: sellerCase() });
    expect(r.status).toBe(201);
    expect(r.body.requester).toEqual({ email: 'ops@acme.example', sellerId: 'acme' });
    expect(r.body.caseToken).toBeUndefined();
    expect(r.body.severity.suggested.reasons).toContain('severity: webhooks ("webhook")');
  });

  it('a seller case needs a seller', async () => {
    expect((await api.call('POST', '/cases', { body: sellerCase() })).status).toBe(401);
    expect((await api.call('POST', '/cases', { token: agent, body: sellerCase() })).status).toBe(403);
  });

  it('a forged bearer token or case token is a 401, never anonymous', async () => {
    expect((await api.call('POST', '/cases', { token: 'not.a.jwt', body: consumerCase() })).status).toBe(401);
    const tampered = `${sellerA.slice(0, -4)}AAAA`;
    expect((await api.call('GET', '/cases', { token: tampered })).status).toBe(401);
    expect((await api.call('GET', '/cases/01JD0000000000000000000000', { caseToken: 'forged' })).status).toBe(
      401,
    );
  });
});

describe('validation: every invalid field is named, always a 4xx problem', () => {
  it.each([
    [
      'missing consumer fields (the requester named as a case reads it back)',
      { type: 'consumer', subject: 'x', description: 'y' },
      ['billingDescriptor', 'orderNumber', 'requester.email'],
    ],
    [
      'blank subject and description',
      consumerCase({ subject: ' ', description: '' }),
      ['description', 'subject'],
    ],
    ['bad email', consumerCase({ email: 'nope' }), ['email']],
    ['unknown type', { ...consumerCase(), type: 'partner' }, ['type']],
    ['unknown field (named)', { ...consumerCase(), colour: 'red' }, ['colour']],
    [
      'unknown nested field (by its path)',
      { ...consumerCase(), qualifications: { ongoing: true, mood: 'sad' } },
      ['qualifications.mood'],
    ],
    [
      'bad qualifications',
      { ...consumerCase(), qualifications: { sellersAffected: -1, functionAreas: ['tea'] } },
      ['qualifications.functionAreas.0', 'qualifications.sellersAffected'],
    ],
    ['wrong types', { ...consumerCase(), subject: 42, orderNumber: null }, ['orderNumber', 'subject']],
  ])('%s', async (_name, body, fields) => {
    const r = await api.call('POST', '/cases', { body });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.body).toMatchObject({
      type: expect.any(String),
      title: 'Invalid request',
      status: 400,
      detail: expect.any(String),
    });
    expect((r.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(fields);
  });

  it.each([
    ['malformed JSON', '{"type": "consumer",', 'application/json'],
    ['a JSON string', '"hello"', 'application/json'],
    ['an empty body', '', 'application/json'],
    ['not JSON at all', 'subject=hi', 'application/x-www-form-urlencoded'],
  ])('%s is a 400', async (_name, rawBody, contentType) => {
    const r = await api.call('POST', '/cases', { rawBody, headers: { 'content-type': contentType } });
    expect(r.status).toBe(400);
    expect(r.body.status).toBe(400);
  });

  it('route-level bodies and queries are validated too', async () => {
    const { body: c } = await api.call('POST', '/cases', { body: consumerCase() });
    const checks: [string, string, unknown, string[]][] = [
      ['POST', `/cases/${c.id}/messages`, { body: '' }, ['body']],
      ['POST', `/cases/${c.id}/status`, { status: 'done' }, ['status']],
      ['PUT', `/cases/${c.id}/severity`, { level: 7 }, ['level', 'reason']],
      ['PUT', `/cases/${c.id}/assignee`, { agent: 'bob' }, ['agent']],
      [
        'POST',
        `/cases/${c.id}/attachments`,
        { fileName: '../x', contentType: 'png', size: 0 },
        ['contentType', 'fileName', 'size'],
      ],
    ];
    for (const [method, path, body, fields] of checks) {
      const r = await api.call(method, path, { token: agent, body });
      expect(r.status, `${method} ${path}`).toBe(400);
      expect((r.body.errors as { field: string }[]).map((e) => e.field).sort(), `${method} ${path}`).toEqual(
        fields,
      );
    }
    const q = await api.call('GET', '/cases?limit=0&status=nope&colour=red', { token: agent });
    expect(q.status).toBe(400);
    expect((q.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'colour',
      'limit',
      'status',
    ]);
  });
});

describe('authorization matrix', () => {
  type Caller = 'sellerA' | 'sellerB' | 'consumer' | 'agent' | 'lead' | 'anonymous';
  const callers: Caller[] = ['sellerA', 'sellerB', 'consumer', 'agent', 'lead', 'anonymous'];

  it('on seller A’s case, each route answers each caller as docs/api.md#not-found-rather-than-forbidden says (404 for what they may not see)', async () => {
    const { body: caseA } = await api.call('POST', '/cases', { token: sellerA, body: sellerCase() });
    const { body: other } = await api.call('POST', '/cases', { body: consumerCase() });
    const creds = (who: Caller) => ({
      token: { sellerA, sellerB, agent, lead, consumer: undefined, anonymous: undefined }[who],
      caseToken: who === 'consumer' ? (other.caseToken as string) : undefined,
    });
    const id = caseA.id as string;
    // Expected status per caller; statuses vary per caller so no move repeats the current status.
    const matrix: [string, string, (who: Caller) => unknown, Record<Caller, number>][] = [
      [
        'GET',
        `/cases/${id}`,
        () => undefined,
        { sellerA: 200, sellerB: 404, consumer: 404, agent: 200, lead: 200, anonymous: 401 },
      ],
      [
        'GET',
        `/cases/${id}/events`,
        () => undefined,
        { sellerA: 200, sellerB: 404, consumer: 404, agent: 200, lead: 200, anonymous: 401 },
      ],
      [
        'POST',
        `/cases/${id}/messages`,
        () => ({ body: 'hello' }),
        { sellerA: 201, sellerB: 404, consumer: 404, agent: 201, lead: 201, anonymous: 401 },
      ],
      [
        'POST',
        `/cases/${id}/status`,
        // The requester may act on the status (close), so any other move is the case's 409, not a 403.
        (who) => ({ status: who === 'lead' ? 'pending_internal' : 'working' }),
        { sellerA: 409, sellerB: 404, consumer: 404, agent: 200, lead: 200, anonymous: 401 },
      ],
      [
        'POST',
        `/cases/${id}/escalations`,
        () => ({ reason: 'urgent' }),
        { sellerA: 201, sellerB: 404, consumer: 404, agent: 403, lead: 403, anonymous: 401 },
      ],
      [
        'POST',
        `/cases/${id}/attachments`,
        () => ({ fileName: 'shot.png', contentType: 'image/png', size: 1234 }),
        { sellerA: 201, sellerB: 404, consumer: 404, agent: 201, lead: 201, anonymous: 401 },
      ],
      [
        'PUT',
        `/cases/${id}/severity`,
        (who) => ({ level: who === 'lead' ? 0 : 1, reason: 'triage' }),
        { sellerA: 403, sellerB: 404, consumer: 401, agent: 200, lead: 200, anonymous: 401 },
      ],
      [
        'PUT',
        `/cases/${id}/assignee`,
        () => ({ agent: 'alice@support.example' }),
        { sellerA: 403, sellerB: 404, consumer: 401, agent: 200, lead: 200, anonymous: 401 },
      ],
      [
        'POST',
        `/cases/${id}/workaround`,
        () => ({}),
        { sellerA: 403, sellerB: 404, consumer: 401, agent: 200, lead: 200, anonymous: 401 },
      ],
    ];
    const seen: string[] = [];
    for (const [method, path, body, expected] of matrix) {
      for (const who of callers) {
        const r = await api.call(method, path, { ...creds(who), body: body(who) });
        seen.push(`${who} ${method} ${path.replace(id, '{id}')} → ${r.status}`);
        expect(r.status, `${who} ${method} ${path}`).toBe(expected[who]);
        if (r.status >= 400) expect(r.body.status ?? r.body.message).toBeDefined();
      }
    }
    expect(seen).toHaveLength(matrix.length * callers.length);
  });

  it('the consumer acts on their own case only; the list is for JWT holders', async () => {
    const { body: c } = await api.call('POST', '/cases', { body: consumerCase() });
    const t = c.caseToken as string;
    expect((await api.call('GET', `/cases/${c.id}`, { caseToken: t })).status).toBe(200);
    expect(
      (await api.call('POST', `/cases/${c.id}/messages`, { caseToken: t, body: { body: 'any news?' } }))
        .status,
    ).toBe(201);
    expect(
      (
        await api.call('POST', `/cases/${c.id}/messages`, {
          caseToken: t,
          body: { body: 'x', internal: true },
        })
      ).status,
    ).toBe(403);
    expect(
      (await api.call('POST', `/cases/${c.id}/escalations`, { caseToken: t, body: { reason: 'please' } }))
        .status,
    ).toBe(201);
    expect((await api.call('GET', `/cases/${c.id}`, { token: sellerA })).status).toBe(404);
    expect((await api.call('GET', '/cases', { caseToken: t })).status).toBe(401);
    expect(
      (await api.call('POST', `/cases/${c.id}/status`, { caseToken: t, body: { status: 'closed' } })).status,
    ).toBe(200);
  });

  it('a requester sees only the public timeline', async () => {
    const { body: c } = await api.call('POST', '/cases', { body: consumerCase() });
    await api.call('POST', `/cases/${c.id}/messages`, {
      token: agent,
      body: { body: 'internal note', internal: true },
    });
    await api.call('POST', `/cases/${c.id}/messages`, { token: agent, body: { body: 'We are on it.' } });
    const staffView = await api.call('GET', `/cases/${c.id}/events`, { token: agent });
    const requesterView = await api.call('GET', `/cases/${c.id}/events`, { caseToken: c.caseToken });
    const types = (r: typeof staffView) => (r.body.items as { type: string }[]).map((e) => e.type);
    expect(types(staffView)).toEqual(['case.opened', 'message.posted', 'message.posted', 'sla.met']);
    expect(types(requesterView)).toEqual(['case.opened', 'message.posted']);
    expect(requesterView.body.items[1].body).toBe('We are on it.');
  });

  it('sellers list only their own cases, whatever they filter by', async () => {
    await api.call('POST', '/cases', { token: sellerB, body: sellerCase({ subject: 'B only' }) });
    const mine = await api.call('GET', '/cases?limit=100', { token: sellerB });
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(
      mine.body.items.every((c: { requester: { sellerId: string } }) => c.requester.sellerId === 'globex'),
    ).toBe(true);
    const filtered = await api.call('GET', '/cases?type=consumer', { token: sellerB });
    expect(filtered.body.items).toEqual([]);
    // A filter seller A's cases match too (new seller cases) still answers only seller B's.
    const sellerCases = await api.call('GET', '/cases?type=seller&status=new&limit=100', { token: sellerB });
    expect(sellerCases.body.items.length).toBeGreaterThan(0);
    expect(
      sellerCases.body.items.every(
        (c: { requester: { sellerId: string } }) => c.requester.sellerId === 'globex',
      ),
    ).toBe(true);
  });
});

describe('symmetric shapes: what a client sends looks like what it reads back', () => {
  it('a buyer names the requester as a case reads it back; the flat email stays an alias', async () => {
    const { email: _flat, ...rest } = consumerCase();
    const nested = await api.call('POST', '/cases', {
      body: { ...rest, requester: { email: 'Ann@Buyer.example' } },
    });
    expect(nested.status).toBe(201);
    expect(nested.body.requester).toEqual({ email: 'ann@buyer.example', sellerId: null });
    const neither = await api.call('POST', '/cases', { body: rest });
    expect(neither.status).toBe(400);
    expect(neither.body.errors).toEqual([
      { field: 'requester.email', message: 'the requester’s email is required' },
    ]);
    const disagree = await api.call('POST', '/cases', {
      body: { ...rest, requester: { email: 'a@x.example' }, email: 'b@x.example' },
    });
    expect(disagree.body.errors.map((e: { field: string }) => e.field)).toEqual(['email']);
  });

  it('the assignee is set as `assignee`, the field a case reads back; `agent` stays an alias', async () => {
    const { body: c } = await api.call('POST', '/cases', { body: consumerCase() });
    const set = await api.call('PUT', `/cases/${c.id}/assignee`, {
      token: agent,
      body: { assignee: 'Bob@Support.example' },
    });
    expect(set.body.assignee).toBe('bob@support.example');
    const both = await api.call('PUT', `/cases/${c.id}/assignee`, {
      token: agent,
      body: { assignee: 'bob@support.example', agent: 'eve@support.example' },
    });
    expect(both.status).toBe(400);
  });

  it('every message says how it came: the API, or the portal when it says so', async () => {
    const { body: c } = await api.call('POST', '/cases', {
      body: consumerCase(),
      headers: { 'x-casewatch-channel': 'portal' },
    });
    expect(c.channel).toBe('portal');
    await api.call('POST', `/cases/${c.id}/messages`, { token: agent, body: { body: 'From the API' } });
    await api.call('POST', `/cases/${c.id}/messages`, {
      caseToken: c.caseToken,
      body: { body: 'From the portal' },
      headers: { 'x-casewatch-channel': 'portal' },
    });
    const { body: page } = await api.call('GET', `/cases/${c.id}/events`, { token: agent });
    const messages = page.items.filter((e: { type: string }) => e.type === 'message.posted');
    expect(messages.map((m: { body: string; channel: string }) => [m.body, m.channel])).toEqual([
      ['From the API', 'api'],
      ['From the portal', 'portal'],
    ]);
  });
});

describe('the look-ups web clients need', () => {
  it('GET /cases/{id} also takes the case number, in any letter case, for whoever may see the case', async () => {
    const { body: c } = await api.call('POST', '/cases', { token: sellerA, body: sellerCase() });
    for (const ref of [c.number, c.number.toLowerCase()]) {
      const r = await api.call('GET', `/cases/${ref}`, { token: agent });
      expect(r.status).toBe(200);
      expect(r.body.id).toBe(c.id);
    }
    expect((await api.call('GET', `/cases/${c.number}`, { token: sellerA })).status).toBe(200);
    expect((await api.call('GET', `/cases/${c.number}`, { token: sellerB })).status).toBe(404);
    expect((await api.call('GET', '/cases/CW-000000', { token: agent })).status).toBe(404);
  });

  it('staff filter the list by requester email, seller and consumer cases alike', async () => {
    const requester = 'dana@acme.example';
    const dana = await api.token('seller', requester, 'acme');
    const { body: sellerCaseOfDana } = await api.call('POST', '/cases', { token: dana, body: sellerCase() });
    const { body: consumerCaseOfDana } = await api.call('POST', '/cases', {
      body: consumerCase({ email: 'Dana@Acme.example' }),
    });
    await api.call('POST', '/cases', { body: consumerCase({ email: 'someone-else@example.com' }) });
    const listed = await api.call('GET', `/cases?requester=${encodeURIComponent('DANA@acme.example')}`, {
      token: agent,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((c: { id: string }) => c.id).sort()).toEqual(
      [sellerCaseOfDana.id, consumerCaseOfDana.id].sort(),
    );
    // A seller sees only their company's cases, also when asking for a colleague.
    const mine = await api.call('GET', `/cases?requester=${encodeURIComponent(requester)}`, {
      token: sellerA,
    });
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([sellerCaseOfDana.id]);
  });
});
