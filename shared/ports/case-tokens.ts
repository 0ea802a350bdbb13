/** Bearer tokens that let a buyer without an account act on exactly one case (SPEC §7 `X-Case-Token`). */
export interface CaseTokens {
  issue(caseId: string): Promise<string>;
  /** The case the token was issued for, or null for anything forged, tampered with or signed by an old key. */
  verify(token: string): Promise<string | null>;
}
