import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../shared/domain/business-time.ts';
import { type Instant, toInstant } from '../../../shared/domain/instant.ts';
import type { SeverityLevel } from '../../../shared/domain/severity.ts';
import {
  autoCloseAt,
  firstResponseAtRiskDueAt,
  firstResponseDueAt,
  nextUpdateAtRiskDueAt,
  nextUpdateDueAt,
  openSla,
  recordAtRisk,
  recordBreach,
  recordPublicUpdate,
  recordSeverityChange,
  recordStatusChange,
  recordWorkaround,
  reviseAtRisk,
  type SlaState,
  slaView,
} from '../../../shared/domain/sla.ts';
import {
  createSlaPolicy,
  DEFAULT_SLA_TARGETS,
  type Pause,
  type SlaDuration,
} from '../../../shared/domain/sla-policy.ts';

const policy = createSlaPolicy();
const i = (s: string): Instant => toInstant(new Date(s));

describe('first response', () => {
  it.each([
    [0, '2026-11-28T04:00:00.000Z', '2026-11-28T03:45:00.000Z'],
    [1, '2026-11-28T07:00:00.000Z', '2026-11-28T06:00:00.000Z'],
    [2, '2026-11-28T15:00:00.000Z', '2026-11-28T12:00:00.000Z'],
    [3, '2026-11-29T03:00:00.000Z', '2026-11-28T21:00:00.000Z'],
  ] as [SeverityLevel, string, string][])(
    'level %i opened Saturday 03:00Z is due at %s (calendar time), at risk at %s',
    (level, due, risk) => {
      const sla = openSla('2026-11-28T03:00:00.000Z', level);
      expect(firstResponseDueAt(sla, policy)).toBe(due);
      expect(firstResponseAtRiskDueAt(sla, policy)).toBe(risk);
    },
  );

  it('is met by the first public update, which also starts the update window', () => {
    let sla = openSla(i('2026-11-30T17:00:00Z'), 2);
    sla = recordPublicUpdate(sla, i('2026-11-30T18:00:00Z'), 'working', policy);
    expect(sla.firstResponse.metAt).toBe(i('2026-11-30T18:00:00Z'));
    expect(sla.updateWindow?.startedAt).toBe(i('2026-11-30T18:00:00Z'));
    // Mon 10:00 PST + 5 business days = next Mon 10:00 PST.
    expect(nextUpdateDueAt(sla, policy)).toBe(i('2026-12-07T10:00:00-08:00'));
    expect(nextUpdateAtRiskDueAt(sla, policy)).toBe(i('2026-12-03T16:00:00-08:00'));
  });

  it('a severity change recomputes from the opening instant; past deadlines stay past', () => {
    const opened = openSla(i('2026-11-30T10:00:00Z'), 3);
    expect(firstResponseDueAt(opened, policy)).toBe(i('2026-12-01T10:00:00Z'));
    const raised = recordSeverityChange(opened, 0);
    expect(firstResponseDueAt(raised, policy)).toBe(i('2026-11-30T11:00:00Z'));
  });

  it('a met deadline keeps the due instant it was met against', () => {
    let sla = openSla(i('2026-11-30T10:00:00Z'), 3);
    sla = recordPublicUpdate(sla, i('2026-11-30T15:00:00Z'), 'working', policy);
    sla = recordSeverityChange(sla, 0);
    expect(slaView(sla, policy).firstResponse).toEqual({
      dueAt: i('2026-12-01T10:00:00Z'),
      metAt: i('2026-11-30T15:00:00Z'),
      atRiskAt: null,
      breachedAt: null,
    });
  });
});

describe('next update', () => {
  const updatedMonday = (level: SeverityLevel) =>
    recordPublicUpdate(
      openSla(i('2026-11-30T08:00:00-08:00'), level),
      i('2026-11-30T09:00:00-08:00'),
      'working',
      policy,
    );

  it.each([
    [0, '2026-11-30T21:00:00-08:00'],
    [1, '2026-11-30T17:00:00-08:00'],
    [2, '2026-12-04T17:00:00-08:00'],
    [3, '2026-12-28T17:00:00-08:00'],
  ] as [SeverityLevel, string][])(
    'level %i: update given Monday 09:00 PST owes the next by %s',
    (level, due) => {
      expect(nextUpdateDueAt(updatedMonday(level), policy)).toBe(i(due));
    },
  );

  it('level 1 relaxes to level 2 once a workaround is recorded, from the window start', () => {
    const sla = recordWorkaround(updatedMonday(1), i('2026-11-30T12:00:00-08:00'));
    expect(nextUpdateDueAt(sla, policy)).toBe(i('2026-12-04T17:00:00-08:00'));
    expect(recordWorkaround(sla, i('2026-12-01T12:00:00-08:00')).workaroundAt).toBe(
      i('2026-11-30T12:00:00-08:00'),
    );
  });

  it('on hold pauses the business-time window and resumes with the time left', () => {
    let sla = updatedMonday(2);
    sla = recordStatusChange(sla, 'working', 'on_hold', i('2026-12-01T09:00:00-08:00'));
    expect(nextUpdateDueAt(sla, policy)).toBeNull();
    expect(slaView(sla, policy).nextUpdate.paused).toBe(true);
    sla = recordStatusChange(sla, 'on_hold', 'working', i('2026-12-03T09:00:00-08:00'));
    // 8 business hours ran before the pause; 32 are left from Thursday 09:00.
    expect(nextUpdateDueAt(sla, policy)).toBe(i('2026-12-08T17:00:00-08:00'));
    expect(slaView(sla, policy).nextUpdate.paused).toBe(false);
  });

  it('on hold pauses the calendar-time window of level 0 too', () => {
    let sla = recordPublicUpdate(
      openSla(i('2026-11-29T23:00:00Z'), 0),
      i('2026-11-30T00:00:00Z'),
      'working',
      policy,
    );
    sla = recordStatusChange(sla, 'working', 'on_hold', i('2026-11-30T04:00:00Z'));
    sla = recordStatusChange(sla, 'on_hold', 'pending_internal', i('2026-11-30T14:00:00Z'));
    expect(nextUpdateDueAt(sla, policy)).toBe(i('2026-11-30T22:00:00Z'));
  });

  it('pending closure pauses the window and starts the auto-close countdown of 120 hours', () => {
    let sla = updatedMonday(2);
    sla = recordStatusChange(sla, 'working', 'pending_closure', i('2026-12-01T10:00:00Z'));
    expect(nextUpdateDueAt(sla, policy)).toBeNull();
    expect(slaView(sla, policy).nextUpdate.paused).toBe(true);
    expect(autoCloseAt(sla, policy)).toBe(i('2026-12-06T10:00:00Z'));
    // The customer writes back: the case reopens, auto-close is off and an update is owed from now.
    const replied = recordStatusChange(sla, 'pending_closure', 'open', i('2026-12-02T18:00:00Z'), true);
    expect(autoCloseAt(replied, policy)).toBeNull();
    expect(replied.updateWindow?.startedAt).toBe(i('2026-12-02T18:00:00Z'));
    expect(nextUpdateDueAt(replied, policy)).toBe(i('2026-12-09T10:00:00-08:00'));
    // Staff move it back instead: the window resumes with the time it had left.
    const resumed = recordStatusChange(sla, 'pending_closure', 'working', i('2026-12-02T18:00:00Z'));
    expect(autoCloseAt(resumed, policy)).toBeNull();
    expect(resumed.updateWindow?.startedAt).toBe(i('2026-11-30T09:00:00-08:00'));
  });

  it('pending closure resumes like on hold: the worked example of docs/service-levels.md', () => {
    // Level 2, 40 business hours: window from Monday 09:00, pending closure from Tuesday 09:00 (8 hours
    // used), staff move it back to working Thursday 13:00: the 32 hours left run to Wednesday 13:00.
    let sla = updatedMonday(2);
    sla = recordStatusChange(sla, 'working', 'pending_closure', i('2026-12-01T09:00:00-08:00'));
    sla = recordStatusChange(sla, 'pending_closure', 'working', i('2026-12-03T13:00:00-08:00'));
    expect(nextUpdateDueAt(sla, policy)).toBe(i('2026-12-09T13:00:00-08:00'));
  });

  it('a breached window stays breached and owed through pending closure, even when the customer writes', () => {
    let sla = updatedMonday(1);
    const due = nextUpdateDueAt(sla, policy) as Instant;
    sla = recordBreach(sla, 'next-update', due, due);
    sla = recordStatusChange(sla, 'working', 'pending_closure', i('2026-12-01T10:00:00Z'));
    expect(slaView(sla, policy).nextUpdate).toMatchObject({ dueAt: due, breachedAt: due, paused: true });
    for (const customerReplied of [false, true]) {
      const back = recordStatusChange(
        sla,
        'pending_closure',
        'open',
        i('2026-12-01T11:00:00Z'),
        customerReplied,
      );
      expect(slaView(back, policy).nextUpdate).toMatchObject({ dueAt: due, breachedAt: due, paused: false });
    }
  });

  it('a window dropped by pending closure before it paused (a case stored then) starts fresh on the way out', () => {
    const stored: SlaState = {
      ...recordStatusChange(updatedMonday(2), 'working', 'pending_closure', i('2026-12-01T10:00:00Z')),
      updateWindow: null,
    };
    const back = recordStatusChange(stored, 'pending_closure', 'working', i('2026-12-02T18:00:00Z'));
    expect(back.updateWindow?.startedAt).toBe(i('2026-12-02T18:00:00Z'));
  });

  it('a public update into pending closure opens a window paused from the start', () => {
    const sla = recordPublicUpdate(updatedMonday(2), i('2026-12-01T10:00:00Z'), 'pending_closure', policy);
    expect(sla.updateWindow).toMatchObject({
      startedAt: i('2026-12-01T10:00:00Z'),
      pauses: [{ from: i('2026-12-01T10:00:00Z'), to: null }],
    });
  });

  it('a case reopened before any response owes the first response, not an update', () => {
    let sla = openSla(i('2026-12-01T10:00:00Z'), 2);
    sla = recordStatusChange(sla, 'new', 'pending_closure', i('2026-12-01T11:00:00Z'));
    sla = recordStatusChange(sla, 'pending_closure', 'open', i('2026-12-01T12:00:00Z'));
    expect(sla.updateWindow).toBeNull();
    expect(slaView(sla, policy).firstResponse.dueAt).toBe(i('2026-12-01T22:00:00Z'));
  });

  it('a breach freezes the due instant and keeps the window owed until the update is given', () => {
    let sla = updatedMonday(1);
    const due = nextUpdateDueAt(sla, policy) as Instant;
    sla = recordBreach(sla, 'next-update', due, i('2026-11-30T17:00:05-08:00'));
    sla = recordSeverityChange(sla, 3);
    expect(slaView(sla, policy).nextUpdate).toMatchObject({
      dueAt: due,
      breachedAt: i('2026-11-30T17:00:05-08:00'),
    });
    sla = recordPublicUpdate(sla, i('2026-12-01T10:00:00-08:00'), 'working', policy);
    expect(slaView(sla, policy).nextUpdate).toMatchObject({
      metAt: i('2026-12-01T10:00:00-08:00'),
      breachedAt: null,
    });
  });

  it('the API block has the shape of docs/service-levels.md#the-sla-block', () => {
    const sla = recordStatusChange(updatedMonday(2), 'working', 'pending_closure', i('2026-12-01T10:00:00Z'));
    expect(slaView(sla, policy)).toEqual({
      firstResponse: {
        dueAt: i('2026-11-30T20:00:00-08:00'),
        metAt: i('2026-11-30T09:00:00-08:00'),
        atRiskAt: null,
        breachedAt: null,
      },
      nextUpdate: {
        dueAt: null,
        metAt: i('2026-11-30T09:00:00-08:00'),
        atRiskAt: null,
        breachedAt: null,
        paused: true,
      },
      autoCloseAt: i('2026-12-06T10:00:00Z'),
    });
  });
});

describe('the at-risk mark follows its window (docs/service-levels.md#at-risk)', () => {
  const opened = i('2026-12-01T17:00:00Z');
  const warned = recordAtRisk(openSla(opened, 1), 'first-response', i('2026-12-01T20:00:00Z'));

  it('is withdrawn when a lowered level moves the at-risk point after now', () => {
    const lowered = reviseAtRisk(recordSeverityChange(warned, 3), i('2026-12-01T20:30:00Z'), policy);
    expect(lowered.firstResponse.atRiskAt).toBeNull();
    expect(firstResponseAtRiskDueAt(lowered, policy)).toBe(i('2026-12-02T11:00:00Z'));
  });

  it('stands while the new window is 75% used, and when nothing moved (the same object back)', () => {
    // Level 2 at 10 hours in: 83% of 12 hours.
    const level2 = recordSeverityChange(warned, 2);
    expect(reviseAtRisk(level2, i('2026-12-02T03:00:00Z'), policy)).toBe(level2);
    expect(reviseAtRisk(warned, i('2026-12-01T20:30:00Z'), policy)).toBe(warned);
  });

  it('stands on a met or breached deadline', () => {
    const breached = recordBreach(
      warned,
      'first-response',
      i('2026-12-01T21:00:00Z'),
      i('2026-12-01T21:00:00Z'),
    );
    const lowered = recordSeverityChange(breached, 3);
    expect(reviseAtRisk(lowered, i('2026-12-01T21:30:00Z'), policy)).toBe(lowered);
  });

  it('of an update window is withdrawn by a workaround’s longer period, paused or not', () => {
    // Level 1, answered Tuesday 09:30 Pacific: at risk at 15:30 (6 of 8 business hours).
    let sla = recordPublicUpdate(openSla(opened, 1), i('2026-12-01T09:30:00-08:00'), 'working', policy);
    sla = recordAtRisk(sla, 'next-update', i('2026-12-01T15:30:00-08:00'));
    const onHold = recordStatusChange(sla, 'working', 'on_hold', i('2026-12-01T16:00:00-08:00'));
    for (const s of [sla, onHold]) {
      const relaxed = reviseAtRisk(
        recordWorkaround(s, i('2026-12-01T16:00:00-08:00')),
        i('2026-12-01T16:00:00-08:00'),
        policy,
      );
      expect(relaxed.updateWindow?.atRiskAt).toBeNull();
    }
  });
});

describe('windows with pauses (property)', () => {
  const start = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) });
  const gaps = fc.array(
    fc.tuple(fc.integer({ min: 0, max: 96 * HOUR_MS }), fc.integer({ min: 1, max: 96 * HOUR_MS })),
    {
      maxLength: 4,
    },
  );
  const duration = fc.record({
    base: fc.constantFrom<'calendar' | 'business'>('calendar', 'business'),
    hours: fc.integer({ min: 1, max: 160 }),
  });

  /** Time that ran in [from, to), less the pauses. */
  function active(from: number, to: number, pauses: Pause[], d: SlaDuration): number {
    const run = (a: number, b: number) =>
      policy.elapsedHours(toInstant(a), toInstant(Math.max(a, b)), d.base);
    let total = run(from, to);
    for (const p of pauses) {
      const a = Math.max(from, Date.parse(p.from));
      const b = Math.min(to, Date.parse(p.to as string));
      if (b > a) total -= run(a, b);
    }
    return total;
  }

  it('a window ends when it has run for exactly its duration, not counting pauses', () => {
    fc.assert(
      fc.property(start, gaps, duration, (t0, gapList, d) => {
        const pauses: Pause[] = [];
        let t = t0;
        for (const [runFor, pauseFor] of gapList) {
          pauses.push({ from: toInstant(t + runFor), to: toInstant(t + runFor + pauseFor) });
          t += runFor + pauseFor;
        }
        const end = policy.windowEnd({ startedAt: toInstant(t0), pauses }, d);
        expect(end).not.toBeNull();
        expect(active(t0, Date.parse(end as string), pauses, d)).toBeCloseTo(d.hours, 9);
      }),
      { numRuns: 200 },
    );
  });

  it('a calendar window is pushed back by exactly the pauses it contains', () => {
    fc.assert(
      fc.property(
        start,
        fc.integer({ min: 0, max: 11 * HOUR_MS }),
        fc.integer({ min: 1, max: 72 * HOUR_MS }),
        (t0, runFor, pauseFor) => {
          const pauses = [{ from: toInstant(t0 + runFor), to: toInstant(t0 + runFor + pauseFor) }];
          const end = policy.windowEnd(
            { startedAt: toInstant(t0), pauses },
            DEFAULT_SLA_TARGETS.updatePeriod[0],
          );
          expect(end).toBe(toInstant(t0 + 12 * HOUR_MS + pauseFor));
        },
      ),
    );
  });

  it('an open pause leaves no due instant unless the window ran out before it', () => {
    const d: SlaDuration = { base: 'calendar', hours: 12 };
    const w = (pauseAfter: number) => ({
      startedAt: toInstant(0),
      pauses: [{ from: toInstant(pauseAfter * HOUR_MS), to: null }],
    });
    expect(policy.windowEnd(w(5), d)).toBeNull();
    expect(policy.windowEnd(w(13), d)).toBe(toInstant(12 * HOUR_MS));
  });
});

describe('state transitions keep the facts consistent (property)', () => {
  it('a next update is owed whenever a first response was given, and due exactly while the clock runs', () => {
    const statuses = ['open', 'working', 'pending_internal', 'on_hold', 'pending_closure'] as const;
    const waiting = (s: string) => s === 'on_hold' || s === 'pending_closure';
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ t: fc.constant('update' as const) }),
            fc.record({ t: fc.constant('status' as const), to: fc.constantFrom(...statuses) }),
            fc.record({ t: fc.constant('customer' as const) }),
            fc.record({ t: fc.constant('breach' as const) }),
            fc.record({
              t: fc.constant('level' as const),
              level: fc.constantFrom<SeverityLevel>(0, 1, 2, 3),
            }),
          ),
          { maxLength: 25 },
        ),
        (actions) => {
          let now = Date.parse('2026-11-30T17:00:00Z');
          let status: (typeof statuses)[number] | 'new' = 'new';
          let sla: SlaState = openSla(toInstant(now), 2);
          for (const a of actions) {
            now += 3 * HOUR_MS;
            const before = sla.updateWindow;
            if (a.t === 'update') sla = recordPublicUpdate(sla, toInstant(now), status, policy);
            else if (a.t === 'level') sla = recordSeverityChange(sla, a.level);
            else if (a.t === 'breach') {
              const due = nextUpdateDueAt(sla, policy);
              if (due !== null && due <= toInstant(now) && !before?.breachedAt)
                sla = recordBreach(sla, 'next-update', due, toInstant(now));
            } else if (a.t === 'customer') {
              // A requester's message reopens a waiting case (the system's `customer-replied` move).
              if (waiting(status)) {
                sla = recordStatusChange(sla, status, 'open', toInstant(now), true);
                status = 'open';
              }
            } else if (a.to !== status) {
              sla = recordStatusChange(sla, status, a.to, toInstant(now));
              status = a.to;
              // Staff moving a case never start, restart or forgive a window: only an update does.
              expect(sla.updateWindow?.startedAt).toBe(before?.startedAt);
              expect(sla.updateWindow?.breachedAt).toBe(before?.breachedAt);
            }
            if (a.t === 'customer' && before?.breachedAt) {
              // Nor does the customer writing back forgive an overdue update.
              expect(sla.updateWindow?.breachedAt).toBe(before.breachedAt);
            }
            const view = slaView(sla, policy);
            const owed = sla.firstResponse.metAt !== null;
            expect(sla.updateWindow !== null).toBe(owed);
            if (waiting(status) && view.nextUpdate.dueAt !== null) {
              // Paused: a due instant shows only for a window breached or run out before the pause began.
              const pausedAt = sla.updateWindow?.pauses.find((p) => p.to === null)?.from as Instant;
              expect(view.nextUpdate.dueAt <= pausedAt || view.nextUpdate.breachedAt !== null).toBe(true);
            } else {
              expect(view.nextUpdate.dueAt !== null).toBe(owed && !waiting(status));
            }
            expect(view.nextUpdate.paused).toBe(waiting(status) && owed);
            expect(view.autoCloseAt !== null).toBe(status === 'pending_closure');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
