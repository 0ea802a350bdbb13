import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  SURVEY_COMMENT_MAX,
  SURVEY_QUESTIONS,
  type SurveyAnswer,
  SurveyAnswerSchema,
  type SurveyTopic,
} from '../domain/survey.ts';
import { assertBodySize, bodyText, fieldErrors, header } from './request.ts';

/*
 * The survey as a browser posts it: the page's plain HTML form sends
 * `application/x-www-form-urlencoded`, which is only reshaped into the JSON answer and judged by
 * `SurveyAnswerSchema`, so both encodings accept exactly the same answers; what is wrong comes back as
 * one message per field, in words a person reads next to the field.
 */

/** What the survey form sends (a browser's default form encoding). */
export function isFormPost(event: APIGatewayProxyEventV2): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(header(event, 'content-type') ?? '');
}

export type FormField = SurveyTopic | 'comment';

/** A form to show again: what was sent (to re-fill it) and one message per field that is wrong. */
export interface SurveyForm {
  values: Partial<Record<FormField, string>>;
  errors: Partial<Record<FormField, string>>;
}

export type FormAnswer = { ok: true; answer: SurveyAnswer } | { ok: false; form: SurveyForm };

const TOPICS: readonly SurveyTopic[] = SURVEY_QUESTIONS.map((q) => q.topic);

/** A radio's value as the schema should judge it: digits become a number, anything else stays as sent. */
function ratingCandidate(sent: string[]): unknown {
  if (sent.length !== 1) return sent.length === 0 ? undefined : sent;
  const value = (sent[0] as string).trim();
  if (value === '') return undefined;
  return /^[+-]?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/**
 * The urlencoded form, reshaped into the JSON answer and judged by `SurveyAnswerSchema`, so both
 * encodings accept exactly the same answers. A body too large to be the form is a 400.
 */
export function formAnswer(event: APIGatewayProxyEventV2): FormAnswer {
  const raw = bodyText(event);
  assertBodySize(raw);
  const params = new URLSearchParams(raw);
  const values: SurveyForm['values'] = {};
  const ratings: Record<string, unknown> = {};
  for (const topic of TOPICS) {
    const sent = params.getAll(topic);
    if (sent[0] !== undefined) values[topic] = sent[0];
    ratings[topic] = ratingCandidate(sent);
  }
  // Browsers submit a textarea's line breaks as CRLF but count them as one character for maxlength.
  const comments = params.getAll('comment').map((c) => c.replace(/\r\n?/g, '\n'));
  if (comments[0] !== undefined) values.comment = comments[0];
  const comment = comments.length > 1 ? comments : comments[0];
  const candidate = { ratings, ...(comment === undefined ? {} : { comment }) };

  const result = SurveyAnswerSchema.safeParse(candidate);
  if (result.success) return { ok: true, answer: result.data };
  const errors: SurveyForm['errors'] = {};
  for (const { field } of fieldErrors(result.error)) {
    const topic = TOPICS.find((t) => field === `ratings.${t}`);
    if (topic) {
      const given = values[topic]?.trim();
      errors[topic] = given
        ? `“${given}” is not a rating: choose 1 to 5.`
        : 'Choose a rating from 1 to 5 to answer this question.';
    } else if (field === 'comment') {
      errors.comment =
        typeof comment === 'string'
          ? `Keep the comment to ${SURVEY_COMMENT_MAX.toLocaleString('en')} characters or fewer (it has ${comment.trim().length.toLocaleString('en')}).`
          : 'Send one comment only.';
    }
  }
  return { ok: false, form: { values, errors } };
}
