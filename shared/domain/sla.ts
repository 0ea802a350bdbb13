import * as z from 'zod';
import { type Instant, InstantSchema } from './instant.ts';
import type { SeverityLevel } from './severity.ts';
import type { Pause, SlaPolicy, WindowStart } from './sla-policy.ts';
import { type CaseStatus, updateClockState } from './status.ts';

/**
 * A case's service-level state (docs/service-levels.md#severity-changes): only the facts — when things
 * started, were met, paused, put at risk or breached. Every due instant is derived from them with the current
 * policy and level, so a severity change recomputes open deadlines from their original start instants for
 * free.
 */
export interface SlaState {
  level: SeverityLevel;
  openedAt: Instant;
  workaroundAt: Instant | null;
  firstResponse: SettledDeadline;
  /** The latest public agent message: the update that met the previous window. */
  lastUpdateAt: Instant | null;
  /** The update window now owed (paused while the case waits); null before the first response, once closed. */
  updateWindow: UpdateWindow | null;
  pendingClosureSince: Instant | null;
}

export interface SettledDeadline {
  metAt: Instant | null;
  atRiskAt: Instant | null;
  breachedAt: Instant | null;
  /** Frozen when the deadline is met or breached, so a later severity change does not rewrite history. */
  settledDueAt: Instant | null;
}

export interface UpdateWindow extends WindowStart, Omit<SettledDeadline, 'metAt'> {}

export type DeadlineKind = 'first-response' | 'next-update';

const openDeadline = (): SettledDeadline => ({
  metAt: null,
  atRiskAt: null,
  breachedAt: null,
  settledDueAt: null,
});

export function openSla(openedAt: Instant, level: SeverityLevel): SlaState {
  return {
    level,
    openedAt,
    workaroundAt: null,
    firstResponse: openDeadline(),
    lastUpdateAt: null,
    updateWindow: null,
    pendingClosureSince: null,
  };
}

function newWindow(at: Instant, status: CaseStatus): UpdateWindow | null {
  const clock = updateClockState(status);
  if (clock === 'stopped') return null;
  const pauses: Pause[] = clock === 'paused' ? [{ from: at, to: null }] : [];
  return { startedAt: at, pauses, atRiskAt: null, breachedAt: null, settledDueAt: null };
}

/**
 * A public agent message (or a customer-visible status change with a public note) at `at`, with the
 * case now in `status`: it meets the first response if still owed and starts a new update window.
 */
export function recordPublicUpdate(
  sla: SlaState,
  at: Instant,
  status: CaseStatus,
  policy: SlaPolicy,
): SlaState {
  const firstResponse =
    sla.firstResponse.metAt === null
      ? {
          ...sla.firstResponse,
          metAt: at,
          settledDueAt: sla.firstResponse.settledDueAt ?? firstResponseDueAt(sla, policy),
        }
      : sla.firstResponse;
  return { ...sla, firstResponse, lastUpdateAt: at, updateWindow: newWindow(at, status) };
}

/**
 * The case moved from `from` to `to` at `at` (docs/service-levels.md#pauses-and-stops-by-status). Waiting (on
 * hold, pending closure) pauses the update window, which keeps the time it had left, and a running status
 * resumes it — a breached window stays breached and owed; closed stops it. `customerReplied`: the requester
 * wrote back to a case pending closure, so a fresh window starts unless the update is already overdue.
 */
export function recordStatusChange(
  sla: SlaState,
  from: CaseStatus,
  to: CaseStatus,
  at: Instant,
  customerReplied = false,
): SlaState {
  const before = updateClockState(from);
  const after = updateClockState(to);
  const pendingClosureSince = to === 'pending_closure' ? (from === to ? sla.pendingClosureSince : at) : null;
  let updateWindow = sla.updateWindow;
  // A case that entered pending closure while that dropped the window (before it paused) has none to resume.
  const fresh =
    from === 'pending_closure' &&
    sla.firstResponse.metAt !== null &&
    (updateWindow === null || (customerReplied && updateWindow.breachedAt === null));
  if (after === 'stopped') {
    updateWindow = null;
  } else if (fresh) {
    updateWindow = newWindow(at, to);
  } else if (updateWindow && before === 'running' && after === 'paused') {
    updateWindow = { ...updateWindow, pauses: [...updateWindow.pauses, { from: at, to: null }] };
  } else if (updateWindow && before === 'paused' && after === 'running') {
    updateWindow = {
      ...updateWindow,
      pauses: updateWindow.pauses.map((p) => (p.to === null ? { ...p, to: at } : p)),
    };
  }
  return { ...sla, pendingClosureSince, updateWindow };
}

export function recordSeverityChange(sla: SlaState, level: SeverityLevel): SlaState {
  return { ...sla, level };
}

/**
 * A workaround or resolution: level 1's daily updates relax to level 2's
 * (docs/service-levels.md#level-1-after-a-workaround).
 */
export function recordWorkaround(sla: SlaState, at: Instant): SlaState {
  return sla.workaroundAt === null ? { ...sla, workaroundAt: at } : sla;
}

export function recordAtRisk(sla: SlaState, deadline: DeadlineKind, at: Instant): SlaState {
  if (deadline === 'first-response') return { ...sla, firstResponse: { ...sla.firstResponse, atRiskAt: at } };
  return sla.updateWindow ? { ...sla, updateWindow: { ...sla.updateWindow, atRiskAt: at } } : sla;
}

/** A breach at `at` of the deadline that was due at `dueAt`; the window stays owed until it is met. */
export function recordBreach(sla: SlaState, deadline: DeadlineKind, dueAt: Instant, at: Instant): SlaState {
  if (deadline === 'first-response') {
    return { ...sla, firstResponse: { ...sla.firstResponse, breachedAt: at, settledDueAt: dueAt } };
  }
  return sla.updateWindow
    ? { ...sla, updateWindow: { ...sla.updateWindow, breachedAt: at, settledDueAt: dueAt } }
    : sla;
}

/**
 * An at-risk mark stands only while its deadline is open and its window has reached its at-risk point
 * (docs/service-levels.md#at-risk). A change that moves the point after `at` — a lowered level, a workaround's
 * longer period — takes the mark away, and the window's own timer gives it again when the point comes. A met
 * or breached deadline keeps its mark: history is not rewritten. Answers `sla` itself when nothing moved.
 */
export function reviseAtRisk(sla: SlaState, at: Instant, policy: SlaPolicy): SlaState {
  const fr = sla.firstResponse;
  const frOutOfReach =
    fr.atRiskAt !== null &&
    fr.metAt === null &&
    fr.breachedAt === null &&
    firstResponseAtRiskDueAt(sla, policy) > at;
  const w = sla.updateWindow;
  const risk =
    w && w.atRiskAt !== null && w.breachedAt === null ? nextUpdateAtRiskDueAt(sla, policy) : undefined;
  // Null: a paused window that had not reached its (new) at-risk point when it paused.
  const windowOutOfReach = risk !== undefined && (risk === null || risk > at);
  if (!frOutOfReach && !windowOutOfReach) return sla;
  return {
    ...sla,
    firstResponse: frOutOfReach ? { ...fr, atRiskAt: null } : fr,
    updateWindow: w && windowOutOfReach ? { ...w, atRiskAt: null } : w,
  };
}

export function firstResponseDueAt(sla: SlaState, policy: SlaPolicy): Instant {
  return sla.firstResponse.settledDueAt ?? policy.add(sla.openedAt, policy.firstResponseTarget(sla.level));
}

export function firstResponseAtRiskDueAt(sla: SlaState, policy: SlaPolicy): Instant {
  return policy.add(sla.openedAt, policy.atRiskPart(policy.firstResponseTarget(sla.level)));
}

function currentUpdatePeriod(sla: SlaState, policy: SlaPolicy) {
  return policy.updatePeriod(sla.level, sla.workaroundAt !== null);
}

/** When the next update is due; null when none is owed or the window is paused. */
export function nextUpdateDueAt(sla: SlaState, policy: SlaPolicy): Instant | null {
  const w = sla.updateWindow;
  if (!w) return null;
  return w.settledDueAt ?? policy.windowEnd(w, currentUpdatePeriod(sla, policy));
}

export function nextUpdateAtRiskDueAt(sla: SlaState, policy: SlaPolicy): Instant | null {
  const w = sla.updateWindow;
  return w ? policy.windowEnd(w, policy.atRiskPart(currentUpdatePeriod(sla, policy))) : null;
}

export function isPaused(sla: SlaState): boolean {
  return sla.updateWindow?.pauses.some((p) => p.to === null) ?? false;
}

export function autoCloseAt(sla: SlaState, policy: SlaPolicy): Instant | null {
  return sla.pendingClosureSince ? policy.autoCloseAt(sla.pendingClosureSince) : null;
}

const instantOrNull = InstantSchema.nullable();

/** The SLA block of a case's API representation (docs/service-levels.md#the-sla-block). */
export const SlaViewSchema = z
  .strictObject({
    firstResponse: z.strictObject({
      dueAt: InstantSchema,
      metAt: instantOrNull,
      atRiskAt: instantOrNull,
      breachedAt: instantOrNull,
    }),
    nextUpdate: z.strictObject({
      dueAt: instantOrNull.meta({ description: 'null while no update is owed or the window is paused' }),
      metAt: instantOrNull.meta({ description: 'the latest public update' }),
      atRiskAt: instantOrNull,
      breachedAt: instantOrNull,
      paused: z.boolean().meta({
        description: 'on hold or pending closure: the window keeps the time it had left',
      }),
    }),
    autoCloseAt: instantOrNull.meta({ description: 'when a case pending closure closes by itself' }),
  })
  .meta({ id: 'Sla', description: 'Every deadline of the case: when due, met, at risk, breached.' });
export type SlaView = z.infer<typeof SlaViewSchema>;

export function slaView(sla: SlaState, policy: SlaPolicy): SlaView {
  const w = sla.updateWindow;
  return {
    firstResponse: {
      dueAt: firstResponseDueAt(sla, policy),
      metAt: sla.firstResponse.metAt,
      atRiskAt: sla.firstResponse.atRiskAt,
      breachedAt: sla.firstResponse.breachedAt,
    },
    nextUpdate: {
      dueAt: nextUpdateDueAt(sla, policy),
      metAt: sla.lastUpdateAt,
      atRiskAt: w?.atRiskAt ?? null,
      breachedAt: w?.breachedAt ?? null,
      paused: isPaused(sla),
    },
    autoCloseAt: autoCloseAt(sla, policy),
  };
}
