import { describe, expect, it } from 'vitest';
import {
  consumerCase,
  credential,
  dataOf,
  type GatewayMessage,
  type LocalApi,
  type Problem,
  problemOf,
  sellerCase,
  useLocalApi,
} from './support/local-api.ts';

let api: LocalApi;
let sellerA: string;
let sellerB: string;
let agent: string;
let lead: string;
let asAgent: Record<string, string>;
let asSellerA: Record<string, string>;
let asSellerB: Record<string, string>;

useLocalApi(async (local) => {
  api = local.api;
  agent = local.agent;
  sellerA = await api.token('seller', 'ops@acme.example', 'acme');
  sellerB = await api.token('seller', 'ops@globex.example', 'globex');
  lead = await api.token('lead', 'lena@support.example');
  // Colleagues cases are assigned to: on the team, as the user pool's agents group is in AWS.
  for (const colleague of ['bob@support.example', 'dana.smith@support.example'])
    await api.token('agent', colleague);
  asAgent = credential({ token: agent });
  asSellerA = credential({ token: sellerA });
  asSellerB = credential({ token: sellerB });
});

const openConsumerCase = async () => dataOf(await api.client.POST('/cases', { body: consumerCase() }));

describe('opening cases', () => {
  it('a consumer opens a case without an account and gets a case token', async () => {
    const opened = await api.client.POST('/cases', { body: consumerCase() });
    expect(opened.response.status).toBe(201);
    expect(opened.response.headers.get('location')).toBe(`/cases/${opened.data?.id}`);
    expect(opened.response.headers.get('etag')).toBe('"1"');
    expect(opened.data).toMatchObject({
      type: 'consumer',
      status: 'new',
      number: expect.stringMatching(/^CW-[0-9A-Z]{6}$/),
      requester: { email: 'buyer@example.com', sellerId: null },
      severity: { level: 2, source: 'suggested' },
      sla: { firstResponse: { dueAt: '2026-12-01T05:00:00.000Z', metAt: null } },
      caseToken: expect.any(String),
    });
    const created = dataOf(opened);
    const own = await api.client.GET('/cases/{id}', {
      params: { path: { id: created.id } },
      headers: credential({ caseToken: created.caseToken }),
    });
    expect(own.response.status).toBe(200);
    // A case read back (`Case`) has no `caseToken`: only the answer to its opening does.
    expect(own.data).not.toHaveProperty('caseToken');
  });

  it('a seller opens a seller case as themselves', async () => {
    const { data, response } = await api.client.POST('/cases', { headers: asSellerA, body: sellerCase() });
    expect(response.status).toBe(201);
    expect(data?.requester).toEqual({ email: 'ops@acme.example', sellerId: 'acme' });
    expect(data?.caseToken).toBeUndefined();
    expect(data?.severity.suggested.reasons).toContain('severity: webhooks ("webhook not firing")');
  });

  it('a seller case needs a seller', async () => {
    expect((await api.client.POST('/cases', { body: sellerCase() })).response.status).toBe(401);
    expect((await api.client.POST('/cases', { headers: asAgent, body: sellerCase() })).response.status).toBe(
      403,
    );
  });

  it('a forged bearer token or case token is a 401, never anonymous', async () => {
    const forged = await api.client.POST('/cases', {
      headers: credential({ token: 'not.a.jwt' }),
      body: consumerCase(),
    });
    expect(forged.response.status).toBe(401);
    const tampered = `${sellerA.slice(0, -4)}AAAA`;
    expect(
      (await api.client.GET('/cases', { headers: credential({ token: tampered }) })).response.status,
    ).toBe(401);
    const forgedCaseToken = await api.client.GET('/cases/{id}', {
      params: { path: { id: '01JD0000000000000000000000' } },
      headers: credential({ caseToken: 'forged' }),
    });
    expect(forgedCaseToken.response.status).toBe(401);
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
    // Raw: the bodies are invalid on purpose, and several are not even the document's types.
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
    // Raw: a body that is not a JSON object, or no JSON at all.
    const r = await api.call('POST', '/cases', { rawBody, headers: { 'content-type': contentType } });
    expect(r.status).toBe(400);
    expect(r.body.status).toBe(400);
  });

  it('route-level bodies and queries are validated too', async () => {
    const c = await openConsumerCase();
    // Raw: each body and the query are invalid on purpose.
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
    const caseA = dataOf(await api.client.POST('/cases', { headers: asSellerA, body: sellerCase() }));
    const other = await openConsumerCase();
    const as = (who: Caller) =>
      credential({
        token: { sellerA, sellerB, agent, lead, consumer: undefined, anonymous: undefined }[who],
        caseToken: who === 'consumer' ? other.caseToken : undefined,
      });
    const id = caseA.id;
    const path = { path: { id } };
    // Expected status per caller; statuses vary per caller so no move repeats the current status.
    const matrix: [
      string,
      (who: Caller) => Promise<{ response: Response; error?: Problem | GatewayMessage }>,
      Record<Caller, number>,
    ][] = [
      [
        'GET /cases/{id}',
        (who) => api.client.GET('/cases/{id}', { params: path, headers: as(who) }),
        { sellerA: 200, sellerB: 404, consumer: 404, agent: 200, lead: 200, anonymous: 401 },
      ],
      [
        'GET /cases/{id}/events',
        (who) => api.client.GET('/cases/{id}/events', { params: path, headers: as(who) }),
        { sellerA: 200, sellerB: 404, consumer: 404, agent: 200, lead: 200, anonymous: 401 },
      ],
      [
        'POST /cases/{id}/messages',
        (who) =>
          api.client.POST('/cases/{id}/messages', {
            params: path,
            headers: as(who),
            body: { body: 'hello' },
          }),
        { sellerA: 201, sellerB: 404, consumer: 404, agent: 201, lead: 201, anonymous: 401 },
      ],
      [
        'POST /cases/{id}/status',
        // The requester may act on the status (close), so any other move is the case's 409, not a 403.
        (who) =>
          api.client.POST('/cases/{id}/status', {
            params: path,
            headers: as(who),
            body: { status: who === 'lead' ? 'pending_internal' : 'working' },
          }),
        { sellerA: 409, sellerB: 404, consumer: 404, agent: 200, lead: 200, anonymous: 401 },
      ],
      [
        'POST /cases/{id}/escalations',
        (who) =>
          api.client.POST('/cases/{id}/escalations', {
            params: path,
            headers: as(who),
            body: { reason: 'urgent' },
          }),
        { sellerA: 201, sellerB: 404, consumer: 404, agent: 403, lead: 403, anonymous: 401 },
      ],
      [
        'POST /cases/{id}/attachments',
        (who) =>
          api.client.POST('/cases/{id}/attachments', {
            params: path,
            headers: as(who),
            body: { fileName: 'shot.png', contentType: 'image/png', size: 1234 },
          }),
        { sellerA: 201, sellerB: 404, consumer: 404, agent: 201, lead: 201, anonymous: 401 },
      ],
      [
        'PUT /cases/{id}/severity',
        (who) =>
          api.client.PUT('/cases/{id}/severity', {
            params: path,
            headers: as(who),
            body: { level: who === 'lead' ? 0 : 1, reason: 'triage' },
          }),
        { sellerA: 403, sellerB: 404, consumer: 401, agent: 200, lead: 200, anonymous: 401 },
      ],
      [
        'PUT /cases/{id}/assignee',
        (who) =>
          api.client.PUT('/cases/{id}/assignee', {
            params: path,
            headers: as(who),
            body: { agent: 'alice@support.example' },
          }),
        { sellerA: 403, sellerB: 404, consumer: 401, agent: 200, lead: 200, anonymous: 401 },
      ],
      [
        'POST /cases/{id}/workaround',
        (who) => api.client.POST('/cases/{id}/workaround', { params: path, headers: as(who), body: {} }),
        { sellerA: 403, sellerB: 404, consumer: 401, agent: 200, lead: 200, anonymous: 401 },
      ],
    ];
    const seen: string[] = [];
    for (const [route, send, expected] of matrix) {
      for (const who of callers) {
        const { response, error } = await send(who);
        seen.push(`${who} ${route} → ${response.status}`);
        expect(response.status, `${who} ${route}`).toBe(expected[who]);
        if (response.status >= 400) {
          expect(
            error && ('status' in error ? error.status : error.message),
            `${who} ${route}`,
          ).toBeDefined();
        }
      }
    }
    expect(seen).toHaveLength(matrix.length * callers.length);
  });

  it('the consumer acts on their own case only; the list is for JWT holders', async () => {
    const c = await openConsumerCase();
    const asBuyer = credential({ caseToken: c.caseToken });
    const own = { path: { id: c.id } };
    expect((await api.client.GET('/cases/{id}', { params: own, headers: asBuyer })).response.status).toBe(
      200,
    );
    const message = await api.client.POST('/cases/{id}/messages', {
      params: own,
      headers: asBuyer,
      body: { body: 'any news?' },
    });
    expect(message.response.status).toBe(201);
    const note = await api.client.POST('/cases/{id}/messages', {
      params: own,
      headers: asBuyer,
      body: { body: 'x', internal: true },
    });
    expect(note.response.status).toBe(403);
    const escalation = await api.client.POST('/cases/{id}/escalations', {
      params: own,
      headers: asBuyer,
      body: { reason: 'please' },
    });
    expect(escalation.response.status).toBe(201);
    expect((await api.client.GET('/cases/{id}', { params: own, headers: asSellerA })).response.status).toBe(
      404,
    );
    expect((await api.client.GET('/cases', { headers: asBuyer })).response.status).toBe(401);
    const closed = await api.client.POST('/cases/{id}/status', {
      params: own,
      headers: asBuyer,
      body: { status: 'closed' },
    });
    expect(closed.response.status).toBe(200);
  });

  it('a requester sees only the public timeline', async () => {
    const c = await openConsumerCase();
    const own = { path: { id: c.id } };
    await api.client.POST('/cases/{id}/messages', {
      params: own,
      headers: asAgent,
      body: { body: 'internal note', internal: true },
    });
    await api.client.POST('/cases/{id}/messages', {
      params: own,
      headers: asAgent,
      body: { body: 'We are on it.' },
    });
    const staffView = dataOf(await api.client.GET('/cases/{id}/events', { params: own, headers: asAgent }));
    const requesterView = dataOf(
      await api.client.GET('/cases/{id}/events', {
        params: own,
        headers: credential({ caseToken: c.caseToken }),
      }),
    );
    const types = (page: typeof staffView) => page.items.map((e) => e.type);
    expect(types(staffView)).toEqual(['case.opened', 'message.posted', 'message.posted', 'sla.met']);
    expect(types(requesterView)).toEqual(['case.opened', 'message.posted']);
    expect(requesterView.items[1]).toMatchObject({ body: 'We are on it.' });
  });

  it('a requester never sees a staff address: the assignee, a meeting organizer and staff on the timeline go by name', async () => {
    const c = await openConsumerCase();
    const own = { path: { id: c.id } };
    dataOf(
      await api.client.PUT('/cases/{id}/assignee', {
        params: own,
        headers: asAgent,
        body: { assignee: 'dana.smith@support.example' },
      }),
    );
    dataOf(
      await api.client.POST('/cases/{id}/messages', {
        params: own,
        headers: asAgent,
        body: { body: 'On it.' },
      }),
    );
    dataOf(
      await api.client.POST('/cases/{id}/meetings', {
        params: own,
        headers: asAgent,
        body: {
          topic: 'Walk through it',
          join: { url: 'https://meet.example.com/x' },
          slots: [{ start: '2026-12-01T10:00:00-08:00', durationMinutes: 30 }],
        },
      }),
    );
    const asRequester = credential({ caseToken: c.caseToken });
    const seen = [
      await api.call('GET', `/cases/${c.id}`, { caseToken: c.caseToken }),
      await api.call('GET', `/cases/${c.id}/events`, { caseToken: c.caseToken }),
      await api.call('POST', `/cases/${c.id}/messages`, { caseToken: c.caseToken, body: { body: 'Thanks' } }),
    ];
    for (const answer of seen) expect(JSON.stringify(answer.body)).not.toMatch(/@support\.example/);
    const read = dataOf(await api.client.GET('/cases/{id}', { params: own, headers: asRequester }));
    expect(read.assignee).toBe('Dana');
    expect(read.meetings[0]?.organizer).toBe('Alice');
    const events = dataOf(await api.client.GET('/cases/{id}/events', { params: own, headers: asRequester }));
    expect(events.items.find((e) => e.type === 'message.posted' && e.body === 'On it.')?.actor).toEqual({
      role: 'agent',
      id: 'Alice',
    });
    // Staff still see who is who.
    const staff = dataOf(await api.client.GET('/cases/{id}', { params: own, headers: asAgent }));
    expect(staff.assignee).toBe('dana.smith@support.example');
    expect(staff.meetings[0]?.organizer).toMatch(/@support\.example$/);
  });

  it('sellers list only their own cases, whatever they filter by', async () => {
    await api.client.POST('/cases', { headers: asSellerB, body: sellerCase({ subject: 'B only' }) });
    const mine = await api.client.GET('/cases', { params: { query: { limit: 100 } }, headers: asSellerB });
    expect(mine.response.status).toBe(200);
    expect(mine.data?.items.length).toBeGreaterThan(0);
    expect(mine.data?.items.every((c) => c.requester.sellerId === 'globex')).toBe(true);
    const filtered = await api.client.GET('/cases', {
      params: { query: { type: 'consumer' } },
      headers: asSellerB,
    });
    expect(filtered.data?.items).toEqual([]);
    // A filter seller A's cases match too (new seller cases) still answers only seller B's.
    const sellerCases = await api.client.GET('/cases', {
      params: { query: { type: 'seller', status: 'new', limit: 100 } },
      headers: asSellerB,
    });
    expect(sellerCases.data?.items.length).toBeGreaterThan(0);
    expect(sellerCases.data?.items.every((c) => c.requester.sellerId === 'globex')).toBe(true);
    // Naming another seller changes nothing for a seller.
    const other = await api.client.GET('/cases', {
      params: { query: { sellerId: 'acme', limit: 100 } },
      headers: asSellerB,
    });
    expect(other.data?.items.map((c) => c.requester.sellerId)).toEqual(mine.data?.items.map(() => 'globex'));
  });

  it('staff list one seller’s cases by sellerId, every page from that seller only', async () => {
    await api.client.POST('/cases', {
      headers: asSellerA,
      body: sellerCase({ subject: 'A, for the filter' }),
    });
    await api.client.POST('/cases', {
      headers: asSellerB,
      body: sellerCase({ subject: 'B, for the filter' }),
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = dataOf(
        await api.client.GET('/cases', {
          params: { query: { sellerId: 'acme', limit: 2, ...(cursor ? { cursor } : {}) } },
          headers: asAgent,
        }),
      );
      seen.push(...page.items.map((c) => c.requester.sellerId ?? 'none'));
      if (!page.cursor) break;
      cursor = page.cursor;
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['acme']));
    const both = dataOf(
      await api.client.GET('/cases', { params: { query: { limit: 100 } }, headers: asAgent }),
    );
    expect(seen).toHaveLength(both.items.filter((c) => c.requester.sellerId === 'acme').length);
  });
});

describe('symmetric shapes: what a client sends looks like what it reads back', () => {
  it('a buyer names the requester as a case reads it back; the flat email stays an alias', async () => {
    const { email: _flat, ...rest } = consumerCase();
    const nested = await api.client.POST('/cases', {
      body: { ...rest, requester: { email: 'Ann@Buyer.example' } },
    });
    expect(nested.response.status).toBe(201);
    expect(nested.data?.requester).toEqual({ email: 'ann@buyer.example', sellerId: null });
    const neither = await api.client.POST('/cases', { body: rest });
    expect(neither.response.status).toBe(400);
    expect(problemOf(neither.error).errors).toEqual([
      { field: 'requester.email', message: 'the requester’s email is required' },
    ]);
    const disagree = await api.client.POST('/cases', {
      body: { ...rest, requester: { email: 'a@x.example' }, email: 'b@x.example' },
    });
    expect(problemOf(disagree.error).errors?.map((e) => e.field)).toEqual(['email']);
  });

  it('the assignee is set as `assignee`, the field a case reads back; `agent` stays an alias', async () => {
    const c = await openConsumerCase();
    const set = await api.client.PUT('/cases/{id}/assignee', {
      params: { path: { id: c.id } },
      headers: asAgent,
      body: { assignee: 'Bob@Support.example' },
    });
    expect(set.data?.assignee).toBe('bob@support.example');
    const both = await api.client.PUT('/cases/{id}/assignee', {
      params: { path: { id: c.id } },
      headers: asAgent,
      body: { assignee: 'bob@support.example', agent: 'eve@support.example' },
    });
    expect(both.response.status).toBe(400);
  });

  it('only a member of the support team can be assigned: a typo or an outside address is a 400 naming it', async () => {
    const c = await openConsumerCase();
    for (const outsider of ['bob@suport.example', 'evil@attacker.example', 'buyer@example.com']) {
      const refused = await api.client.PUT('/cases/{id}/assignee', {
        params: { path: { id: c.id } },
        headers: asAgent,
        body: { assignee: outsider },
      });
      expect(refused.response.status).toBe(400);
      expect(problemOf(refused.error).errors).toEqual([
        { field: 'assignee', message: `${outsider} is not an agent or lead of this support team` },
      ]);
    }
    const unchanged = dataOf(
      await api.client.GET('/cases/{id}', { params: { path: { id: c.id } }, headers: asAgent }),
    );
    expect(unchanged).toMatchObject({ status: 'new', assignee: null, version: c.version });
    const lena = await api.client.PUT('/cases/{id}/assignee', {
      params: { path: { id: c.id } },
      headers: asAgent,
      body: { assignee: 'lena@support.example' },
    });
    expect(lena.data).toMatchObject({ assignee: 'lena@support.example', status: 'open' });
  });

  it('every message says how it came: the API, or the portal when it says so', async () => {
    const c = dataOf(
      await api.client.POST('/cases', {
        params: { header: { 'X-Casewatch-Channel': 'portal' } },
        body: consumerCase(),
      }),
    );
    expect(c.channel).toBe('portal');
    const own = { path: { id: c.id } };
    await api.client.POST('/cases/{id}/messages', {
      params: own,
      headers: asAgent,
      body: { body: 'From the API' },
    });
    await api.client.POST('/cases/{id}/messages', {
      params: { ...own, header: { 'X-Casewatch-Channel': 'portal' } },
      headers: credential({ caseToken: c.caseToken }),
      body: { body: 'From the portal' },
    });
    const page = dataOf(await api.client.GET('/cases/{id}/events', { params: own, headers: asAgent }));
    const messages = page.items.filter((e) => e.type === 'message.posted');
    expect(messages.map((m) => [m.body, m.channel])).toEqual([
      ['From the API', 'api'],
      ['From the portal', 'portal'],
    ]);
  });

  it('a channel that is neither portal nor api is a 400, not quietly relabelled', async () => {
    const c = dataOf(await api.client.POST('/cases', { body: consumerCase() }));
    const claimed = await api.call('POST', `/cases/${c.id}/messages`, {
      token: agent,
      headers: { 'X-Casewatch-Channel': 'email' },
      body: { body: 'Pretending to be mail' },
    });
    expect(claimed.status).toBe(400);
    expect(claimed.body.errors).toEqual([{ field: 'X-Casewatch-Channel', message: 'invalid' }]);
    const opened = await api.call('POST', '/cases', {
      headers: { 'X-Casewatch-Channel': 'email' },
      body: consumerCase(),
    });
    expect(opened.status).toBe(400);
    const page = dataOf(
      await api.client.GET('/cases/{id}/events', { params: { path: { id: c.id } }, headers: asAgent }),
    );
    expect(page.items.filter((e) => e.type === 'message.posted')).toEqual([]);
  });

  it('a posted message answers the case’s new version as its ETag, ready for the next If-Match', async () => {
    const c = dataOf(await api.client.POST('/cases', { body: consumerCase() }));
    const posted = await api.client.POST('/cases/{id}/messages', {
      params: { path: { id: c.id } },
      headers: asAgent,
      body: { body: 'First answer' },
    });
    expect(posted.response.headers.get('etag')).toBe(`"${posted.data?.case.version}"`);
    const next = await api.client.POST('/cases/{id}/messages', {
      params: { path: { id: c.id }, header: { 'If-Match': posted.response.headers.get('etag') as string } },
      headers: asAgent,
      body: { body: 'Second answer' },
    });
    expect(next.response.status).toBe(201);
  });
});

describe('the look-ups web clients need', () => {
  it('GET /cases/{id} also takes the case number, in any letter case, for whoever may see the case', async () => {
    const c = dataOf(await api.client.POST('/cases', { headers: asSellerA, body: sellerCase() }));
    const read = (ref: string, headers: Record<string, string>) =>
      api.client.GET('/cases/{id}', { params: { path: { id: ref } }, headers });
    for (const ref of [c.number, c.number.toLowerCase()]) {
      const r = await read(ref, asAgent);
      expect(r.response.status).toBe(200);
      expect(r.data?.id).toBe(c.id);
    }
    expect((await read(c.number, asSellerA)).response.status).toBe(200);
    expect((await read(c.number, asSellerB)).response.status).toBe(404);
    expect((await read('CW-000000', asAgent)).response.status).toBe(404);
  });

  it('staff filter the list by requester email, seller and consumer cases alike', async () => {
    const requester = 'dana@acme.example';
    const dana = await api.token('seller', requester, 'acme');
    const sellerCaseOfDana = dataOf(
      await api.client.POST('/cases', { headers: credential({ token: dana }), body: sellerCase() }),
    );
    const consumerCaseOfDana = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ email: 'Dana@Acme.example' }) }),
    );
    await api.client.POST('/cases', { body: consumerCase({ email: 'someone-else@example.com' }) });
    const listed = await api.client.GET('/cases', {
      params: { query: { requester: 'DANA@acme.example' } },
      headers: asAgent,
    });
    expect(listed.response.status).toBe(200);
    expect(listed.data?.items.map((c) => c.id).sort()).toEqual(
      [sellerCaseOfDana.id, consumerCaseOfDana.id].sort(),
    );
    // A seller sees only their company's cases, also when asking for a colleague.
    const mine = await api.client.GET('/cases', {
      params: { query: { requester } },
      headers: asSellerA,
    });
    expect(mine.data?.items.map((c) => c.id)).toEqual([sellerCaseOfDana.id]);
  });
});
