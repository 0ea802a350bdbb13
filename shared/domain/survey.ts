import * as z from 'zod';
import type { Instant } from './instant.ts';

/**
 * The three survey questions (docs/survey.md#questions-and-scale), by the topic each score is reported under.
 */
export const SURVEY_QUESTIONS = [
  { topic: 'overall', question: 'Overall, how would you rate the quality of support you received?' },
  { topic: 'timeliness', question: 'How would you rate the timeliness and accuracy of our responses?' },
  { topic: 'friendliness', question: 'How would you rate the friendliness and professionalism of our team?' },
] as const;

export type SurveyTopic = (typeof SURVEY_QUESTIONS)[number]['topic'];

/** Longest survey comment kept (characters, after trimming). */
export const SURVEY_COMMENT_MAX = 5_000;

const rating = z.int().min(1, 'must be 1 to 5').max(5, 'must be 1 to 5');

export const SurveyAnswerSchema = z.strictObject({
  ratings: z.strictObject({ overall: rating, timeliness: rating, friendliness: rating }),
  comment: z.string().trim().max(SURVEY_COMMENT_MAX).optional(),
});
export type SurveyAnswer = z.infer<typeof SurveyAnswerSchema>;
export type SurveyRatings = SurveyAnswer['ratings'];

/** The survey as the case keeps it: sent once when the case closes, answered at most once. */
export interface CaseSurvey {
  sentAt: Instant;
  submittedAt: Instant | null;
  ratings: SurveyRatings | null;
  comment: string | null;
}
