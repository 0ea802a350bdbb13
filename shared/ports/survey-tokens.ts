/** Signed survey links: one token names one case; anything else does not verify. */
export interface SurveyTokens {
  issue(caseId: string): Promise<string>;
  /** The case id, or null for a forged, altered, expired or foreign token. */
  verify(token: string): Promise<string | null>;
}
