import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerCase, LocalApi } from './support/local-api.ts';

let api: LocalApi;
let agent: string;
let caseId: string;
let caseToken: string;

const ratings = { overall: 5, timeliness: 4, friendliness: 3 };

/** A well-formed survey token for a real case, signed with a key the runtime never had. */
const forgedToken = (sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setAudience('casewatch:survey')
    .setIssuedAt()
    .setExpirationTime('60d')
    .sign(new Uint8Array(randomBytes(32)));

beforeAll(async () => {
  api = await LocalApi.start();
  agent = await api.token('agent', 'alice@support.example');
  const opened = await api.call('POST', '/cases', { body: consumerCase() });
  caseId = opened.body.id;
  caseToken = opened.body.caseToken;
  const closed = await api.call('POST', `/cases/${caseId}/status`, {
    token: agent,
    body: { status: 'closed', note: 'Refunded', public: true },
  });
  expect(closed.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('survey links the runtime never issued', () => {
  it('a forged token, a case token or garbage is a 404 problem, for GET and POST', async () => {
    for (const token of [await forgedToken(caseId), caseToken, 'not-a-token', 'a.b.c']) {
      for (const method of ['GET', 'POST'] as const) {
        const r = await api.call(method, `/surveys/${encodeURIComponent(token)}`, {
          ...(method === 'POST' ? { body: { ratings } } : {}),
        });
        expect(r.status, `${method} ${token}`).toBe(404);
        expect(r.headers.get('content-type')).toBe('application/problem+json');
        expect(r.body).toMatchObject({ status: 404, title: 'Not found' });
        expect(JSON.stringify(r.body)).not.toContain(caseId);
      }
    }
  });

  it('a token longer than any link casewatch mails is a 404, not a 500', async () => {
    const long = `${await forgedToken(caseId)}${'A'.repeat(4_000)}`;
    expect((await api.call('GET', `/surveys/${long}`)).status).toBe(404);
    expect((await api.call('POST', `/surveys/${long}`, { body: { ratings } })).status).toBe(404);
  });

  it('needs no credential and reads none from the headers', async () => {
    const token = await forgedToken(caseId);
    const r = await api.call('GET', `/surveys/${token}`, {
      token: 'expired.session.jwt',
      caseToken: 'stale',
    });
    expect(r.status).toBe(404);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('POST /surveys/{token} validates the answer first', () => {
  it.each([
    ['a zero', { ratings: { ...ratings, overall: 0 } }, ['ratings.overall']],
    ['a six', { ratings: { ...ratings, timeliness: 6 } }, ['ratings.timeliness']],
    ['a fraction', { ratings: { ...ratings, friendliness: 2.5 } }, ['ratings.friendliness']],
    ['a string', { ratings: { ...ratings, overall: 'five' } }, ['ratings.overall']],
    ['a missing rating', { ratings: { overall: 5, timeliness: 4 } }, ['ratings.friendliness']],
    ['no ratings', { comment: 'Great' }, ['ratings']],
    [
      'several at once',
      { ratings: { overall: 0, timeliness: null, friendliness: 3 } },
      ['ratings.overall', 'ratings.timeliness'],
    ],
  ])('%s is a 400 problem naming the field', async (_what, body, fields) => {
    const r = await api.call('POST', `/surveys/${await forgedToken(caseId)}`, { body });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
  });

  it('malformed JSON and a wrong media type are 400s', async () => {
    const path = `/surveys/${await forgedToken(caseId)}`;
    expect((await api.call('POST', path, { rawBody: '{"ratings":' })).status).toBe(400);
    expect(
      (
        await api.call('POST', path, {
          rawBody: JSON.stringify({ ratings }),
          headers: { 'content-type': 'text/plain' },
        })
      ).status,
    ).toBe(400);
  });

  it('answers CORS preflights like the other public routes', async () => {
    const response = await fetch(`${api.runtime.apiUrl}/surveys/abc.def.ghi`, {
      method: 'OPTIONS',
      headers: { origin: 'https://support.example', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});
