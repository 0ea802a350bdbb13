import { randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/case-requests/app.ts';
import { lambdaContext } from '../../../local/gateway.ts';
import { deriveKey } from '../../../shared/adapters/secret-keys.ts';
import { createCaseTokens } from '../../../shared/adapters/tokens/case-tokens.ts';
import { createMeetingLinks } from '../../../shared/adapters/tokens/meeting-links.ts';
import { createSurveyTokens } from '../../../shared/adapters/tokens/survey-tokens.ts';
import type { Actor } from '../../../shared/app/actor.ts';
import { changeStatus } from '../../../shared/app/change-status.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from '../../../shared/app/errors.ts';
import { openCase } from '../../../shared/app/open-case.ts';
import { answerCaseSurvey, readSurvey, type SurveyDeps, submitSurvey } from '../../../shared/app/survey.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { toInstant } from '../../../shared/domain/instant.ts';
import { SURVEY_QUESTIONS } from '../../../shared/domain/survey.ts';
import type { CaseStore } from '../../../shared/ports/case-store.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { MemoryBlobStore } from '../../support/memory-blob-store.ts';
import { TimerSim } from '../../support/timer-sim.ts';

const ratings = { overall: 5, timeliness: 4, friendliness: 3 };
const secret = randomBytes(32).toString('base64');
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** The survey as `react-to-change` records it when a closed case's survey goes out. */
async function markSurveySent(store: CaseStore, id: string, at: string): Promise<void> {
  const c = (await store.get(id)) as Case;
  const sent = { sentAt: at, submittedAt: null, ratings: null, comment: null };
  const outcome = await store.update({ ...c, survey: sent, version: c.version + 1 }, c.version, [
    { id: randomUUID(), caseId: id, at, actor: { role: 'system', id: 'casewatch' }, type: 'survey.sent' },
  ]);
  expect(outcome.ok).toBe(true);
}

async function setup(options: { type?: 'consumer' | 'seller'; surveyed?: boolean } = {}) {
  const sim = new TimerSim('2026-12-01T17:00:00.000Z');
  const surveyTokens = createSurveyTokens(async () => deriveKey(secret, 'survey'), sim.clock);
  const deps: SurveyDeps & typeof sim.appDeps = { ...sim.appDeps, surveyTokens };
  const seller: Actor = { kind: 'seller', email: 'ops@acme.example', sellerId: 'acme' };
  const sellerInput = { type: 'seller', subject: 'Webhook down', description: 'None since 10:00' } as const;
  const opened =
    options.type === 'seller'
      ? (await openCase(deps, seller, sellerInput)).case
      : await openConsumerCase(deps, { email: 'buyer@example.com' });
  await changeStatus(deps, agent, opened.id, { status: 'closed', note: 'Refunded', public: true });
  if (options.surveyed !== false) await markSurveySent(sim.store, opened.id, toInstant(sim.clock.now()));
  const token = await surveyTokens.issue(opened.id);
  return { sim, deps, id: opened.id, number: opened.number, token };
}

describe('reading a survey', () => {
  it('shows the case, the three questions and the 1–5 scale', async () => {
    const { deps, token, number } = await setup();
    expect(await readSurvey(deps, token)).toEqual({
      caseNumber: number,
      subject: 'Refund',
      questions: SURVEY_QUESTIONS.map(({ topic, question }) => ({ topic, question })),
      scale: { min: 1, max: 5 },
      submitted: false,
    });
  });

  it('a forged, altered or foreign token, or a case never surveyed, is a 404', async () => {
    const { deps, id, token, sim } = await setup();
    const otherKey = createSurveyTokens(async () => new Uint8Array(randomBytes(32)), sim.clock);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const otherId = `${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`;
    const altered = Buffer.from(JSON.stringify({ ...claims, sub: otherId })).toString('base64url');
    const caseToken = await createCaseTokens(async () => deriveKey(secret, 'case-token')).issue(id);
    const unknownCase = await deps.surveyTokens.issue('01JD0000000000000000000000');
    const forged = [
      await otherKey.issue(id),
      `${header}.${altered}.${signature}`,
      caseToken,
      unknownCase,
      'garbage',
      '',
    ];
    for (const bad of forged) {
      await expect(readSurvey(deps, bad)).rejects.toBeInstanceOf(NotFoundError);
      await expect(submitSurvey(deps, bad, { ratings })).rejects.toBeInstanceOf(NotFoundError);
    }
    const unsurveyed = await setup({ surveyed: false });
    await expect(readSurvey(unsurveyed.deps, unsurveyed.token)).rejects.toBeInstanceOf(NotFoundError);
    await expect(submitSurvey(unsurveyed.deps, unsurveyed.token, { ratings })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await unsurveyed.deps.store.get(unsurveyed.id))?.survey).toBeNull();
  });

  it('a 404 never names the case behind the link', async () => {
    const { deps } = await setup();
    const token = await deps.surveyTokens.issue('01JD0000000000000000000000');
    await expect(submitSurvey(deps, token, { ratings })).rejects.toThrow(/^no survey at this link/);
  });
});

describe('submitting a survey', () => {
  it('stores the answer on the case and records survey.submitted by the requester', async () => {
    const { sim, deps, id, token, number } = await setup();
    sim.clock.advance(3_600_000);
    const before = (await deps.store.get(id)) as Case;
    expect(await submitSurvey(deps, token, { ratings, comment: '  Quick and kind.  ' })).toEqual({
      submitted: true,
      caseNumber: number,
    });
    const after = (await deps.store.get(id)) as Case;
    expect(after.survey).toEqual({
      sentAt: before.survey?.sentAt,
      submittedAt: '2026-12-01T18:00:00.000Z',
      ratings,
      comment: 'Quick and kind.',
    });
    expect(after).toMatchObject({ status: 'closed', version: before.version + 1, sla: before.sla });
    const events = sim.store.events.get(id) ?? [];
    expect(events.at(-1)).toMatchObject({
      type: 'survey.submitted',
      ratings,
      comment: 'Quick and kind.',
      actor: { role: 'consumer', id: 'buyer@example.com' },
      at: '2026-12-01T18:00:00.000Z',
    });
    expect(events.filter((e) => e.type === 'survey.submitted')).toHaveLength(1);
    expect((await readSurvey(deps, token)).submitted).toBe(true);
  });

  it('a blank comment is no comment; a seller answers as the seller', async () => {
    const { deps, id, token, sim } = await setup({ type: 'seller' });
    await submitSurvey(deps, token, { ratings, comment: '   ' });
    expect((await deps.store.get(id))?.survey?.comment).toBeNull();
    expect(sim.store.events.get(id)?.at(-1)).toMatchObject({
      type: 'survey.submitted',
      comment: null,
      actor: { role: 'seller', id: 'ops@acme.example' },
    });
  });

  it('a second answer is a 409 and changes nothing', async () => {
    const { deps, id, token } = await setup();
    await submitSurvey(deps, token, { ratings });
    const answered = await deps.store.get(id);
    await expect(
      submitSurvey(deps, token, { ratings: { overall: 1, timeliness: 1, friendliness: 1 } }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await deps.store.get(id)).toEqual(answered);
  });

  it('of concurrent answers exactly one lands', async () => {
    const { sim, deps, id, token } = await setup();
    // Every writer reads before any write lands, so all but one lose the version race.
    let stale = 0;
    const store = Object.create(sim.store) as typeof sim.store;
    store.update = async (next, expected, events) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const outcome = await sim.store.update(next, expected, events);
      if (!outcome.ok) stale++;
      return outcome;
    };
    const answers = Array.from({ length: 6 }, (_, i) => ({
      ratings: { overall: (i % 5) + 1, timeliness: 3, friendliness: 3 },
    }));
    const results = await Promise.allSettled(answers.map((a) => submitSurvey({ ...deps, store }, token, a)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(5);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(ConflictError);
    expect(stale).toBeGreaterThan(0);
    expect(sim.store.events.get(id)?.filter((e) => e.type === 'survey.submitted')).toHaveLength(1);
    const winner = answers[results.findIndex((r) => r.status === 'fulfilled')];
    expect((await deps.store.get(id))?.survey?.ratings).toEqual(winner?.ratings);
  });
});

describe('the requester answering from the portal (docs/survey.md#answering-from-the-portal)', () => {
  const buyer = (id: string): Actor => ({ kind: 'consumer', caseId: id });
  const lead: Actor = { kind: 'staff', role: 'lead', email: 'lena@support.example' };

  it('stores the one answer like the link does, by the requester who gave it', async () => {
    const { sim, deps, id, number } = await setup({ type: 'seller' });
    const colleague: Actor = { kind: 'seller', email: 'kim@acme.example', sellerId: 'acme' };
    expect(await answerCaseSurvey(deps, colleague, id, { ratings, comment: ' Quick ' })).toEqual({
      submitted: true,
      caseNumber: number,
    });
    const after = (await deps.store.get(id)) as Case;
    expect(after.survey).toMatchObject({
      submittedAt: '2026-12-01T17:00:00.000Z',
      ratings,
      comment: 'Quick',
    });
    expect(sim.store.events.get(id)?.at(-1)).toMatchObject({
      type: 'survey.submitted',
      actor: { role: 'seller', id: 'kim@acme.example' },
    });
  });

  it('one answer per case, whichever way it comes: the link after the portal is a 409, and the other way round', async () => {
    const first = await setup();
    await answerCaseSurvey(first.deps, buyer(first.id), first.id, { ratings });
    await expect(submitSurvey(first.deps, first.token, { ratings })).rejects.toBeInstanceOf(ConflictError);
    const second = await setup();
    await submitSurvey(second.deps, second.token, { ratings });
    await expect(answerCaseSurvey(second.deps, buyer(second.id), second.id, { ratings })).rejects.toThrow(
      'this survey was already answered',
    );
  });

  it('a survey not sent yet is the case’s 409, and nothing is written', async () => {
    const { deps, id } = await setup({ surveyed: false });
    const before = await deps.store.get(id);
    const refused = answerCaseSurvey(deps, buyer(id), id, { ratings });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toThrow('no survey was sent for this case');
    expect(await deps.store.get(id)).toEqual(before);
  });

  it('staff may not answer for the requester (403); another requester sees no case (404); nobody is a 401', async () => {
    const { deps, id } = await setup();
    await expect(answerCaseSurvey(deps, lead, id, { ratings })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(answerCaseSurvey(deps, agent, id, { ratings })).rejects.toBeInstanceOf(ForbiddenError);
    const stranger: Actor = { kind: 'seller', email: 'sam@globex.example', sellerId: 'globex' };
    await expect(answerCaseSurvey(deps, stranger, id, { ratings })).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      answerCaseSurvey(deps, buyer('01JD0000000000000000000000'), id, { ratings }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(answerCaseSurvey(deps, { kind: 'anonymous' }, id, { ratings })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect((await deps.store.get(id))?.survey?.submittedAt).toBeNull();
  });
});

describe('GET / POST /surveys/{token} (the case-requests handler)', () => {
  async function http() {
    const ctx = await setup();
    const handler = createHandler({
      ...ctx.deps,
      jwtVerifier: { verify: async () => null },
      meetingLinks: createMeetingLinks(async () => deriveKey('unused', 'meeting'), ctx.sim.clock),
      blobs: new MemoryBlobStore(),
    });
    const send = async (
      method: 'GET' | 'POST',
      token: string,
      body: string | undefined,
      headers: Record<string, string>,
      isBase64Encoded = false,
    ) => {
      const event = {
        version: '2.0',
        routeKey: `${method} /surveys/{token}`,
        rawPath: `/surveys/${token}`,
        rawQueryString: '',
        headers,
        pathParameters: { token },
        requestContext: { http: { method }, requestId: 'r' },
        ...(body === undefined ? {} : { body }),
        isBase64Encoded,
      } as unknown as APIGatewayProxyEventV2;
      const r = (await handler(
        event,
        lambdaContext('case-requests', 'r'),
      )) as APIGatewayProxyStructuredResultV2;
      return { status: r.statusCode, headers: r.headers ?? {}, text: String(r.body) };
    };
    const call = async (
      method: 'GET' | 'POST',
      token: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const r = await send(
        method,
        token,
        body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        { 'content-type': 'application/json', ...headers },
      );
      return { status: r.status, headers: r.headers, body: JSON.parse(r.text) };
    };
    /** What a browser does: GET asking for HTML; the form posts urlencoded fields (API Gateway may base64 them). */
    const browser = {
      get: (t: string) => send('GET', t, undefined, { accept: BROWSER_ACCEPT }),
      post: (t: string, fields: Record<string, string>, base64 = false) => {
        const form = new URLSearchParams(fields).toString();
        return send(
          'POST',
          t,
          base64 ? Buffer.from(form).toString('base64') : form,
          { accept: BROWSER_ACCEPT, 'content-type': 'application/x-www-form-urlencoded' },
          base64,
        );
      },
    };
    return { ...ctx, call, browser };
  }

  it('GET is the survey, POST answers it (201), a second POST is a 409', async () => {
    const { call, token, number } = await http();
    const read = await call('GET', token);
    expect(read).toMatchObject({ status: 200, body: { caseNumber: number, submitted: false } });
    expect(read.headers['cache-control']).toBe('no-store');
    const answered = await call('POST', token, { ratings, comment: 'Thanks' });
    expect(answered).toMatchObject({ status: 201, body: { submitted: true, caseNumber: number } });
    expect((await call('GET', token)).body.submitted).toBe(true);
    const again = await call('POST', token, { ratings });
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toBe('application/problem+json');
  });

  it('the path token is the only credential: header credentials are not read', async () => {
    const { call, token } = await http();
    const headers = { authorization: 'Bearer expired.session.token', 'x-case-token': 'stale' };
    expect((await call('GET', token, undefined, headers)).status).toBe(200);
    expect((await call('POST', token, { ratings }, headers)).status).toBe(201);
  });

  it.each([
    ['a zero', { ratings: { ...ratings, overall: 0 } }, ['ratings.overall']],
    ['a six', { ratings: { ...ratings, timeliness: 6 } }, ['ratings.timeliness']],
    ['a fraction', { ratings: { ...ratings, friendliness: 2.5 } }, ['ratings.friendliness']],
    ['a string', { ratings: { ...ratings, overall: '5' } }, ['ratings.overall']],
    ['a missing rating', { ratings: { overall: 5, timeliness: 4 } }, ['ratings.friendliness']],
    ['no ratings', { comment: 'great' }, ['ratings']],
    ['an unknown rating', { ratings: { ...ratings, speed: 5 } }, ['ratings.speed']],
    ['a comment that is not text', { ratings, comment: 42 }, ['comment']],
    ['a comment too long', { ratings, comment: 'x'.repeat(5_001) }, ['comment']],
    ['an array', [ratings], ['']],
  ])('%s is a 400 naming the field', async (_what, body, fields) => {
    const { call, token, deps, id } = await http();
    const r = await call('POST', token, body);
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    expect((await deps.store.get(id))?.survey?.submittedAt).toBeNull();
  });

  it('malformed JSON or no body is a 400', async () => {
    const { call, token } = await http();
    expect((await call('POST', token, '{"ratings":')).status).toBe(400);
    expect((await call('POST', token)).status).toBe(400);
  });

  it('an overlong or malformed token is a 404, not a 500', async () => {
    const { call, token } = await http();
    for (const bad of [`${token}${'A'.repeat(2_100)}`, 'x'.repeat(10_000), 'a.b', 'a.b.c/d', '{token}']) {
      expect((await call('GET', bad)).status).toBe(404);
      expect((await call('POST', bad, { ratings })).status).toBe(404);
    }
  });

  describe('as a web page (content negotiation)', () => {
    const form = { overall: '5', timeliness: '4', friendliness: '3' };

    it('GET negotiates: a browser gets the HTML form, API clients keep the JSON view', async () => {
      const { call, browser, token, number } = await http();
      const page = await browser.get(token);
      expect(page.status).toBe(200);
      expect(page.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'content-security-policy': expect.stringContaining("default-src 'none'"),
        vary: 'Accept',
      });
      expect(page.text).toContain(`<strong>${number}</strong>: Refund`);
      expect(page.text).toContain('<form method="post">');
      for (const accept of [undefined, 'application/json', '*/*', 'application/json, text/html']) {
        const r = await call('GET', token, undefined, accept === undefined ? {} : { accept });
        expect(r.status).toBe(200);
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.body).toMatchObject({ caseNumber: number, submitted: false });
      }
    });

    it('the form post answers the survey (201 thank-you page); a second is a 409 page; GET then says answered', async () => {
      const { browser, token, number, deps, id, sim } = await http();
      const done = await browser.post(token, { ...form, comment: 'Quick\r\nand kind', submit: '' });
      expect(done.status).toBe(201);
      expect(done.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(done.text).toMatch(/Thank you for your feedback/);
      expect(done.text).toContain(number);
      expect((await deps.store.get(id))?.survey).toMatchObject({
        ratings: { overall: 5, timeliness: 4, friendliness: 3 },
        comment: 'Quick\nand kind',
      });
      expect(sim.store.events.get(id)?.filter((e) => e.type === 'survey.submitted')).toHaveLength(1);
      const again = await browser.post(token, form);
      expect(again.status).toBe(409);
      expect(again.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(again.text).toMatch(/already answered/);
      const page = await browser.get(token);
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/already answered/);
      expect(page.text).not.toContain('<form');
      // An invalid post to an answered survey says so too, rather than showing the form again.
      expect((await browser.post(token, { overall: '9' })).status).toBe(409);
    });

    it('a base64-encoded form body (as API Gateway may pass it) is read the same', async () => {
      const { browser, token, deps, id } = await http();
      expect((await browser.post(token, { ...form, comment: 'é ✓' }, true)).status).toBe(201);
      expect((await deps.store.get(id))?.survey?.comment).toBe('é ✓');
    });

    it('bad values are a 400 page showing the form again, escaped, and store nothing', async () => {
      const { browser, token, deps, id } = await http();
      const xss = '<script>alert(1)</script>';
      const r = await browser.post(token, { overall: '5', timeliness: xss, friendliness: '6', comment: xss });
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy']).toContain("form-action 'self'");
      expect(r.text).not.toContain(xss);
      expect(r.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;</textarea>');
      expect(r.text).toMatch(/id="timeliness-error">“&lt;script&gt;/);
      expect(r.text).toMatch(/id="friendliness-error">“6” is not a rating/);
      expect(r.text).toMatch(/value="5" required checked/);
      expect((await deps.store.get(id))?.survey?.submittedAt).toBeNull();
    });

    it('a forged or malformed link is a 404 page for GET and form POST', async () => {
      const { browser, sim, id } = await http();
      const otherKey = createSurveyTokens(async () => new Uint8Array(randomBytes(32)), sim.clock);
      // A link signed with another key for this very case: only the signature makes it a forgery.
      const forgedForThisCase = await otherKey.issue(id);
      for (const bad of [
        await otherKey.issue('01JD0000000000000000000000'),
        forgedForThisCase,
        'a.b',
        'x'.repeat(5_000),
      ]) {
        for (const r of [
          await browser.get(bad),
          await browser.post(bad, form),
          await browser.post(bad, {}),
        ]) {
          expect(r.status).toBe(404);
          expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
          expect(r.text).toMatch(/This survey link does not work/);
        }
      }
    });

    it('a JSON post keeps the JSON contract whatever the Accept header says', async () => {
      const { call, token, number } = await http();
      const bad = await call(
        'POST',
        token,
        { ratings: { ...ratings, overall: 0 } },
        { accept: BROWSER_ACCEPT },
      );
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toBe('application/problem+json');
      const ok = await call('POST', token, { ratings }, { accept: BROWSER_ACCEPT });
      expect(ok).toMatchObject({ status: 201, body: { submitted: true, caseNumber: number } });
    });
  });
});
