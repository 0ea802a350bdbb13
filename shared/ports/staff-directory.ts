/**
 * Who is on the support team: the user pool's `agents` and `leads` groups in AWS, the addresses staff tokens
 * were issued to locally. Only a member may be a case's assignee (docs/cases.md#triage), since the
 * assignee is mailed the case's internal notices and may add internal notes by replying to them.
 */
export interface StaffDirectory {
  /** The role of the enabled, verified member with this email; null for anyone else. */
  roleOf(email: string): Promise<'agent' | 'lead' | null>;
}
