import type { Case } from '../case.ts';
import type { Instant } from '../instant.ts';
import type { SurveyAnswer } from '../survey.ts';
import { type EventActor, SYSTEM_ACTOR } from '../timeline.ts';
import type { Outcome } from './decision.ts';

/**
 * The survey goes out once per case, when it closes, dated at the closing itself (so when the reaction
 * runs, late or replayed, changes nothing recorded). A case without a requester address gets none.
 */
export function recordSurveySent(c: Case, closedAt: Instant): Outcome {
  if (c.survey !== null) return { refused: 'done', detail: 'the survey was already sent' };
  if (!c.requester.email) return { refused: 'unchanged', detail: 'the case has no requester address' };
  return {
    case: { ...c, survey: { sentAt: closedAt, submittedAt: null, ratings: null, comment: null } },
    events: [{ type: 'survey.sent', at: closedAt, actor: SYSTEM_ACTOR }],
  };
}

/** The requester as the timeline shows them (whoever holds a mailed link acts as them), by their address when the case has one. */
export function requesterActor(c: Case): EventActor {
  return { role: c.type === 'seller' ? 'seller' : 'consumer', id: c.requester.email ?? c.type };
}

/**
 * The one answer a survey takes: the ratings and comment kept on the case and its timeline, answered by
 * `by` when the caller is known (the requester in the portal), else by the requester as the case names
 * them (whoever holds the mailed link).
 */
export function submitSurvey(c: Case, answer: SurveyAnswer, at: Instant, by?: EventActor): Outcome {
  if (!c.survey) return { refused: 'unchanged', detail: 'no survey was sent for this case' };
  if (c.survey.submittedAt !== null) return { refused: 'done', detail: 'this survey was already answered' };
  const ratings = { ...answer.ratings };
  const comment = answer.comment?.trim() || null;
  return {
    case: { ...c, survey: { ...c.survey, submittedAt: at, ratings, comment } },
    events: [{ type: 'survey.submitted', ratings, comment, actor: by ?? requesterActor(c) }],
  };
}
