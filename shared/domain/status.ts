import * as z from 'zod';
import { CASE_STATUSES, type CaseStatus } from './case-statuses.ts';

export { CASE_STATUSES, type CaseStatus };
export const CaseStatusSchema = z.enum(CASE_STATUSES);

/** A status a case still counts in the backlog with: every one but closed. */
export type BacklogStatus = Exclude<CaseStatus, 'closed'>;
/** The backlog's statuses, in API order: what the backlog counters, the dashboard and the queue count. */
export const BACKLOG_STATUSES: readonly BacklogStatus[] = CASE_STATUSES.filter(
  (s): s is BacklogStatus => s !== 'closed',
);

/**
 * Who asks for a change. `system` is casewatch itself: an assignment opening a new case, a customer
 * message reopening a waiting case, the auto-close timer.
 */
export type StatusActor = 'agent' | 'lead' | 'requester' | 'system';

/** Why the system moves a case; each reason allows exactly one kind of move. */
export type SystemReason = 'assigned' | 'customer-replied' | 'auto-close';

export type TransitionOutcome =
  | { ok: true }
  | {
      ok: false;
      /**
       * `closed`: the case is closed and closed is final. `unchanged`: already in that status.
       * `not-allowed`: the status machine has no such move for this actor (back to new, say).
       */
      reason: 'closed' | 'unchanged' | 'not-allowed';
      detail: string;
      /** The moves this actor may make from here (none from closed), so a client can offer them. */
      allowed: CaseStatus[];
    };

export interface TransitionRequest {
  from: CaseStatus;
  to: CaseStatus;
  actor: StatusActor;
  /** Required for the system: which automatic rule wants the move. */
  systemReason?: SystemReason;
}

const SYSTEM_MOVES: Record<SystemReason, { from: readonly CaseStatus[]; to: CaseStatus }> = {
  assigned: { from: ['new'], to: 'open' },
  'customer-replied': { from: ['pending_closure', 'on_hold'], to: 'open' },
  'auto-close': { from: ['pending_closure'], to: 'closed' },
};

/**
 * The moves the machine has: agents and leads between any two non-closed statuses except back to
 * `new`, and to closed; a requester only to closed; the system only the moves its rules name. Nothing
 * leaves `closed`, and nothing moves to where it already is.
 */
function mayMove({ from, to, actor, systemReason }: TransitionRequest): boolean {
  if (from === 'closed' || from === to) return false;
  switch (actor) {
    case 'agent':
    case 'lead':
      return to !== 'new';
    case 'requester':
      return to === 'closed';
    case 'system': {
      const move = systemReason ? SYSTEM_MOVES[systemReason] : undefined;
      return move !== undefined && move.to === to && move.from.includes(from);
    }
  }
}

/** Where `actor` may move a case that is `from`, in status order. */
export function allowedMoves(
  from: CaseStatus,
  actor: StatusActor,
  systemReason?: SystemReason,
): CaseStatus[] {
  return CASE_STATUSES.filter((to) =>
    mayMove({ from, to, actor, ...(systemReason ? { systemReason } : {}) }),
  );
}

/** May `actor` move a case from `from` to `to`? If not, why, and where it may go instead. */
export function checkTransition(request: TransitionRequest): TransitionOutcome {
  if (mayMove(request)) return { ok: true };
  const { from, to, actor, systemReason } = request;
  const allowed = allowedMoves(from, actor, systemReason);
  if (from === 'closed')
    return {
      ok: false,
      reason: 'closed',
      detail: 'the case is closed; a closed case cannot change',
      allowed,
    };
  if (from === to) return { ok: false, reason: 'unchanged', detail: `the case is already ${to}`, allowed };
  const detail =
    actor === 'requester'
      ? 'a requester may only close their case'
      : actor === 'system'
        ? `no automatic rule moves a case from ${from} to ${to}`
        : to === 'new'
          ? 'a case cannot go back to new'
          : `a case cannot move from ${from} to ${to}`;
  return { ok: false, reason: 'not-allowed', detail, allowed };
}

/**
 * What a status does to the update clock (docs/service-levels.md#pauses-and-stops-by-status): it runs, except
 * while the case waits — on hold or pending closure, where the window is paused and keeps the time it had
 * left — and it stops for good once the case is closed.
 */
export function updateClockState(status: CaseStatus): 'running' | 'paused' | 'stopped' {
  if (status === 'on_hold' || status === 'pending_closure') return 'paused';
  if (status === 'closed') return 'stopped';
  return 'running';
}
