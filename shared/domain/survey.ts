import * as z from 'zod';
import { InstantSchema } from './instant.ts';

import { SURVEY_QUESTIONS, type SurveyTopic } from './survey-questions.ts';

export { SURVEY_QUESTIONS, type SurveyTopic };

/** Longest survey comment kept (characters, after trimming). */
export const SURVEY_COMMENT_MAX = 5_000;

const rating = z.int().min(1, 'must be 1 to 5').max(5, 'must be 1 to 5');

export const SurveyRatingsSchema = z
  .strictObject({ overall: rating, timeliness: rating, friendliness: rating })
  .meta({ id: 'SurveyRatings', description: 'One rating from 1 (poor) to 5 (excellent) per question.' });
export type SurveyRatings = z.infer<typeof SurveyRatingsSchema>;

export const SurveyAnswerSchema = z
  .strictObject({
    ratings: SurveyRatingsSchema,
    comment: z.string().trim().max(SURVEY_COMMENT_MAX).optional(),
  })
  .meta({ id: 'SurveyAnswer' });
export type SurveyAnswer = z.infer<typeof SurveyAnswerSchema>;

/** The survey as the case keeps it: sent once when the case closes, answered at most once. */
export const CaseSurveySchema = z
  .strictObject({
    sentAt: InstantSchema.meta({ description: 'when the survey went out (the case closed)' }),
    submittedAt: InstantSchema.nullable().meta({ description: 'when it was answered; null while it waits' }),
    ratings: SurveyRatingsSchema.nullable(),
    comment: z.string().nullable(),
  })
  .meta({
    id: 'CaseSurvey',
    description:
      'The end-of-case survey: sent once when the case closes, answered once. Sent and waiting for an answer: `submittedAt` is null.',
  });
export type CaseSurvey = z.infer<typeof CaseSurveySchema>;
