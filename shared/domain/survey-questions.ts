/**
 * The three survey questions (docs/survey.md#questions-and-scale), by the topic each score is reported under.
 * A module of its own, importing nothing, so the portal asks them in the same words as the mailed survey.
 */
export const SURVEY_QUESTIONS = [
  { topic: 'overall', question: 'Overall, how would you rate the quality of support you received?' },
  { topic: 'timeliness', question: 'How would you rate the timeliness and accuracy of our responses?' },
  { topic: 'friendliness', question: 'How would you rate the friendliness and professionalism of our team?' },
] as const;

export type SurveyTopic = (typeof SURVEY_QUESTIONS)[number]['topic'];
