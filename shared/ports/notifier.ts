import type { Case } from '../domain/case.ts';
import type { Instant } from '../domain/instant.ts';

/** Internal notices to the support team (SPEC §3): to the assignee, or the leads when unassigned. */
export type Notice =
  | { kind: 'sla.at_risk'; case: Case; deadline: 'first-response' | 'next-update'; dueAt: Instant }
  | {
      kind: 'sla.breached';
      case: Case;
      deadline: 'first-response' | 'next-update';
      dueAt: Instant;
      breachedAt: Instant;
    };

export interface Notifier {
  notify(notice: Notice): Promise<void>;
}
