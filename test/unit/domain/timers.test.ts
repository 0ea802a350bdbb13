import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../shared/domain/business-time.ts';
import { type Instant, toInstant } from '../../../shared/domain/instant.ts';
import { SEVERITY_LEVELS, type SeverityLevel } from '../../../shared/domain/severity.ts';
import {
  firstResponseAtRiskDueAt,
  nextUpdateAtRiskDueAt,
  openSla,
  recordAtRisk,
  recordBreach,
  recordPublicUpdate,
  recordSeverityChange,
  recordStatusChange,
  recordWorkaround,
  reviseAtRisk,
  type SlaState,
} from '../../../shared/domain/sla.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';
import { CASE_STATUSES, type CaseStatus, checkTransition } from '../../../shared/domain/status.ts';
import { desiredTimers, isCurrentTimer, type TimedCase } from '../../../shared/domain/timers.ts';

const policy = createSlaPolicy();
const i = (s: string): Instant => toInstant(new Date(s));
const opened = i('2026-11-30T09:00:00-08:00');
const kinds = (c: TimedCase) => desiredTimers(c, policy).map((t) => t.kind);

/** A case that got its first response at 10:00 PST and is now in `status`. */
function respondedIn(status: CaseStatus, level: SeverityLevel): TimedCase {
  let sla = recordPublicUpdate(openSla(opened, level), i('2026-11-30T10:00:00-08:00'), 'working', policy);
  if (status !== 'working' && status !== 'new' && status !== 'open' && status !== 'pending_internal') {
    sla = recordStatusChange(sla, 'working', status, i('2026-11-30T11:00:00-08:00'));
  }
  return { status, sla };
}

describe('desired timers', () => {
  it.each(SEVERITY_LEVELS)('level %i: a new case wants the first-response warning and deadline', (level) => {
    const timers = desiredTimers({ status: 'new', sla: openSla(opened, level) }, policy);
    const hours = [1, 4, 12, 24][level] as number;
    expect(timers).toEqual([
      {
        kind: 'first-response-risk',
        dueAt: toInstant(Date.parse(opened) + 0.75 * hours * HOUR_MS),
        window: opened,
      },
      { kind: 'first-response', dueAt: toInstant(Date.parse(opened) + hours * HOUR_MS), window: opened },
    ]);
  });

  const expectations: Record<CaseStatus, string[]> = {
    new: ['next-update-risk', 'next-update'],
    open: ['next-update-risk', 'next-update'],
    working: ['next-update-risk', 'next-update'],
    pending_internal: ['next-update-risk', 'next-update'],
    on_hold: [],
    pending_closure: ['auto-close'],
    closed: [],
  };
  for (const level of SEVERITY_LEVELS) {
    for (const status of CASE_STATUSES) {
      it(`level ${level}, responded, ${status}: ${expectations[status].join(', ') || 'none'}`, () => {
        expect(kinds(respondedIn(status, level)).sort()).toEqual([...expectations[status]].sort());
      });
    }
  }

  it('a closed case that never got a response wants nothing', () => {
    const sla = recordStatusChange(openSla(opened, 0), 'new', 'closed', i('2026-11-30T09:10:00-08:00'));
    expect(desiredTimers({ status: 'closed', sla }, policy)).toEqual([]);
  });

  it('the at-risk warning goes once per window; a breach ends the window until the update is given', () => {
    let c = respondedIn('working', 1);
    const [risk, due] = desiredTimers(c, policy);
    c = { ...c, sla: recordAtRisk(c.sla, 'next-update', risk?.dueAt as Instant) };
    expect(kinds(c)).toEqual(['next-update']);
    c = { ...c, sla: recordBreach(c.sla, 'next-update', due?.dueAt as Instant, due?.dueAt as Instant) };
    expect(kinds(c)).toEqual([]);
    c = { ...c, sla: recordPublicUpdate(c.sla, i('2026-12-01T09:30:00-08:00'), 'working', policy) };
    expect(desiredTimers(c, policy)).toEqual([
      {
        kind: 'next-update-risk',
        dueAt: i('2026-12-01T15:30:00-08:00'),
        window: i('2026-12-01T09:30:00-08:00'),
      },
      { kind: 'next-update', dueAt: i('2026-12-02T09:30:00-08:00'), window: i('2026-12-01T09:30:00-08:00') },
    ]);
  });

  it('resuming from on hold brings the deadline back, moved by the pause', () => {
    let c = respondedIn('on_hold', 1);
    c = {
      status: 'working',
      sla: recordStatusChange(c.sla, 'on_hold', 'working', i('2026-12-01T11:00:00-08:00')),
    };
    // One business hour ran before the pause at 11:00 Monday; seven are left from Tuesday 11:00.
    expect(desiredTimers(c, policy).find((t) => t.kind === 'next-update')?.dueAt).toBe(
      i('2026-12-02T10:00:00-08:00'),
    );
  });

  it('raising severity moves deadlines, possibly into the past (they fire at once)', () => {
    const sla = recordSeverityChange(openSla(opened, 3), 0);
    const due = desiredTimers({ status: 'open', sla }, policy).find((t) => t.kind === 'first-response');
    expect(due?.dueAt).toBe(i('2026-11-30T10:00:00-08:00'));
  });

  it('a fired timer is current only while its kind, window and due instant are still desired', () => {
    const c: TimedCase = { status: 'new', sla: openSla(opened, 2) };
    const [, due] = desiredTimers(c, policy);
    if (!due) throw new Error('expected a first-response timer');
    expect(isCurrentTimer(due, c, policy)).toBe(true);
    expect(isCurrentTimer(due, { ...c, sla: recordSeverityChange(c.sla, 1) }, policy)).toBe(false);
    expect(
      isCurrentTimer(due, { ...c, sla: recordBreach(c.sla, 'first-response', due.dueAt, due.dueAt) }, policy),
    ).toBe(false);
    const answered = recordPublicUpdate(c.sla, i('2026-11-30T12:00:00-08:00'), 'working', policy);
    expect(isCurrentTimer(due, { status: 'working', sla: answered }, policy)).toBe(false);
  });
});

describe('desired timers under random case histories (property)', () => {
  type Action =
    | { t: 'update' }
    | { t: 'status'; to: CaseStatus }
    | { t: 'level'; level: SeverityLevel }
    | { t: 'workaround' }
    | { t: 'fire' }
    | { t: 'wait'; hours: number };

  const action: fc.Arbitrary<Action> = fc.oneof(
    fc.constant<Action>({ t: 'update' }),
    fc.constantFrom(...CASE_STATUSES).map((to): Action => ({ t: 'status', to })),
    fc.constantFrom(...SEVERITY_LEVELS).map((level): Action => ({ t: 'level', level })),
    fc.constant<Action>({ t: 'workaround' }),
    fc.constant<Action>({ t: 'fire' }),
    fc.integer({ min: 1, max: 72 }).map((hours): Action => ({ t: 'wait', hours })),
  );

  it('hold the invariants of docs/timers.md#desired-timers after every step', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEVERITY_LEVELS),
        fc.array(action, { maxLength: 40 }),
        (level, actions) => {
          let now = Date.parse(opened);
          let c: { status: CaseStatus; sla: SlaState } = { status: 'new', sla: openSla(opened, level) };
          for (const a of actions) {
            now += 60_000;
            const at = toInstant(now);
            if (a.t === 'wait') now += a.hours * HOUR_MS;
            else if (a.t === 'update' && c.status !== 'closed')
              c = { ...c, sla: recordPublicUpdate(c.sla, at, c.status, policy) };
            else if (a.t === 'level') c = { ...c, sla: recordSeverityChange(c.sla, a.level) };
            else if (a.t === 'workaround') c = { ...c, sla: recordWorkaround(c.sla, at) };
            else if (a.t === 'status' && checkTransition({ from: c.status, to: a.to, actor: 'agent' }).ok) {
              c = { status: a.to, sla: recordStatusChange(c.sla, c.status, a.to, at) };
            } else if (a.t === 'fire') {
              // Deliver the earliest timer, as the timer handler would once it is due.
              const next = desiredTimers(c, policy)[0];
              if (next) {
                now = Math.max(now, Date.parse(next.dueAt));
                const firedAt = toInstant(now);
                if (next.kind === 'auto-close')
                  c = { status: 'closed', sla: recordStatusChange(c.sla, c.status, 'closed', firedAt) };
                else if (next.kind.endsWith('-risk')) {
                  c = {
                    ...c,
                    sla: recordAtRisk(
                      c.sla,
                      next.kind === 'first-response-risk' ? 'first-response' : 'next-update',
                      firedAt,
                    ),
                  };
                } else
                  c = {
                    ...c,
                    sla: recordBreach(
                      c.sla,
                      next.kind as 'first-response' | 'next-update',
                      next.dueAt,
                      firedAt,
                    ),
                  };
                expect(isCurrentTimer(next, c, policy)).toBe(false);
              }
            }

            // The write path lets at-risk marks follow what every change did to the windows.
            if (a.t !== 'fire' && a.t !== 'wait') c = { ...c, sla: reviseAtRisk(c.sla, at, policy) };
            const fr = c.sla.firstResponse;
            if (fr.atRiskAt !== null && fr.metAt === null && fr.breachedAt === null)
              expect(firstResponseAtRiskDueAt(c.sla, policy) <= toInstant(now)).toBe(true);
            const w = c.sla.updateWindow;
            if (w && w.atRiskAt !== null && w.breachedAt === null) {
              const point = nextUpdateAtRiskDueAt(c.sla, policy);
              expect(point !== null && point <= toInstant(now)).toBe(true);
            }

            const timers = desiredTimers(c, policy);
            const byKind = new Map(timers.map((t) => [t.kind, t]));
            expect(byKind.size).toBe(timers.length);
            expect(timers.map((t) => t.dueAt)).toEqual([...timers.map((t) => t.dueAt)].sort());
            expect(desiredTimers(structuredClone(c), policy)).toEqual(timers);
            if (c.status === 'closed') expect(timers).toEqual([]);
            expect(byKind.has('auto-close')).toBe(c.status === 'pending_closure');
            if (c.status === 'on_hold' || c.status === 'pending_closure') {
              // Waiting, the window is paused: only a deadline that had already passed before the pause may
              // still fire (late).
              const pausedAt = c.sla.updateWindow?.pauses.find((p) => p.to === null)?.from;
              for (const kind of ['next-update', 'next-update-risk'] as const) {
                const due = byKind.get(kind)?.dueAt;
                if (due !== undefined) expect(pausedAt !== undefined && due <= pausedAt).toBe(true);
              }
            }
            if (c.sla.firstResponse.metAt !== null) expect(byKind.has('first-response')).toBe(false);
            for (const [risk, deadline] of [
              ['first-response-risk', 'first-response'],
              ['next-update-risk', 'next-update'],
            ] as const) {
              const r = byKind.get(risk);
              const d = byKind.get(deadline);
              // A paused window may still owe the warning it crossed before pausing, without its deadline.
              if (r && d) expect(r.dueAt <= d.dueAt && r.window === d.window).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
