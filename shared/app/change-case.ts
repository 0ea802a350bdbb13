import type { Case } from '../domain/case.ts';
import { type DecidedEvent, isRefusal, type Outcome, type Refusal } from '../domain/changes/decision.ts';
import { followEscalation } from '../domain/changes/escalation.ts';
import { endMeetingsOfClosedCase } from '../domain/changes/meeting.ts';
import { type Instant, toInstant } from '../domain/instant.ts';
import { type SettledEvent, settleDue } from '../domain/settle.ts';
import { reviseAtRisk } from '../domain/sla.ts';
import type { SlaPolicy } from '../domain/sla-policy.ts';
import { SYSTEM_ACTOR, type TimelineEvent } from '../domain/timeline.ts';
import type { AttachmentRecord } from '../ports/case-store.ts';
import type { Actor } from './actor.ts';
import { eventActor, visibleOr404 } from './case-access.ts';
import type { CoreDeps } from './deps.ts';
import { ConflictError, PreconditionFailedError, refusedError } from './errors.ts';

const isLead = (actor: Actor) => actor.kind === 'staff' && actor.role === 'lead';

/** Attempts before a burst of concurrent writers gets a 409 instead of waiting forever. */
const MAX_ATTEMPTS = 12;
/** Back-off ceiling per attempt: full jitter over 10 ms, 20 ms, 40 ms … capped here. */
const MAX_BACKOFF_MS = 250;

export interface ChangeOptions {
  /**
   * Settle deadlines that fell due before deciding (default): the caller acts on the case as it
   * stands now, whether or not its timers have been delivered yet.
   */
  settle?: boolean;
  /** Written with the change; a change already applied under this key is refused (`AlreadyAppliedError`). */
  onceKey?: string | undefined;
  /** The records of the files the change adds, written with it (not when it is refused). */
  attachments?: readonly AttachmentRecord[] | undefined;
  /**
   * The case as stored, when the caller holds it already: the first attempt decides on it instead of
   * reading again. Only for a change that always writes, so a stale copy loses the conditional write
   * and is re-read like any lost race.
   */
  stored?: Case;
}

/**
 * Brings a case as it was stored up to `now` (docs/timers.md#settling-due-deadlines): each deadline that fell
 * due since is dated at its own due instant, never at the case's last write. That write may be bookkeeping
 * that settles nothing (a bounce recorded, a survey sent); and every change settles in its own write what it
 * made past, so no deadline still open on a stored case fell due "at once".
 */
export function settleStored(
  c: Case,
  now: Instant,
  policy: SlaPolicy,
): { case: Case; events: SettledEvent[] } {
  return settleDue(c, now, policy, c.sla.openedAt);
}

/** The decided case with its at-risk marks following the windows as the change left them. */
function followWindows(c: Case, now: Instant, policy: SlaPolicy): Case {
  const sla = reviseAtRisk(c.sla, now, policy);
  return sla === c.sla ? c : { ...c, sla };
}

/**
 * Read → settle → decide → conditional write, the one way a case changes. `decide` checks who may act
 * (throwing) and answers the domain's decision or refusal; what every change does besides (a lead's
 * answering a waiting escalation) is applied here, to each. A refusal writes nothing of its own but
 * still records the deadlines that fell due before it (an auto-close the refusal rests on), then
 * throws its error (`refusedError`). With `If-Match` a lost race is the caller's 412; without it the change is
 * re-decided on the fresh case, so concurrent messages all land.
 */
export async function changeCase(
  deps: CoreDeps,
  actor: Actor,
  caseId: string,
  ifMatch: number | undefined,
  decide: (c: Case, now: Instant) => Outcome,
  options: ChangeOptions = {},
): Promise<{ case: Case; events: TimelineEvent[] }> {
  let held = options.stored;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = visibleOr404(actor, held ?? (await deps.store.get(caseId)), caseId);
    held = undefined;
    if (ifMatch !== undefined && current.version !== ifMatch) {
      throw new PreconditionFailedError(
        `the case is at version ${current.version}, not ${ifMatch}`,
        current.version,
      );
    }
    const now = toInstant(deps.clock.now());
    const settle = options.settle !== false;
    // Before: deadlines that fell due since the last write, as of their instants. After: deadlines
    // this very change made past (a raised severity), which fall due now, and at-risk marks it moved out
    // of reach (a lowered one).
    const before = settle ? settleStored(current, now, deps.policy) : { case: current, events: [] };
    const decided = decide(before.case, now);
    let refusal: Refusal | null = null;
    let leadDecided = false;
    let next: Case;
    let events: DecidedEvent[];
    if (isRefusal(decided)) {
      refusal = decided;
      next = before.case;
      events = before.events.map((e) => ({ ...e, actor: SYSTEM_ACTOR }));
    } else {
      leadDecided = decided.events.length > 0 && isLead(actor);
      const after = settle
        ? settleDue(followWindows(decided.case, now, deps.policy), now, deps.policy, now)
        : { case: decided.case, events: [] };
      next = after.case;
      events = [
        ...before.events.map((e) => ({ ...e, actor: SYSTEM_ACTOR })),
        ...decided.events,
        ...after.events.map((e) => ({ ...e, actor: SYSTEM_ACTOR })),
      ];
    }
    // A waiting escalation is answered by whatever a lead decides, and is moot once the case is closed.
    next = followEscalation(next, leadDecided);
    // A case that closed (by anyone, or by itself) calls off its live meetings in the same write.
    const ended = endMeetingsOfClosedCase(next, now);
    if (ended.events.length > 0) {
      next = ended.case;
      events = [...events, ...ended.events];
    }
    if (events.length === 0 && next === current) {
      if (refusal) throw refusedError(refusal, current);
      return { case: current, events: [] };
    }
    const stored: Case = { ...next, version: current.version + 1, updatedAt: now };
    const timeline: TimelineEvent[] = events.map(
      ({ actor: by, at, ...body }) =>
        ({
          ...body,
          id: deps.ids.next(),
          caseId,
          at: at ?? now,
          actor: by ?? eventActor(actor, current),
          caseVersion: stored.version,
        }) as TimelineEvent,
    );
    const outcome = await deps.store.update(stored, current.version, timeline, {
      previous: current,
      // A refused change did not happen: its key stays free for whatever the caller does instead, and
      // its files are not on this case.
      ...(options.onceKey && !refusal ? { onceKey: options.onceKey } : {}),
      ...(options.attachments && !refusal ? { attachments: options.attachments } : {}),
    });
    if (outcome.ok) {
      if (refusal) throw refusedError(refusal, stored);
      return { case: stored, events: timeline };
    }
    if (ifMatch !== undefined)
      throw new PreconditionFailedError('the case changed while this request was applied');
    // Lost a race: back off with full jitter (a random wait up to an exponentially growing ceiling), so a
    // burst of writers spreads out instead of colliding again in lockstep.
    const ceiling = Math.min(MAX_BACKOFF_MS, 10 * 2 ** attempt);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
  }
  throw new ConflictError('the case is changing too often right now; try again in a moment', {
    retryAfterSeconds: 1,
  });
}
