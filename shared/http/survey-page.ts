import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { SurveySubmitted, SurveyView } from '../app/survey.ts';
import { escapeHtml } from '../domain/html.ts';
import { SURVEY_COMMENT_MAX } from '../domain/survey.ts';
import { problemFor } from './problem.ts';
import type { FormField, SurveyForm } from './survey-form.ts';

/**
 * The survey link as people use it (docs/survey.md): the mail links to `GET /surveys/{token}`, so a
 * browser (which asks for `text/html`) gets a small self-contained page with a plain HTML form that
 * posts back to the same URL (read by `survey-form.ts`). API clients keep the JSON contract.
 */

/** No scripts, no external assets: inline styles only, and the form may only post back to this API. */
export const SURVEY_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The token is a credential in the URL: keep every answer to it (HTML or JSON) out of caches and referrers. */
export const SURVEY_LINK_HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

/** The page also refuses framing and sniffing. */
const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  ...SURVEY_LINK_HEADERS,
  'content-security-policy': SURVEY_PAGE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  vary: 'Accept',
};

const SCALE = [1, 2, 3, 4, 5] as const;

const STYLE = `
:root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5}
body{margin:0;padding:1rem}
main{max-width:40rem;margin:0 auto}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
fieldset{border:1px solid #888;border-radius:.5rem;margin:0 0 1rem;padding:.75rem 1rem}
legend{font-weight:600;padding:0 .25rem}
.scale{display:flex;flex-wrap:wrap;gap:.5rem 1rem}
.scale label{display:inline-flex;align-items:center;gap:.35rem;min-height:2.75rem;padding:0 .25rem;cursor:pointer}
input[type=radio]{width:1.25rem;height:1.25rem;margin:0}
textarea{box-sizing:border-box;width:100%;font:inherit;padding:.5rem}
label[for=comment]{display:block;font-weight:600;margin-bottom:.25rem}
button{font:inherit;font-weight:600;margin-top:1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:0;background:#1d4ed8;color:#fff;cursor:pointer}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.hint{color:#555}
.error{color:#b00020;font-weight:600;margin:.25rem 0}
.summary{border:3px solid #b00020;border-radius:.5rem;padding:.5rem 1rem;margin-bottom:1rem}
.summary h2{font-size:1.1rem;margin:.25rem 0}
@media (prefers-color-scheme:dark){.hint{color:#bbb}.error{color:#ff8a80}.summary{border-color:#ff8a80}}
`;

function htmlDocument(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`;
}

function htmlResponse(statusCode: number, body: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...HTML_HEADERS }, body };
}

function caseLine(caseNumber: string, subject?: string): string {
  const number = `<strong>${escapeHtml(caseNumber)}</strong>`;
  return subject === undefined ? `<p>Case ${number}</p>` : `<p>Case ${number}: ${escapeHtml(subject)}</p>`;
}

function scaleLabel(n: number): string {
  return n === 1 ? '1 – Poor' : n === 5 ? '5 – Excellent' : String(n);
}

function renderForm(view: SurveyView, form?: SurveyForm): string {
  const errors = form?.errors ?? {};
  const values = form?.values ?? {};
  const invalid = Object.keys(errors).length > 0;
  const summary = invalid
    ? `<div class="summary" role="alert" aria-labelledby="summary-title">
<h2 id="summary-title">Please check your answers</h2>
<ul>
${(Object.entries(errors) as [FormField, string][])
  .map(([field, message]) => {
    const target = field === 'comment' ? 'comment' : `${field}-1`;
    return `<li><a href="#${target}">${escapeHtml(message)}</a></li>`;
  })
  .join('\n')}
</ul>
</div>`
    : '';
  const fieldsets = view.questions
    .map(({ topic, question }) => {
      const error = errors[topic];
      const chosen = values[topic]?.trim();
      const describedBy = error ? `scale-hint ${topic}-error` : 'scale-hint';
      const radios = SCALE.map(
        (n) =>
          `<label><input type="radio" id="${topic}-${n}" name="${topic}" value="${n}" required${
            chosen === String(n) ? ' checked' : ''
          }${error ? ' aria-invalid="true"' : ''}> ${scaleLabel(n)}</label>`,
      ).join('\n');
      return `<fieldset aria-describedby="${describedBy}">
<legend>${escapeHtml(question)} <span class="hint">(required)</span></legend>
${error ? `<p class="error" id="${topic}-error">${escapeHtml(error)}</p>\n` : ''}<div class="scale">
${radios}
</div>
</fieldset>`;
    })
    .join('\n');
  const commentError = errors.comment;
  // The newline after <textarea> is the one the HTML parser drops, so a comment's own first line break stays.
  return `<h1>How did we do?</h1>
${caseLine(view.caseNumber, view.subject)}
${summary}
<form method="post">
<p class="hint" id="scale-hint">Rate each question from 1 (poor) to 5 (excellent).</p>
${fieldsets}
<label for="comment">Anything else you would like to tell us? <span class="hint">(optional)</span></label>
${commentError ? `<p class="error" id="comment-error">${escapeHtml(commentError)}</p>\n` : ''}<textarea id="comment" name="comment" rows="5" maxlength="${SURVEY_COMMENT_MAX}"${
    commentError ? ' aria-invalid="true" aria-describedby="comment-error"' : ''
  }>
${escapeHtml(values.comment ?? '')}</textarea>
<button type="submit">Send my answers</button>
</form>`;
}

function alreadyAnswered(caseNumber?: string): string {
  return htmlDocument(
    'Survey already answered',
    `<h1>Thank you — this survey was already answered</h1>
${caseNumber === undefined ? '' : caseLine(caseNumber)}
<p>We have your answers for this case, and each survey takes one answer. You can close this page.</p>`,
  );
}

/** `GET` for a browser: the form, or a thank-you note when the survey was already answered. */
export function surveyPage(view: SurveyView): APIGatewayProxyStructuredResultV2 {
  if (view.submitted) return htmlResponse(200, alreadyAnswered(view.caseNumber));
  return htmlResponse(200, htmlDocument(`How did we do? — case ${view.caseNumber}`, renderForm(view)));
}

/** A form post that failed validation: the form again, re-filled, with a message at each wrong field. */
export function invalidSurveyPage(view: SurveyView, form: SurveyForm): APIGatewayProxyStructuredResultV2 {
  if (view.submitted) return htmlResponse(409, alreadyAnswered(view.caseNumber));
  return htmlResponse(
    400,
    htmlDocument(`Error: How did we do? — case ${view.caseNumber}`, renderForm(view, form)),
  );
}

/** The answer landed: 201, as the JSON API answers, with a thank-you page. */
export function thanksPage(submitted: SurveySubmitted): APIGatewayProxyStructuredResultV2 {
  return htmlResponse(
    201,
    htmlDocument(
      'Thank you for your feedback',
      `<h1>Thank you for your feedback</h1>
${caseLine(submitted.caseNumber)}
<p>Your answers were recorded. You can close this page.</p>`,
    ),
  );
}

function notFoundPage(): string {
  return htmlDocument(
    'Survey not found',
    `<h1>This survey link does not work</h1>
<p>There is no survey at this link; it may have expired, or the link may be incomplete.
If you copied it from the email, please make sure you copied all of it.</p>`,
  );
}

/**
 * Runs a browser's survey request: errors become HTML pages with the status the JSON API would answer
 * (`problemFor`, the one mapping of errors to HTTP). A 500 is a bug and stays the API's logged 500.
 */
export async function htmlAnswer(
  run: () => Promise<APIGatewayProxyStructuredResultV2>,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    return await run();
  } catch (error) {
    const answer = problemFor(error);
    if (answer.status >= 500) throw error;
    if (answer.status === 404) return htmlResponse(404, notFoundPage());
    if (answer.status === 409) return htmlResponse(409, alreadyAnswered());
    return htmlResponse(
      answer.status,
      htmlDocument(answer.title, `<h1>${escapeHtml(answer.title)}</h1>\n<p>${escapeHtml(answer.detail)}</p>`),
    );
  }
}
