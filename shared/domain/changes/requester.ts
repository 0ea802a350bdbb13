import type { Case } from '../case.ts';
import type { Outcome } from './decision.ts';
import { refuseIfClosed } from './decision.ts';

/** The requester asks for more attention: recorded on the timeline; the leads hear of it from there. */
export function requestEscalation(c: Case, reason: string): Outcome {
  return refuseIfClosed(c) ?? { case: c, events: [{ type: 'escalation.requested', reason }] };
}
