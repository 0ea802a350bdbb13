import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/http/routes.ts';
import { consumerCase, type LocalApi, useLocalApi } from './support/local-api.ts';

let api: LocalApi;
let agent: string;
let caseId: string;
let caseToken: string;

useLocalApi(async (local) => {
  api = local.api;
  agent = local.agent;
  const { body } = await api.call('POST', '/cases', { body: consumerCase() });
  caseId = body.id;
  caseToken = body.caseToken;
});

describe('random input never makes the API fail (property)', () => {
  it('every route answers random JSON bodies and headers with a 2xx or 4xx, never a 5xx', async () => {
    const path = fc.constantFrom(...ROUTES.map((r) => ({ method: r.method, path: r.path })));
    const idSegment = fc.oneof(
      fc.constant(() => caseId),
      fc.constant(() => '01JD0000000000000000000000'),
      fc.string({ maxLength: 30 }).map((s) => () => encodeURIComponent(s) || 'x'),
    );
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.constant(JSON.stringify({ status: 'closed' })),
      fc.record({ body: fc.string(), internal: fc.boolean() }).map((v) => JSON.stringify(v)),
      fc
        .record({ level: fc.integer({ min: -2, max: 5 }), reason: fc.string() })
        .map((v) => JSON.stringify(v)),
    );
    const headers = fc.record(
      {
        'content-type': fc.constantFrom(
          'application/json',
          'text/plain',
          'application/problem+json',
          '',
          'application/json; charset=latin1',
        ),
        'if-match': fc.oneof(
          fc.string({ maxLength: 12 }),
          fc.integer({ min: -5, max: 99 }).map((n) => `"${n}"`),
        ),
        'x-case-token': fc.oneof(fc.string({ maxLength: 40 }), fc.constant('CASE_TOKEN')),
        authorization: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('AGENT'), fc.constant('Bearer ')),
        'idempotency-key': fc.string({ maxLength: 64 }),
      },
      { requiredKeys: [] },
    );
    const query = fc.dictionary(
      fc.constantFrom('limit', 'cursor', 'status', 'severity', 'type', 'assignee', 'x'),
      fc.string({ maxLength: 20 }),
      { maxKeys: 3 },
    );

    const answers: number[] = [];
    await fc.assert(
      fc.asyncProperty(path, idSegment, body, headers, query, async (route, id, rawBody, hdrs, q) => {
        const sent: Record<string, string> = {};
        for (const [k, v] of Object.entries(hdrs)) {
          if (v === 'AGENT') sent[k] = `Bearer ${agent}`;
          else if (v === 'CASE_TOKEN') sent[k] = caseToken;
          else if (/^[\t\x20-\x7e]*$/.test(v)) sent[k] = v;
        }
        const qs = new URLSearchParams(q).toString();
        const url = `${route.path.replace('{id}', id())}${qs ? `?${qs}` : ''}`;
        const r = await api.call(route.method, url, {
          rawBody: route.method === 'GET' ? undefined : rawBody,
          headers: sent,
        });
        answers.push(r.status);
        expect(r.status, `${route.method} ${url} ${JSON.stringify(sent)} ${rawBody}`).toBeLessThan(500);
        expect(r.status).toBeGreaterThanOrEqual(200);
      }),
      { numRuns: 250 },
    );
    expect(answers).toHaveLength(250);
  });
});

describe('only text a person could have written is stored', () => {
  it('NUL and other control characters, a zero-width-only body, bytes that are not UTF-8 and other charsets are 400s, and the case is unchanged', async () => {
    const before = await api.call('GET', `/cases/${caseId}`, { token: agent });
    const post = (rawBody: string | Uint8Array, contentType = 'application/json') =>
      api.call('POST', `/cases/${caseId}/messages`, {
        rawBody,
        headers: { authorization: `Bearer ${agent}`, 'content-type': contentType },
      });
    const refusals = [
      await post(JSON.stringify({ body: 'a\u0000b' })),
      await post(JSON.stringify({ body: 'colour \u001b[31mred' })),
      await post(JSON.stringify({ body: '\u200b' })),
      await post(JSON.stringify({ body: '\ud83d broken' })),
      await post(Buffer.concat([Buffer.from('{"body":"Gr'), Buffer.from([0xfc]), Buffer.from('sse"}')])),
      await post(JSON.stringify({ body: 'Hello' }), 'application/json; charset=utf-16'),
    ];
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(refusals.map((r) => r.body.detail ?? r.body.errors?.[0]?.message)).toEqual([
      'the body is not valid',
      'the body is not valid',
      'the body is not valid',
      'the body is not valid',
      'the body is not UTF-8 text',
      'send JSON as UTF-8, not utf-16',
    ]);
    expect(refusals[0]?.body.errors).toEqual([
      { field: 'body', message: 'must not contain control characters (only tabs and line breaks)' },
    ]);
    expect(refusals[2]?.body.errors).toEqual([{ field: 'body', message: 'must not be empty' }]);
    const after = await api.call('GET', `/cases/${caseId}`, { token: agent });
    expect(after.body.version).toBe(before.body.version);
    expect(after.body.firstResponse).toEqual(before.body.firstResponse);
  });
});
