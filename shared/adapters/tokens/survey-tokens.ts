import type { Clock } from '../../ports/clock.ts';
import type { SurveyTokens } from '../../ports/survey-tokens.ts';
import { createLinkTokens } from './link-tokens.ts';

/** Not `casewatch:case`: a case token never passes as a survey link, nor the other way round. */
const AUDIENCE = 'casewatch:survey';

/** How long a survey link works after it is mailed; a late answer says little about the support given. */
export const SURVEY_TOKEN_LIFETIME_SECONDS = 60 * 24 * 60 * 60;

/** Survey links (docs/survey.md#the-link-token): one case each, valid for 60 days from issue. */
export function createSurveyTokens(key: () => Promise<Uint8Array>, clock: Clock): SurveyTokens {
  const links = createLinkTokens({
    audience: AUDIENCE,
    lifetimeSeconds: SURVEY_TOKEN_LIFETIME_SECONDS,
    key,
    clock,
  });
  return {
    issue: (caseId) => links.issue(caseId),
    verify: async (token) => (await links.verify(token))?.sub ?? null,
  };
}
