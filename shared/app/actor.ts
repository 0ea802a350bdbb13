/**
 * Who is calling, once the edge has checked their credential. Authorization decisions are made on
 * this in the use cases, never in the handlers.
 */
export type Actor =
  | { kind: 'staff'; role: 'agent' | 'lead'; email: string }
  | { kind: 'seller'; email: string; sellerId: string }
  /** A buyer holding the case token of exactly one case. */
  | { kind: 'consumer'; caseId: string }
  | { kind: 'anonymous' }
  /** casewatch itself: timers firing, automatic moves. Sees every case. */
  | { kind: 'system' };
