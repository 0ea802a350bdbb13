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
  recordBreach,
  recordPublicUpdate,
  recordSeverityChange,
  recordStatusChange,
  recordWorkaround,
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

  it('pending closure stops the clock and starts the auto-close countdown of 120 hours', () => {
    let sla = updatedMonday(2);
    sla = recordStatusChange(sla, 'working', 'pending_closure', i('2026-12-01T10:00:00Z'));
    expect(nextUpdateDueAt(sla, policy)).toBeNull();
    expect(autoCloseAt(sla, policy)).toBe(i('2026-12-06T10:00:00Z'));
    // The customer writes back: the case reopens, auto-close is off and an update is owed from now.
    sla = recordStatusChange(sla, 'pending_closure', 'open', i('2026-12-02T18:00:00Z'));
    expect(autoCloseAt(sla, policy)).toBeNull();
    expect(sla.updateWindow?.startedAt).toBe(i('2026-12-02T18:00:00Z'));
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
        paused: false,
      },
      autoCloseAt: i('2026-12-06T10:00:00Z'),
    });
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
  it('a next update is due exactly when the clock runs after a first response', () => {
    const statuses = ['open', 'working', 'pending_internal', 'on_hold', 'pending_closure'] as const;
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ t: fc.constant('update' as const) }),
            fc.record({ t: fc.constant('status' as const), to: fc.constantFrom(...statuses) }),
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
            if (a.t === 'update') sla = recordPublicUpdate(sla, toInstant(now), status, policy);
            else if (a.t === 'level') sla = recordSeverityChange(sla, a.level);
            else if (a.to !== status) {
              sla = recordStatusChange(sla, status, a.to, toInstant(now));
              status = a.to;
            }
            const view = slaView(sla, policy);
            const owed = status !== 'pending_closure' && sla.firstResponse.metAt !== null;
            if (status === 'on_hold' && view.nextUpdate.dueAt !== null) {
              // Paused: a due instant shows only for a window that ran out before the pause began.
              const pausedAt = sla.updateWindow?.pauses.find((p) => p.to === null)?.from as Instant;
              expect(view.nextUpdate.dueAt <= pausedAt).toBe(true);
            } else {
              expect(view.nextUpdate.dueAt !== null).toBe(owed && status !== 'on_hold');
            }
            expect(view.nextUpdate.paused).toBe(status === 'on_hold' && sla.updateWindow !== null);
            expect(view.autoCloseAt !== null).toBe(status === 'pending_closure');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
