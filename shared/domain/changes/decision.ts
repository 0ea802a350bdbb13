import type { Case } from '../case.ts';
import type { Instant } from '../instant.ts';
import type { CaseStatus } from '../status.ts';
import type { EventActor, TimelineEventBody } from '../timeline.ts';

/**
 * An event a decision causes. `actor` only when casewatch itself caused it rather than whoever asked
 * (an assignment opening a new case is the system's move); `at` only when it logically happened before
 * the change is written (a deadline that fell due).
 */
export type DecidedEvent = TimelineEventBody & { actor?: EventActor; at?: Instant };

/** What a change makes of a case: the case after it and the events it writes with it. */
export interface Decision {
  case: Case;
  events: DecidedEvent[];
}

/**
 * Why a change cannot be made to the case as it stands: `closed` (closed is final), `unchanged` (it is
 * so already), `not-allowed` (the status machine has no such move for this actor), `done` (it happens
 * once and happened). Every refusal is the case's answer, not the caller's lack of rights.
 */
export interface Refusal {
  refused: 'closed' | 'unchanged' | 'not-allowed' | 'done';
  detail: string;
  /** For a status move: the moves the actor may make from here. */
  allowed?: CaseStatus[];
}

/** Every kind of change is `(case, command, at) → Outcome`: a decision or a refusal, nothing else. */
export type Outcome = Decision | Refusal;

export function isRefusal(outcome: Outcome): outcome is Refusal {
  return 'refused' in outcome;
}

export const CLOSED_IS_FINAL = 'the case is closed; a closed case cannot change';

/** A closed case takes no further change; a requester's message on it opens a new case instead. */
export function refuseIfClosed(c: Case): Refusal | null {
  return c.status === 'closed' ? { refused: 'closed', detail: CLOSED_IS_FINAL } : null;
}
