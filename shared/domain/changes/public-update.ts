import type { Case } from '../case.ts';
import type { Instant } from '../instant.ts';
import { recordPublicUpdate } from '../sla.ts';
import type { SlaPolicy } from '../sla-policy.ts';
import type { DecidedEvent } from './decision.ts';

/**
 * A public agent message (or a status change with a public note) given at `at`: meets the first
 * response or the update window it answers, and opens the next window. `owed` is the case as it stood
 * before any status move made together with the update (whether an update was owed is decided there);
 * `c` is the case after it (its status decides whether a new window opens).
 */
export function givePublicUpdate(
  c: Case,
  at: Instant,
  policy: SlaPolicy,
  owed: Case = c,
): { sla: Case['sla']; events: DecidedEvent[] } {
  const events: DecidedEvent[] = [];
  const level = owed.sla.level;
  if (owed.sla.firstResponse.metAt === null)
    events.push({ type: 'sla.met', deadline: 'first-response', level });
  else if (owed.sla.updateWindow !== null) events.push({ type: 'sla.met', deadline: 'next-update', level });
  return { sla: recordPublicUpdate(c.sla, at, c.status, policy), events };
}
