import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { consumerCase, type LocalApi, useLocalApi } from './support/local-api.ts';

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

useLocalApi(async (local) => {
  api = local.api;
  agent = local.agent;
  const opened = await api.call('POST', '/cases', { body: consumerCase() });
  caseId = opened.body.id;
  caseToken = opened.body.caseToken;
  const closed = await api.call('POST', `/cases/${caseId}/status`, {
    token: agent,
    body: { status: 'closed', note: 'Refunded', public: true },
  });
  expect(closed.status).toBe(200);
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

describe('the survey link in a browser (content negotiation)', () => {
  const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  const formPost = (fields: Record<string, string>) => ({
    rawBody: new URLSearchParams(fields).toString(),
    headers: { accept: browser, 'content-type': 'application/x-www-form-urlencoded' },
  });
  const expectHtml = (headers: Headers) => {
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(headers.get('x-frame-options')).toBe('DENY');
  };

  /** The link the closing mailed to the requester, as a path on the local API. */
  async function mailedSurveyPath(): Promise<string> {
    await api.call('GET', '/_local/timers');
    const mail = (await api.mailTo('buyer@example.com')).find((m) => m.subject.includes('How did we do?'));
    const link = /(http:\/\/localhost:\d+\/surveys\/[A-Za-z0-9._~%-]+)/.exec(mail?.body.text ?? '')?.[1];
    expect(link).toBeDefined();
    return new URL(link as string).pathname;
  }

  it('a forged link is a 404 HTML page for GET and for a form post', async () => {
    const path = `/surveys/${await forgedToken(caseId)}`;
    const page = await api.call('GET', path, { headers: { accept: browser } });
    expect(page.status).toBe(404);
    expectHtml(page.headers);
    expect(page.body).toMatch(/^<!doctype html>/);
    expect(page.body).toMatch(/This survey link does not work/);
    expect(page.body).not.toContain(caseId);
    const posted = await api.call('POST', path, formPost({ overall: '0' }));
    expect(posted.status).toBe(404);
    expectHtml(posted.headers);
  });

  it('the mailed link shows the form; bad values are a 400 page, then one answer lands and a second is a 409', async () => {
    const path = await mailedSurveyPath();
    const page = await api.call('GET', path, { headers: { accept: browser } });
    expect(page.status).toBe(200);
    expectHtml(page.headers);
    expect(page.body).toContain('<form method="post">');
    expect(page.body.match(/type="radio"/g)).toHaveLength(15);
    // The JSON view is unchanged for API clients on the same link.
    expect((await api.call('GET', path)).body).toMatchObject({ submitted: false });

    const xss = '<script>alert(1)</script>';
    const bad = await api.call('POST', path, formPost({ overall: '0', timeliness: '4', comment: xss }));
    expect(bad.status).toBe(400);
    expectHtml(bad.headers);
    expect(bad.body).toMatch(/id="overall-error">“0” is not a rating/);
    expect(bad.body).toMatch(/id="friendliness-error">Choose a rating/);
    expect(bad.body).not.toContain(xss);
    expect(bad.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;</textarea>');

    const fields = { overall: '5', timeliness: '4', friendliness: '5', comment: 'Quick & kind' };
    const done = await api.call('POST', path, formPost(fields));
    expect(done.status).toBe(201);
    expectHtml(done.headers);
    expect(done.body).toMatch(/Thank you for your feedback/);
    const again = await api.call('POST', path, formPost(fields));
    expect(again.status).toBe(409);
    expectHtml(again.headers);
    const stored = (await api.call('GET', `/cases/${caseId}`, { token: agent })).body;
    expect(stored.survey).toMatchObject({
      ratings: { overall: 5, timeliness: 4, friendliness: 5 },
      comment: 'Quick & kind',
    });
  });
});
