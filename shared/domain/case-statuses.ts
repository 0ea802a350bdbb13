/**
 * Case statuses as the API spells them (docs/cases.md#statuses), in the order the status machine walks
 * them. Kept apart from `status.ts` (and its zod schema) so the portal can use the list without zod.
 */
export const CASE_STATUSES = [
  'new',
  'open',
  'working',
  'pending_internal',
  'pending_closure',
  'on_hold',
  'closed',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
