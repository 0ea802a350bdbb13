import type { Case } from '../case.ts';
import type { Instant } from '../instant.ts';
import { recordStatusChange } from '../sla.ts';
import type { SlaPolicy } from '../sla-policy.ts';
import { type CaseStatus, checkTransition, type StatusActor, type SystemReason } from '../status.ts';
import { SYSTEM_ACTOR } from '../timeline.ts';
import type { DecidedEvent, Outcome } from './decision.ts';
import { givePublicUpdate } from './public-update.ts';

export interface StatusMove {
  to: CaseStatus;
  by: StatusActor;
  /** For `system`: which automatic rule wants the move (each allows one kind of move). */
  reason?: SystemReason;
  note?: string | null | undefined;
  /** A public note is customer-visible and, from staff, counts as an update (docs/service-levels.md). */
  publicNote?: boolean | undefined;
}

/**
 * The status machine's one owner: whether `by` may move the case to `to`, and if so the moved case
 * with its SLA clocks adjusted, the `status.changed` event (public when the requester or casewatch
 * moved it, or the note is public), a public update when staff gave a public note, and `case.closed`
 * when it closed. casewatch's own moves are signed by the system, whoever's request led to them.
 */
export function moveStatus(c: Case, move: StatusMove, at: Instant, policy: SlaPolicy): Outcome {
  const check = checkTransition({ from: c.status, to: move.to, actor: move.by, systemReason: move.reason });
  if (!check.ok) return { refused: check.reason, detail: check.detail, allowed: check.allowed };
  const byCasewatch = move.by === 'system' ? { actor: SYSTEM_ACTOR } : {};
  const publicNote = move.note != null && move.publicNote === true;
  const customerReplied = move.reason === 'customer-replied';
  const moved: Case = {
    ...c,
    status: move.to,
    sla: recordStatusChange(c.sla, c.status, move.to, at, customerReplied),
  };
  const events: DecidedEvent[] = [
    {
      type: 'status.changed',
      from: c.status,
      to: move.to,
      note: move.note ?? null,
      visibility: publicNote || move.by === 'requester' || move.by === 'system' ? 'public' : 'internal',
      ...byCasewatch,
    },
  ];
  let next = moved;
  if (publicNote && (move.by === 'agent' || move.by === 'lead')) {
    const update = givePublicUpdate(moved, at, policy, c);
    next = { ...moved, sla: update.sla };
    events.push(...update.events);
  }
  if (move.to === 'closed')
    events.push({ type: 'case.closed', auto: move.reason === 'auto-close', ...byCasewatch });
  return { case: next, events };
}
