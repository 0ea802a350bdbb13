import * as z from 'zod';

/** Case statuses as the API spells them (docs/cases.md#statuses). */
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
       * `closed`: the case is closed and closed is final (409). `unchanged`: already in that status.
       * `forbidden`: this actor may not make this move.
       */
      reason: 'closed' | 'unchanged' | 'forbidden';
      detail: string;
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

const ok = { ok: true } as const;
const refuse = (reason: 'closed' | 'unchanged' | 'forbidden', detail: string): TransitionOutcome => ({
  ok: false,
  reason,
  detail,
});

/**
 * May `actor` move a case from `from` to `to`? Agents and leads may move between any two non-closed
 * statuses except back to `new`, and may close; a requester may only close; the system only makes the
 * moves its rules name. Nothing leaves `closed`.
 */
export function checkTransition({ from, to, actor, systemReason }: TransitionRequest): TransitionOutcome {
  if (from === 'closed') return refuse('closed', 'the case is closed; a closed case cannot change');
  if (from === to) return refuse('unchanged', `the case is already ${to}`);
  switch (actor) {
    case 'agent':
    case 'lead':
      return to === 'new' ? refuse('forbidden', 'a case cannot go back to new') : ok;
    case 'requester':
      return to === 'closed' ? ok : refuse('forbidden', 'a requester may only close their case');
    case 'system': {
      const move = systemReason ? SYSTEM_MOVES[systemReason] : undefined;
      return move && move.to === to && move.from.includes(from)
        ? ok
        : refuse('forbidden', `no automatic rule moves a case from ${from} to ${to}`);
    }
  }
}

/**
 * Statuses in which the update clock runs (docs/service-levels.md#pauses-and-stops-by-status): not paused
 * (on_hold) and not stopped.
 */
export function updateClockState(status: CaseStatus): 'running' | 'paused' | 'stopped' {
  if (status === 'on_hold') return 'paused';
  if (status === 'pending_closure' || status === 'closed') return 'stopped';
  return 'running';
}
