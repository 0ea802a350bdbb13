import fc from 'fast-check';
import { defaultBusinessHours } from '../../shared/domain/business-time.ts';
import { formatLocalDate, wallClockAt } from '../../shared/domain/local-date.ts';

/**
 * A deliberately naive reference model of docs/service-levels.md, for model-based tests: it walks time a
 * minute at a time and counts, instead of computing deadlines. It shares no SLA code with casewatch (only the
 * wall-clock reading and the holiday list), so agreement between the two means something.
 */
export type ModelAction =
  | { t: 'respond' }
  | { t: 'customer' }
  | { t: 'status'; to: 'open' | 'working' | 'pending_internal' | 'pending_closure' | 'on_hold' | 'closed' }
  | { t: 'severity'; level: 0 | 1 | 2 | 3 }
  | { t: 'workaround' };

export interface ModelEvent {
  type: 'sla.at_risk' | 'sla.breached' | 'case.closed';
  deadline?: 'first-response' | 'next-update';
  at: string;
}

const FIRST_RESPONSE_MIN = { 0: 60, 1: 240, 2: 720, 3: 1440 } as const;
const UPDATE = {
  0: { business: false, minutes: 720 },
  1: { business: true, minutes: 480 },
  2: { business: true, minutes: 2400 },
  3: { business: true, minutes: 9600 },
} as const;

const config = defaultBusinessHours();
function inBusinessHours(t: number): boolean {
  const w = wallClockAt(t, config.timeZone);
  const weekday = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  const minute = w.hour * 60 + w.minute;
  return (
    weekday >= 1 &&
    weekday <= 5 &&
    !config.holidays.isHoliday(formatLocalDate(w.year, w.month, w.day)) &&
    minute >= 9 * 60 &&
    minute < 17 * 60
  );
}

/**
 * Replays `steps` (actions at minute offsets from `start`, in order) until `end`, and says which
 * at-risk, breach and auto-close events docs/service-levels.md calls for, with their instants.
 */
export function runModel(
  start: number,
  level0: 0 | 1 | 2 | 3,
  steps: { minute: number; action: ModelAction }[],
  endMinute: number,
): ModelEvent[] {
  const events: ModelEvent[] = [];
  let level = level0;
  let status: string = 'new';
  let workaround = false;
  // First response: calendar minutes since opening; settled once met or breached.
  let frMet = false;
  let frRisk = false;
  let frBreached = false;
  // The update window: running minutes it has used, counted both ways, since a severity change
  // re-judges it from its start in the new level's time base; null when none is owed.
  let window: { calendar: number; business: number; risk: boolean; breached: boolean } | null = null;
  const freshWindow = () => ({ calendar: 0, business: 0, risk: false, breached: false });
  let pendingSince: number | null = null;
  const iso = (minute: number) => new Date(start + minute * 60_000).toISOString();
  const period = () => UPDATE[workaround && level === 1 ? 2 : level];

  /**
   * Deadlines judged at minute m: naturally crossed ones at their own instant; right after an action
   * (`after`), anything the action made past falls due at m itself ("at once").
   */
  const check = (m: number, after: boolean) => {
    const when = (instantMinute: number) => iso(after ? Math.max(instantMinute, m) : instantMinute);
    if (status !== 'closed' && !frMet && !frBreached) {
      const target = FIRST_RESPONSE_MIN[level];
      if (!frRisk && m >= target * 0.75) {
        frRisk = true;
        events.push({ type: 'sla.at_risk', deadline: 'first-response', at: when(Math.ceil(target * 0.75)) });
      }
      if (m >= target) {
        frBreached = true;
        events.push({ type: 'sla.breached', deadline: 'first-response', at: when(target) });
      }
    }
    if (window && !window.breached) {
      const p = period();
      const used = p.business ? window.business : window.calendar;
      if (!window.risk && used >= p.minutes * 0.75) {
        window.risk = true;
        events.push({ type: 'sla.at_risk', deadline: 'next-update', at: iso(m) });
      }
      if (used >= p.minutes) {
        window.breached = true;
        events.push({ type: 'sla.breached', deadline: 'next-update', at: iso(m) });
      }
    }
    if (status === 'pending_closure' && pendingSince !== null && m - pendingSince >= 120 * 60) {
      status = 'closed';
      window = null;
      events.push({ type: 'case.closed', at: iso(m) });
    }
  };

  let next = 0;
  for (let m = 0; m <= endMinute; m++) {
    check(m, false);
    const acted = next < steps.length && (steps[next] as { minute: number }).minute === m;
    while (next < steps.length && (steps[next] as { minute: number }).minute === m) {
      const { action } = steps[next++] as { action: ModelAction };
      if (status === 'closed') continue;
      if (action.t === 'respond') {
        frMet = true;
        // Waiting (on hold, pending closure), the new window does not run until the case is back.
        window = freshWindow();
      } else if (action.t === 'customer') {
        if (status === 'pending_closure' || status === 'on_hold') {
          const from = status;
          status = 'open';
          pendingSince = null;
          // Out of pending closure the customer is owed an answer: a fresh window, unless the update owed
          // is overdue already (only an update ends that one). Out of on hold the window just runs again.
          if (from === 'pending_closure' && frMet && !window?.breached) window = freshWindow();
        }
      } else if (action.t === 'severity') {
        level = action.level;
      } else if (action.t === 'workaround') {
        workaround = true;
      } else if (action.t === 'status' && action.to !== status) {
        const from = status;
        status = action.to;
        // Staff moves never touch the window: waiting statuses stop its minutes, running ones count them.
        if (status === 'pending_closure') {
          pendingSince = m;
        } else if (status === 'closed') {
          window = null;
          pendingSince = null;
          events.push({ type: 'case.closed', at: iso(m) });
        } else if (from === 'pending_closure') {
          pendingSince = null;
        }
      }
    }
    if (acted) {
      // An at-risk warning stands only while its window has used 75% of it: a lowered level or a
      // workaround's longer period can take it back (it is given again when the window gets there).
      if (frRisk && !frMet && !frBreached && m < FIRST_RESPONSE_MIN[level] * 0.75) frRisk = false;
      if (window?.risk && !window.breached) {
        const p = period();
        if ((p.business ? window.business : window.calendar) < p.minutes * 0.75) window.risk = false;
      }
      check(m, true);
    }

    // The minute [m, m+1) runs on the update clock if a window is owed and the case is not waiting.
    if (window && status !== 'on_hold' && status !== 'closed' && status !== 'pending_closure') {
      window.calendar++;
      if (inBusinessHours(start + m * 60_000)) window.business++;
    }
  }
  return events;
}

/** Random actions for model-based tests, weighted toward what moves deadlines. */
export const modelAction: fc.Arbitrary<ModelAction> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<ModelAction>({ t: 'respond' }) },
  { weight: 1, arbitrary: fc.constant<ModelAction>({ t: 'customer' }) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('open', 'working', 'pending_internal', 'pending_closure', 'on_hold', 'closed')
      .map((to) => ({ t: 'status', to }) as ModelAction),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(0, 1, 2, 3).map((level) => ({ t: 'severity', level }) as ModelAction),
  },
  { weight: 1, arbitrary: fc.constant<ModelAction>({ t: 'workaround' }) },
);
