import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { surveyLinkIn } from '../support/mail-links.ts';
import {
  consumerCase,
  credential,
  dataOf,
  type LocalApi,
  problemOf,
  useLocalApi,
} from './support/local-api.ts';

let api: LocalApi;
let asAgent: Record<string, string>;
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

/** The survey at a link's token, read and answered as an API client does (JSON). */
const readSurvey = (token: string) => api.client.GET('/surveys/{token}', { params: { path: { token } } });
const answerSurvey = (token: string) =>
  api.client.POST('/surveys/{token}', { params: { path: { token } }, body: { ratings } });

useLocalApi(async (local) => {
  api = local.api;
  asAgent = credential({ token: local.agent });
  const opened = dataOf(await api.client.POST('/cases', { body: consumerCase() }));
  if (!opened.caseToken) throw new Error('a consumer case comes with its case token');
  caseId = opened.id;
  caseToken = opened.caseToken;
  const closed = await api.client.POST('/cases/{id}/status', {
    params: { path: { id: caseId } },
    headers: asAgent,
    body: { status: 'closed', note: 'Refunded', public: true },
  });
  expect(closed.response.status).toBe(200);
});

describe('survey links the runtime never issued', () => {
  it('a forged token, a case token or garbage is a 404 problem, for GET and POST', async () => {
    for (const token of [await forgedToken(caseId), caseToken, 'not-a-token', 'a.b.c']) {
      for (const [method, send] of [
        ['GET', readSurvey],
        ['POST', answerSurvey],
      ] as const) {
        const { response, error } = await send(token);
        expect(response.status, `${method} ${token}`).toBe(404);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(problemOf(error)).toMatchObject({ status: 404, title: 'Not found' });
        expect(JSON.stringify(error)).not.toContain(caseId);
      }
    }
  });

  it('a token longer than any link casewatch mails is a 404, not a 500', async () => {
    const long = `${await forgedToken(caseId)}${'A'.repeat(4_000)}`;
    expect((await readSurvey(long)).response.status).toBe(404);
    expect((await answerSurvey(long)).response.status).toBe(404);
  });

  it('needs no credential and reads none from the headers', async () => {
    const token = await forgedToken(caseId);
    const { response } = await api.client.GET('/surveys/{token}', {
      params: { path: { token } },
      headers: { ...credential({ token: 'expired.session.jwt' }), ...credential({ caseToken: 'stale' }) },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
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
    // Raw: the answers are invalid on purpose, and several are not even the document's types.
    const r = await api.call('POST', `/surveys/${await forgedToken(caseId)}`, { body });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
  });

  it('malformed JSON and a wrong media type are 400s', async () => {
    const path = `/surveys/${await forgedToken(caseId)}`;
    // Raw: a body that is not JSON, and one sent under a media type the route does not take.
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
  /** Raw: the form as a browser posts it, urlencoded fields exactly as typed into the page. */
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
  /** The page a browser gets: a typed GET asking for HTML, read as text. */
  const browse = (token: string) =>
    api.client.GET('/surveys/{token}', {
      params: { path: { token } },
      headers: { accept: browser },
      parseAs: 'text',
    });
  /** An HTML page answered as an error (typed as the problem, HTML or gateway body the document allows). */
  const htmlOf = (error: unknown): string => {
    if (typeof error !== 'string') throw new Error(`expected an HTML page, got ${JSON.stringify(error)}`);
    return error;
  };

  /** The token of the link the closing mailed to the requester. */
  async function mailedSurveyToken(): Promise<string> {
    await api.call('GET', '/_local/timers');
    const mail = (await api.mailTo('buyer@example.com')).find((m) => m.subject.includes('How did we do?'));
    const link = surveyLinkIn(mail?.body.text);
    expect(link?.url.origin).toBe(new URL(api.runtime.apiUrl).origin);
    return link?.token as string;
  }

  it('a forged link is a 404 HTML page for GET and for a form post', async () => {
    const token = await forgedToken(caseId);
    const path = `/surveys/${token}`;
    const page = await browse(token);
    expect(page.response.status).toBe(404);
    expectHtml(page.response.headers);
    const html = htmlOf(page.error);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toMatch(/This survey link does not work/);
    expect(html).not.toContain(caseId);
    const posted = await api.call('POST', path, formPost({ overall: '0' }));
    expect(posted.status).toBe(404);
    expectHtml(posted.headers);
  });

  it('the mailed link shows the form; bad values are a 400 page, then one answer lands and a second is a 409', async () => {
    const token = await mailedSurveyToken();
    const path = `/surveys/${encodeURIComponent(token)}`;
    const page = await browse(token);
    expect(page.response.status).toBe(200);
    expectHtml(page.response.headers);
    const html = dataOf(page);
    expect(html).toContain('<form method="post">');
    expect(html.match(/type="radio"/g)).toHaveLength(15);
    // The JSON view is unchanged for API clients on the same link.
    expect((await readSurvey(token)).data).toMatchObject({ submitted: false });

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
    const stored = dataOf(
      await api.client.GET('/cases/{id}', { params: { path: { id: caseId } }, headers: asAgent }),
    );
    expect(stored.survey).toMatchObject({
      ratings: { overall: 5, timeliness: 4, friendliness: 5 },
      comment: 'Quick & kind',
    });
  });
});
