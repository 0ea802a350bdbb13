import type { Case } from '../domain/case.ts';
import type { Outcome } from '../domain/changes/decision.ts';
import { submitSurvey as decideAnswer } from '../domain/changes/survey.ts';
import type { Instant } from '../domain/instant.ts';
import { SURVEY_QUESTIONS, type SurveyAnswer, type SurveyTopic } from '../domain/survey.ts';
import type { SurveyTokens } from '../ports/survey-tokens.ts';
import type { Actor } from './actor.ts';
import { eventActor, isRequester } from './case-access.ts';
import { changeCase } from './change-case.ts';
import type { CoreDeps } from './deps.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';

export type SurveyDeps = CoreDeps & { surveyTokens: SurveyTokens };

/** What the survey page shows: whose case, the questions, and whether it was already answered. */
export interface SurveyView {
  caseNumber: string;
  subject: string;
  questions: { topic: SurveyTopic; question: string }[];
  scale: { min: 1; max: 5 };
  submitted: boolean;
}

export interface SurveySubmitted {
  submitted: true;
  caseNumber: string;
}

/** The link is the credential: access is casewatch's own, the event names the requester. */
const LINK_HOLDER: Actor = { kind: 'system' };

/** One answer for every kind of bad link, so a guess learns nothing about which cases exist. */
export const noSurvey = () => new NotFoundError('no survey at this link; it may have expired');

/** The case a survey link names, if the link verifies (whether it was surveyed is the case's to say). */
async function surveyedCaseId(deps: SurveyDeps, token: string): Promise<string> {
  const caseId = await deps.surveyTokens.verify(token);
  if (caseId === null) throw noSurvey();
  return caseId;
}

/**
 * The survey behind a link (docs/survey.md#the-link-token); a forged or expired link, or a case never
 * surveyed, is a 404.
 */
export async function readSurvey(deps: SurveyDeps, token: string): Promise<SurveyView> {
  const caseId = await surveyedCaseId(deps, token);
  const c = await deps.store.get(caseId);
  if (!c?.survey) throw noSurvey();
  return {
    caseNumber: c.number,
    subject: c.subject,
    questions: SURVEY_QUESTIONS.map(({ topic, question }) => ({ topic, question })),
    scale: { min: 1, max: 5 },
    submitted: c.survey.submittedAt !== null,
  };
}

/**
 * The one answer a case's survey takes (docs/survey.md#one-answer-per-case), whichever way it comes:
 * stored on the case and recorded as `survey.submitted`, which the stream turns into metrics. A second
 * answer is a 409; two racing answers cannot both land, because the write is conditioned on the version
 * the decision was made on and the loser re-decides on the answered case. Answering is not support
 * work: it must not move any SLA deadline of the (closed) case, so nothing is settled.
 */
function recordAnswer(
  deps: CoreDeps,
  actor: Actor,
  caseId: string,
  decide: (c: Case, now: Instant) => Outcome,
): Promise<SurveySubmitted> {
  return changeCase(deps, actor, caseId, undefined, decide, { settle: false }).then((result) => ({
    submitted: true,
    caseNumber: result.case.number,
  }));
}

/** The answer of whoever holds the mailed link; a bad link, or a case never surveyed, is a 404. */
export async function submitSurvey(
  deps: SurveyDeps,
  token: string,
  answer: SurveyAnswer,
): Promise<SurveySubmitted> {
  const caseId = await surveyedCaseId(deps, token);
  return recordAnswer(deps, LINK_HOLDER, caseId, (c, now) => {
    if (!c.survey) throw noSurvey();
    return decideAnswer(c, answer, now);
  }).catch((error: unknown) => {
    // changeCase's 404 names the case id; a link holder gets the same answer as for a bad link.
    throw error instanceof NotFoundError ? noSurvey() : error;
  });
}

/**
 * The requester's answer from the portal (docs/survey.md#answering-from-the-portal): their own case (a
 * case they may not see is a 404), staff may not answer for them (403), and a survey not sent yet —
 * the case is still open — or answered already is the case's refusal, a 409.
 */
export async function answerCaseSurvey(
  deps: CoreDeps,
  actor: Actor,
  caseId: string,
  answer: SurveyAnswer,
): Promise<SurveySubmitted> {
  return recordAnswer(deps, actor, caseId, (c, now) => {
    if (!isRequester(actor, c)) throw new ForbiddenError('only the requester answers the survey');
    return decideAnswer(c, answer, now, eventActor(actor, c));
  });
}
