import type { Case } from './api.ts';

export type SlaState = 'breached' | 'at-risk' | 'ok' | 'none';

export interface NextDeadline {
  kind: 'first response' | 'next update' | 'auto-close';
  dueAt: string;
  /** The server recorded this deadline as missed: it is overdue, whatever the reader's clock says. */
  breached: boolean;
}

/** What the case owes next and when: an unmet first response, the update window, or the auto-close. */
export function nextDeadline(c: Case): NextDeadline | null {
  if (c.status === 'closed') return null;
  const candidates: NextDeadline[] = [];
  const { firstResponse, nextUpdate, autoCloseAt } = c.sla;
  if (firstResponse.metAt === null)
    candidates.push({
      kind: 'first response',
      dueAt: firstResponse.dueAt,
      breached: firstResponse.breachedAt !== null,
    });
  else if (nextUpdate.dueAt !== null)
    candidates.push({
      kind: 'next update',
      dueAt: nextUpdate.dueAt,
      breached: nextUpdate.breachedAt !== null,
    });
  if (autoCloseAt !== null) candidates.push({ kind: 'auto-close', dueAt: autoCloseAt, breached: false });
  candidates.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  return candidates[0] ?? null;
}

/**
 * Where the case stands against its promises, from what the server recorded (`atRiskAt`, `breachedAt`):
 * a breach not yet answered, or a deadline at risk.
 */
export function slaState(c: Case): SlaState {
  if (c.status === 'closed') return 'none';
  const { firstResponse, nextUpdate } = c.sla;
  const firstOpen = firstResponse.metAt === null;
  if ((firstOpen && firstResponse.breachedAt) || nextUpdate.breachedAt) return 'breached';
  if ((firstOpen && firstResponse.atRiskAt) || nextUpdate.atRiskAt) return 'at-risk';
  return nextDeadline(c) ? 'ok' : 'none';
}
