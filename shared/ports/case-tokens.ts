/**
 * Bearer tokens that let a buyer without an account act on exactly one case (`X-Case-Token`,
 * docs/api.md#authentication).
 */
export interface CaseTokens {
  issue(caseId: string): Promise<string>;
  /** The case the token was issued for, or null for anything forged, tampered with or signed by an old key. */
  verify(token: string): Promise<string | null>;
}
