import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/app/errors.ts';
import type { SurveyView } from '../../../shared/app/survey.ts';
import { escapeHtml } from '../../../shared/domain/html.ts';
import { SURVEY_QUESTIONS } from '../../../shared/domain/survey.ts';
import { prefersHtml } from '../../../shared/http/request.ts';
import { formAnswer, isFormPost } from '../../../shared/http/survey-form.ts';
import {
  htmlAnswer,
  invalidSurveyPage,
  SURVEY_PAGE_CSP,
  surveyPage,
  thanksPage,
} from '../../../shared/http/survey-page.ts';

const XSS = '<script>alert("x")</script>';

const view = (overrides: Partial<SurveyView> = {}): SurveyView => ({
  caseNumber: 'CW-7KQ2MD',
  subject: `Refund ${XSS} & 'more'`,
  questions: SURVEY_QUESTIONS.map(({ topic, question }) => ({ topic, question })),
  scale: { min: 1, max: 5 },
  submitted: false,
  ...overrides,
});

const event = (headers: Record<string, string>, body?: string, base64 = false) =>
  ({
    headers,
    ...(body === undefined ? {} : { body: base64 ? Buffer.from(body).toString('base64') : body }),
    isBase64Encoded: base64,
  }) as unknown as APIGatewayProxyEventV2;

const form = (body: string, base64 = false) =>
  formAnswer(event({ 'content-type': 'application/x-www-form-urlencoded' }, body, base64));

const bodyOf = (r: APIGatewayProxyStructuredResultV2) => String(r.body);

/** The `<input>` tags of one radio group. */
const radios = (html: string, name: string) =>
  [...html.matchAll(/<input [^>]*>/g)].map((m) => m[0]).filter((tag) => tag.includes(`name="${name}"`));

describe('content negotiation', () => {
  it.each([
    [
      'Chrome',
      'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
      true,
    ],
    ['Firefox / Safari', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['XHTML only', 'application/xhtml+xml', true],
    ['HTML above JSON', 'application/json;q=0.5, text/html', true],
    ['spaces and case', ' Text/HTML ; q=0.9 , */* ; q=0.1', true],
    ['no Accept', undefined, false],
    ['an API client', 'application/json', false],
    ['problem+json', 'application/problem+json', false],
    ['anything', '*/*', false],
    ['a tie', 'application/json, text/html', false],
    ['JSON above HTML', 'text/html;q=0.5, application/json', false],
    ['HTML refused', 'text/html;q=0, */*', false],
    ['a malformed q', 'text/html;q=abc', false],
    ['garbage', ';;,,;q=', false],
  ])('%s → HTML is %s', (_what, accept, html) => {
    expect(prefersHtml(event(accept === undefined ? {} : { Accept: accept }))).toBe(html);
  });

  it('a form post is the urlencoded media type, with or without a charset', () => {
    expect(isFormPost(event({ 'content-type': 'application/x-www-form-urlencoded' }))).toBe(true);
    expect(isFormPost(event({ 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' }))).toBe(
      true,
    );
    for (const other of ['application/json', 'multipart/form-data', 'text/plain', '']) {
      expect(isFormPost(event({ 'content-type': other }))).toBe(false);
    }
    expect(isFormPost(event({}))).toBe(false);
  });
});

describe('the form body is judged by SurveyAnswerSchema', () => {
  it('reads three integer ratings and the comment, plain or base64-encoded', () => {
    const body = 'overall=5&timeliness=4&friendliness=3&comment=Quick+%26+kind%0D%0Athanks+%C3%A9';
    const expected = {
      ok: true,
      answer: { ratings: { overall: 5, timeliness: 4, friendliness: 3 }, comment: 'Quick & kind\nthanks é' },
    };
    expect(form(body)).toEqual(expected);
    expect(form(body, true)).toEqual(expected);
  });

  it('no comment and an empty comment are both fine; unknown fields are ignored', () => {
    expect(form('overall=1&timeliness=2&friendliness=3')).toEqual({
      ok: true,
      answer: { ratings: { overall: 1, timeliness: 2, friendliness: 3 } },
    });
    expect(form('overall=1&timeliness=2&friendliness=3&comment=&submit=Send')).toMatchObject({
      ok: true,
      answer: { comment: '' },
    });
  });

  it('names every wrong field, keeps what was sent, and accepts nothing the JSON API refuses', () => {
    const result = form(`overall=0&timeliness=${encodeURIComponent(XSS)}&comment=${'x'.repeat(5_001)}`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.form.errors).sort()).toEqual(
      ['comment', 'friendliness', 'overall', 'timeliness'].sort(),
    );
    expect(result.form.values).toMatchObject({ overall: '0', timeliness: XSS });
    expect(result.form.errors.overall).toContain('“0”');
    expect(result.form.errors.friendliness).toBe('Choose a rating from 1 to 5 to answer this question.');
    expect(result.form.errors.comment).toMatch(/5,000 characters or fewer \(it has 5,001\)/);
  });

  it.each([
    ['a six', 'overall=6&timeliness=4&friendliness=3', 'overall'],
    ['a fraction', 'overall=5&timeliness=2.5&friendliness=3', 'timeliness'],
    ['hex', 'overall=0x5&timeliness=4&friendliness=3', 'overall'],
    ['an empty choice', 'overall=5&timeliness=4&friendliness=', 'friendliness'],
    ['two choices', 'overall=5&overall=4&timeliness=4&friendliness=3', 'overall'],
    ['two comments', 'overall=5&timeliness=4&friendliness=3&comment=a&comment=b', 'comment'],
  ])('%s is refused', (_what, body, field) => {
    const result = form(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.form.errors)).toEqual([field]);
  });

  it('CRLF line breaks count once, as the browser counted them for maxlength', () => {
    const comment = `${'x'.repeat(2_499)}\r\n${'y'.repeat(2_500)}`;
    const result = form(`overall=5&timeliness=5&friendliness=5&comment=${encodeURIComponent(comment)}`);
    expect(result).toMatchObject({ ok: true, answer: { comment: comment.replace('\r\n', '\n') } });
  });

  it('a body larger than the API takes is a 400', () => {
    expect(() => form(`comment=${'x'.repeat(300 * 1024)}`)).toThrow(ValidationError);
  });
});

describe('the survey page', () => {
  it('is self-contained, accessible HTML with the strict headers', () => {
    const r = surveyPage(view());
    expect(r.statusCode).toBe(200);
    expect(r.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': SURVEY_PAGE_CSP,
    });
    const csp = String(r.headers?.['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toMatch(/script-src|https?:/);
    const html = bodyOf(r);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).not.toMatch(/<script|<link|<img|src=|https?:\/\//i);
    expect(html).toMatch(/<form method="post">/);
    expect(html).not.toMatch(/<form[^>]*action=/);
  });

  it('escapes the customer-supplied subject', () => {
    const html = bodyOf(surveyPage(view()));
    expect(html).not.toContain(XSS);
    expect(html).toContain('Refund &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;');
    expect(html).toContain('<strong>CW-7KQ2MD</strong>');
  });

  it('asks each question as a required 1–5 radio group in a fieldset with a legend', () => {
    const html = bodyOf(surveyPage(view()));
    expect(html.match(/<fieldset/g)).toHaveLength(3);
    for (const { topic, question } of SURVEY_QUESTIONS) {
      expect(html).toMatch(new RegExp(`<legend>${question.replace(/[?]/g, '\\?')}`));
      const group = radios(html, topic);
      expect(group.map((tag) => /value="(\d)"/.exec(tag)?.[1])).toEqual(['1', '2', '3', '4', '5']);
      for (const tag of group) {
        expect(tag).toContain('type="radio"');
        expect(tag).toContain(' required');
        expect(tag).not.toContain('checked');
      }
    }
    expect(html).toMatch(/<label for="comment">/);
    expect(html).toMatch(/<textarea id="comment" name="comment" rows="5" maxlength="5000">\n<\/textarea>/);
    expect(html).toMatch(/<button type="submit">/);
  });

  it('an answered survey is a thank-you page, not the form', () => {
    const r = surveyPage(view({ submitted: true }));
    expect(r.statusCode).toBe(200);
    expect(bodyOf(r)).toMatch(/already answered/);
    expect(bodyOf(r)).not.toMatch(/<form/);
    expect(bodyOf(r)).toContain('CW-7KQ2MD');
  });
});

describe('the form shown again after a bad post', () => {
  it('is a 400 with a message at each wrong field, re-filled, with every echo escaped', () => {
    const result = form(
      `overall=4&timeliness=${encodeURIComponent(XSS)}&friendliness=9&comment=${encodeURIComponent(`</textarea>${XSS}`)}`,
    );
    if (result.ok) throw new Error('expected a bad form');
    const r = invalidSurveyPage(view(), result.form);
    expect(r.statusCode).toBe(400);
    expect(r.headers?.['content-type']).toBe('text/html; charset=utf-8');
    const html = bodyOf(r);
    expect(html).not.toContain(XSS);
    expect(html).not.toContain('</textarea><script');
    expect(html).toContain('&lt;/textarea&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</textarea>');
    expect(html).toContain('<title>Error: How did we do?');
    expect(html).toMatch(/role="alert"/);
    expect(html).toMatch(/<p class="error" id="timeliness-error">“&lt;script&gt;/);
    expect(html).toMatch(/<p class="error" id="friendliness-error">“9” is not a rating/);
    expect(html).not.toMatch(/id="overall-error"/);
    expect(html).toContain('<fieldset aria-describedby="scale-hint timeliness-error">');
    // The valid choice stays chosen; the wrong groups are flagged for assistive technology.
    expect(radios(html, 'overall').filter((t) => t.includes(' checked'))).toEqual([
      expect.stringContaining('value="4"'),
    ]);
    expect(radios(html, 'friendliness')).toHaveLength(5);
    expect(radios(html, 'friendliness').every((t) => t.includes('aria-invalid="true"'))).toBe(true);
    expect(radios(html, 'overall').some((t) => t.includes('aria-invalid'))).toBe(false);
  });

  it('for an answered survey is a 409 "already answered" page', () => {
    const r = invalidSurveyPage(view({ submitted: true }), { values: {}, errors: { overall: 'x' } });
    expect(r.statusCode).toBe(409);
    expect(bodyOf(r)).toMatch(/already answered/);
  });
});

describe('answers and errors as pages', () => {
  it('a landed answer is a 201 thank-you page', () => {
    const r = thanksPage({ submitted: true, caseNumber: 'CW-<b>' });
    expect(r.statusCode).toBe(201);
    expect(r.headers?.['content-security-policy']).toBe(SURVEY_PAGE_CSP);
    expect(bodyOf(r)).toMatch(/Thank you for your feedback/);
    expect(bodyOf(r)).toContain('CW-&lt;b&gt;');
  });

  it('typed errors keep their status as HTML; anything else is rethrown for the 500 handler', async () => {
    const fail = (e: Error) => () => Promise.reject(e);
    const notFound = await htmlAnswer(fail(new NotFoundError('no survey at this link')));
    expect(notFound.statusCode).toBe(404);
    expect(notFound.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(bodyOf(notFound)).toMatch(/This survey link does not work/);
    const conflict = await htmlAnswer(fail(new ConflictError('this survey was already answered')));
    expect(conflict.statusCode).toBe(409);
    expect(bodyOf(conflict)).toMatch(/already answered/);
    const invalid = await htmlAnswer(fail(new ValidationError(`bad ${XSS}`)));
    expect(invalid.statusCode).toBe(400);
    expect(bodyOf(invalid)).not.toContain(XSS);
    await expect(htmlAnswer(fail(new Error('bug')))).rejects.toThrow('bug');
  });

  it('escapeHtml covers the five markup characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
