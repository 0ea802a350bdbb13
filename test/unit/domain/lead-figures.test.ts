import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Case } from '../../../shared/domain/case.ts';
import { type Instant, toInstant } from '../../../shared/domain/instant.ts';
import {
  agentShareOf,
  compliancePercent,
  firstResponseFigure,
  hourOf,
  hourWindow,
  isBreachedNow,
  nextUpdateFigure,
  nextUpdateFigures,
  surveyAnsweredOf,
  waitingEscalationOf,
} from '../../../shared/domain/lead-figures.ts';
import { recordBreach, recordPublicUpdate } from '../../../shared/domain/sla.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';
import { CASE_STATUSES } from '../../../shared/domain/status.ts';
import type { TimelineEvent } from '../../../shared/domain/timeline.ts';
import { newSellerCase } from '../../support/cases.ts';

const policy = createSlaPolicy();
const opened = newSellerCase({ subject: 'Payouts missing', description: 'None since Friday' });
const OPENED_AT = opened.createdAt;

const stamp = (body: object, at: Instant): TimelineEvent =>
  ({ id: 'E', caseId: opened.id, at, actor: { role: 'agent', id: 'a@s' }, ...body }) as TimelineEvent;

const breachedAt = (c: Case, at: Instant): Case => ({
  ...c,
  sla: recordBreach(c.sla, 'first-response', at, at),
});
const answeredAt = (c: Case, at: Instant): Case => ({
  ...c,
  status: 'working',
  sla: recordPublicUpdate(c.sla, at, 'working', policy),
});

describe('first responses as compliance counts them (docs/service-levels.md#figures-for-leads)', () => {
  const met = (at: Instant, level?: 0 | 1 | 2 | 3) =>
    stamp({ type: 'sla.met', deadline: 'first-response', ...(level === undefined ? {} : { level }) }, at);
  const breach = (at: Instant) =>
    stamp({ type: 'sla.breached', deadline: 'first-response', dueAt: at, level: 1 }, at);

  it('a first response in time is met, at the level of its event (else the case’s)', () => {
    const c = answeredAt(opened, '2026-11-30T18:00:00.000Z');
    expect(firstResponseFigure(met('2026-11-30T18:00:00.000Z', 0), c)).toEqual({ level: 0, outcome: 'met' });
    expect(firstResponseFigure(met('2026-11-30T18:00:00.000Z'), c)).toEqual({
      level: c.severity.level,
      outcome: 'met',
    });
  });

  it('a breach is a breach; an answer after it counts once, as the breach', () => {
    const c = answeredAt(breachedAt(opened, '2026-12-01T05:00:00.000Z'), '2026-12-01T07:00:00.000Z');
    expect(firstResponseFigure(breach('2026-12-01T05:00:00.000Z'), c)).toEqual({
      level: 1,
      outcome: 'breached',
    });
    expect(firstResponseFigure(met('2026-12-01T07:00:00.000Z'), c)).toBeNull();
  });

  it('counts no other event: the next update’s met or breach, at-risk warnings, messages', () => {
    const at = '2026-11-30T18:00:00.000Z';
    for (const body of [
      { type: 'sla.met', deadline: 'next-update', level: 2 },
      { type: 'sla.breached', deadline: 'next-update', dueAt: at, level: 2 },
      { type: 'sla.at_risk', deadline: 'first-response', dueAt: at, level: 2 },
      { type: 'message.posted', visibility: 'public', body: 'b', channel: 'api' },
    ])
      expect(firstResponseFigure(stamp(body, at), opened)).toBeNull();
  });
});

describe('next updates as compliance counts them (docs/service-levels.md#next-update-compliance)', () => {
  /** `null`: an event that does not record its level. */
  const met = (at: Instant, level: 0 | 1 | 2 | 3 | null = 1) =>
    stamp({ type: 'sla.met', deadline: 'next-update', ...(level === null ? {} : { level }) }, at);
  const breach = (at: Instant, level: 0 | 1 | 2 | 3 = 1) =>
    stamp({ type: 'sla.breached', deadline: 'next-update', dueAt: at, level }, at);
  const frMet = (at: Instant) => stamp({ type: 'sla.met', deadline: 'first-response', level: 1 }, at);
  const windowBreachedAt = (c: Case, at: Instant): Case => ({
    ...c,
    sla: recordBreach(c.sla, 'next-update', at, at),
  });
  // Answered at 18:00Z: the first window runs from there, and each later update opens the next one.
  const answered = answeredAt(opened, '2026-11-30T18:00:00.000Z');

  it('an update in time is met, at the level of its event (else the case’s)', () => {
    expect(nextUpdateFigure(met('2026-12-01T10:00:00.000Z', 0), answered)).toEqual({
      level: 0,
      outcome: 'met',
    });
    expect(nextUpdateFigure(met('2026-12-01T10:00:00.000Z', null), answered)).toEqual({
      level: answered.severity.level,
      outcome: 'met',
    });
  });

  it('a breach is a breach; the late update of that window counts once, as the breach', () => {
    const late = windowBreachedAt(answered, '2026-12-01T17:00:00.000Z');
    expect(nextUpdateFigure(breach('2026-12-01T17:00:00.000Z'), answered)).toEqual({
      level: 1,
      outcome: 'breached',
    });
    expect(nextUpdateFigure(met('2026-12-01T19:00:00.000Z'), late)).toBeNull();
  });

  it('is judged on the window the update answered, not on the case after it, whose window is fresh', () => {
    const late = windowBreachedAt(answered, '2026-12-01T17:00:00.000Z');
    const after = answeredAt(late, '2026-12-01T19:00:00.000Z');
    expect(after.sla.updateWindow?.breachedAt).toBeNull();
    // The case written with the late update no longer shows the breach: it cannot be what decides.
    expect(nextUpdateFigure(met('2026-12-01T19:00:00.000Z'), after)).toEqual({ level: 1, outcome: 'met' });
    expect(nextUpdateFigures(late, after, [met('2026-12-01T19:00:00.000Z')])).toEqual([]);
  });

  it('counts no other event: the first response’s met or breach, at-risk warnings, messages', () => {
    const at = '2026-11-30T18:00:00.000Z';
    for (const body of [
      { type: 'sla.met', deadline: 'first-response', level: 2 },
      { type: 'sla.breached', deadline: 'first-response', dueAt: at, level: 2 },
      { type: 'sla.at_risk', deadline: 'next-update', dueAt: at, level: 2 },
      { type: 'message.posted', visibility: 'public', body: 'b', channel: 'api' },
    ])
      expect(nextUpdateFigure(stamp(body, at), answered)).toBeNull();
  });

  it('through a run of events: a breach settled in the same write as the update counts once, as the breach', () => {
    const timeline = [
      frMet('2026-11-30T18:00:00.000Z'),
      met('2026-12-01T10:00:00.000Z'), // in time
      breach('2026-12-02T10:00:00.000Z'), // settled by the next write…
      met('2026-12-02T12:00:00.000Z'), // …which gives the late update: not met
      met('2026-12-02T13:00:00.000Z'), // the fresh window it opened, answered in time
      breach('2026-12-03T13:00:00.000Z', 2),
    ];
    expect(nextUpdateFigures(null, answered, timeline)).toEqual([
      { at: '2026-12-01T10:00:00.000Z', level: 1, outcome: 'met' },
      { at: '2026-12-02T10:00:00.000Z', level: 1, outcome: 'breached' },
      { at: '2026-12-02T13:00:00.000Z', level: 1, outcome: 'met' },
      { at: '2026-12-03T13:00:00.000Z', level: 2, outcome: 'breached' },
    ]);
    // One write's share, from the case that write replaced: its window already breached by an earlier write.
    const late = windowBreachedAt(answered, '2026-12-02T10:00:00.000Z');
    expect(nextUpdateFigures(late, answered, [met('2026-12-02T12:00:00.000Z')])).toEqual([]);
    expect(nextUpdateFigures(answered, answered, [met('2026-12-02T12:00:00.000Z')])).toHaveLength(1);
  });

  it('a public note that closes the case answers the breached window late; the closing ends the window', () => {
    const late = windowBreachedAt(answered, '2026-12-02T10:00:00.000Z');
    const at = '2026-12-02T12:00:00.000Z';
    const closing = [
      stamp(
        { type: 'status.changed', from: 'working', to: 'closed', note: 'Done', visibility: 'public' },
        at,
      ),
      met(at),
      stamp({ type: 'case.closed', auto: false }, at),
    ];
    expect(nextUpdateFigures(late, answered, closing)).toEqual([]);
    expect(nextUpdateFigures(answered, answered, closing)).toEqual([{ at, level: 1, outcome: 'met' }]);
  });
});

describe('compliance in percent', () => {
  it('is met ÷ (met + breached) to one decimal, null when nothing fell either way', () => {
    expect(compliancePercent(0, 0)).toBeNull();
    expect(compliancePercent(1, 0)).toBe(100);
    expect(compliancePercent(0, 3)).toBe(0);
    expect(compliancePercent(2, 1)).toBe(66.7);
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), (m, b) => {
        const p = compliancePercent(m, b);
        if (m + b === 0) {
          expect(p).toBeNull();
          return;
        }
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(100);
        expect(Math.abs((p as number) - (100 * m) / (m + b))).toBeLessThanOrEqual(0.05 + 1e-9);
      }),
    );
  });
});

describe('hourly windows', () => {
  it('end with the hour now is in and reach back whole hours', () => {
    expect(hourOf('2026-11-30T17:59:59.999Z')).toBe('2026-11-30T17');
    expect(hourWindow('2026-11-30T17:42:00.000Z', 24)).toEqual({
      from: '2026-11-29T18',
      to: '2026-11-30T17',
      since: '2026-11-29T18:00:00.000Z',
    });
    expect(hourWindow('2026-03-01T00:00:00.000Z', 168)).toEqual({
      from: '2026-02-22T01',
      to: '2026-03-01T00',
      since: '2026-02-22T01:00:00.000Z',
    });
  });

  it('hold exactly the instants from the start of their first hour to now, whatever now is', () => {
    const instant = fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2035-01-01') });
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: -1e9, max: 0 }),
        (now, hours, back) => {
          const window = hourWindow(toInstant(now), hours);
          const at = toInstant(now + back);
          const inside = hourOf(at) >= window.from && hourOf(at) <= window.to;
          expect(inside).toBe(at >= window.since);
          expect(Date.parse(window.since)).toBeGreaterThan(now - hours * 3_600_000);
          expect(Date.parse(window.since)).toBeLessThanOrEqual(now - (hours - 1) * 3_600_000);
        },
      ),
    );
  });
});

describe('what a case adds to the figures', () => {
  it('is breached now while a first response is breached and not given, or the update window is breached', () => {
    expect(isBreachedNow(opened)).toBe(false);
    const late = breachedAt(opened, '2026-12-01T05:00:00.000Z');
    expect(isBreachedNow(late)).toBe(true);
    const answered = answeredAt(late, '2026-12-01T07:00:00.000Z');
    expect(isBreachedNow(answered)).toBe(false);
    const windowBreached = {
      ...answered,
      sla: recordBreach(answered.sla, 'next-update', OPENED_AT, OPENED_AT),
    };
    expect(isBreachedNow(windowBreached)).toBe(true);
    expect(isBreachedNow({ ...late, status: 'closed' })).toBe(false);
  });

  it('counts for its assignee while it is open, in every status but closed', () => {
    for (const status of CASE_STATUSES) {
      const c = { ...opened, status, assignee: 'alice@support.example' };
      expect(agentShareOf(c)).toEqual(
        status === 'closed' ? null : { agent: 'alice@support.example', breached: false },
      );
      expect(agentShareOf({ ...c, assignee: null })).toBeNull();
    }
  });

  it('lists an escalation while it waits on an open case', () => {
    const escalation = { requestedAt: '2026-11-30T18:00:00.000Z', reason: 'Orders lost' };
    expect(waitingEscalationOf(opened)).toBeNull();
    expect(waitingEscalationOf({ ...opened, escalation, assignee: 'bob@support.example' })).toEqual({
      caseId: opened.id,
      number: opened.number,
      subject: opened.subject,
      level: opened.severity.level,
      assignee: 'bob@support.example',
      ...escalation,
    });
    expect(waitingEscalationOf({ ...opened, escalation, status: 'closed' })).toBeNull();
  });

  it('lists a survey once it is answered', () => {
    const sent = { sentAt: OPENED_AT, submittedAt: null, ratings: null, comment: null };
    expect(surveyAnsweredOf({ ...opened, survey: sent })).toBeNull();
    const ratings = { overall: 5, timeliness: 4, friendliness: 3 };
    const answered = { ...sent, submittedAt: '2026-12-02T00:00:00.000Z', ratings, comment: 'Kind' };
    expect(surveyAnsweredOf({ ...opened, status: 'closed', survey: answered })).toEqual({
      caseId: opened.id,
      number: opened.number,
      submittedAt: '2026-12-02T00:00:00.000Z',
      ratings,
      comment: 'Kind',
      assignee: null,
    });
  });
});
