import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Case } from '../../../shared/domain/case.ts';
import { isRefusal, type Outcome } from '../../../shared/domain/changes/decision.ts';
import {
  cancelMeeting,
  pickSlot,
  proposeMeeting,
  rescheduleMeeting,
} from '../../../shared/domain/changes/meeting.ts';
import { epochOf, type Instant, toInstant } from '../../../shared/domain/instant.ts';
import { type MeetingSlot, slotProblem, slotsProblems } from '../../../shared/domain/meeting.ts';
import { settleDue } from '../../../shared/domain/settle.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';
import type { EventActor } from '../../../shared/domain/timeline.ts';
import { desiredTimers } from '../../../shared/domain/timers.ts';
import { newSellerCase } from '../../support/cases.ts';

const policy = createSlaPolicy();
const calendar = policy.calendar;
const i = (s: string): Instant => toInstant(new Date(s));
const slot = (start: string, durationMinutes = 30): MeetingSlot => ({ start: i(start), durationMinutes });
const agent: EventActor = { role: 'agent', id: 'alice@support.example' };
const seller: EventActor = { role: 'seller', id: 'a@b.c' };
const JOIN = { url: 'https://meet.example.com/x', dialIn: null };
const MINUTE = 60_000;

/** Monday 2026-11-30, 09:00 Pacific: the case opens. */
const NOW = i('2026-11-30T09:00:00-08:00');

function decided(outcome: Outcome) {
  if (isRefusal(outcome)) throw new Error(`refused: ${outcome.detail}`);
  return outcome;
}

function proposed(slots: MeetingSlot[], c: Case = newSellerCase({ subject: 's', description: 'd' })) {
  return decided(
    proposeMeeting(
      c,
      { id: 'M1', topic: 'Walk through it', join: JOIN, slots, organizer: 'alice@support.example' },
      NOW,
      policy,
    ),
  );
}

describe('a slot must lie wholly inside support hours', () => {
  it.each([
    ['Tuesday 10:00–10:30 Pacific', slot('2026-12-01T10:00:00-08:00'), null],
    ['Tuesday ending exactly at closing', slot('2026-12-01T16:30:00-08:00'), null],
    ['a Saturday', slot('2026-12-05T10:00:00-08:00'), 'falls on a weekend or a holiday'],
    ['Christmas Day (a Friday)', slot('2026-12-25T10:00:00-08:00'), 'falls on a weekend or a holiday'],
    ['a Saturday, early', slot('2026-12-05T08:00:00-08:00'), 'falls on a weekend or a holiday'],
    ['a Saturday, late', slot('2026-12-05T18:00:00-08:00'), 'falls on a weekend or a holiday'],
    ['Christmas Day, before opening', slot('2026-12-25T08:30:00-08:00'), 'falls on a weekend or a holiday'],
    [
      'before opening',
      slot('2026-12-01T08:30:00-08:00'),
      'starts before support opens (09:00 America/Los_Angeles)',
    ],
    [
      'at closing',
      slot('2026-12-01T17:00:00-08:00'),
      'starts after support closes (17:00 America/Los_Angeles)',
    ],
    ['running past closing', slot('2026-12-01T16:45:00-08:00'), 'runs past closing time'],
    ['in the past', slot('2026-11-27T10:00:00-08:00'), 'starts in the past'],
    ['more than 60 days ahead', slot('2027-02-01T10:00:00-08:00'), 'starts more than 60 days ahead'],
    [
      'not on a whole minute',
      { start: '2026-12-01T18:00:30.000Z', durationMinutes: 30 },
      'does not start on a whole minute',
    ],
  ])('%s', (_name, s, problem) => {
    expect(slotProblem(s, NOW, calendar)).toBe(problem);
  });

  it('follows DST: 09:00 local is 17:00Z before the March change and 16:00Z after it', () => {
    const march = i('2027-03-10T09:00:00-08:00');
    // Friday 12 March 2027, still PST (UTC−8).
    expect(slotProblem(slot('2027-03-12T17:00:00Z'), march, calendar)).toBeNull();
    expect(slotProblem(slot('2027-03-12T16:00:00Z'), march, calendar)).toMatch(/before support opens/);
    // Monday 15 March 2027, PDT (UTC−7) since Sunday.
    expect(slotProblem(slot('2027-03-15T16:00:00Z'), march, calendar)).toBeNull();
    expect(slotProblem(slot('2027-03-15T15:30:00Z'), march, calendar)).toMatch(/before support opens/);
    // 16:30–17:00 PDT is 23:30–00:00Z: inside hours, though it ends on the next UTC day.
    expect(slotProblem(slot('2027-03-15T23:30:00Z'), march, calendar)).toBeNull();
  });

  it('agrees with a minute-by-minute walk of the business calendar (property)', () => {
    const from = epochOf(NOW);
    fc.assert(
      fc.property(
        // Any whole minute in the next ten weeks, any allowed length.
        fc.integer({ min: 1, max: 70 * 24 * 60 }),
        fc.integer({ min: 15, max: 120 }),
        (minutesAhead, durationMinutes) => {
          const start = from + minutesAhead * MINUTE;
          const s = { start: toInstant(start), durationMinutes };
          let everyMinuteIsBusiness = true;
          for (let m = 0; m < durationMinutes && everyMinuteIsBusiness; m++)
            everyMinuteIsBusiness = calendar.isBusinessTime(new Date(start + m * MINUTE));
          const withinReach = minutesAhead <= 60 * 24 * 60;
          expect(slotProblem(s, NOW, calendar) === null).toBe(everyMinuteIsBusiness && withinReach);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('names each bad slot of a proposal, and a start proposed twice', () => {
    const good = slot('2026-12-01T10:00:00-08:00');
    expect(slotsProblems([good, slot('2026-12-05T10:00:00-08:00'), good], NOW, calendar)).toEqual([
      { field: 'slots.1', message: 'the slot falls on a weekend or a holiday' },
      { field: 'slots.2', message: 'the same start is proposed twice' },
    ]);
    expect(slotsProblems([], NOW, calendar)).toEqual([{ field: 'slots', message: 'propose 1 to 5 slots' }]);
  });
});

describe('proposing, picking, moving and cancelling', () => {
  const tue = slot('2026-12-01T10:00:00-08:00');
  const wed = slot('2026-12-02T14:00:00-08:00', 45);

  it('a proposal is public, sorted by start, and counts as the first response', () => {
    const { case: c, events } = proposed([wed, tue]);
    expect(c.meetings[0]?.slots).toEqual([tue, wed]);
    expect(events.map((e) => e.type)).toEqual(['meeting.proposed', 'sla.met']);
    expect(c.sla.firstResponse.metAt).toBe(NOW);
  });

  it('picking twice is one pick; another slot after it, or one that has started, is refused', () => {
    const { case: c } = proposed([tue, wed]);
    const later = i('2026-11-30T12:00:00-08:00');
    const picked = decided(pickSlot(c, 'M1', tue.start, later, seller));
    expect(picked.case.meetings[0]).toMatchObject({ status: 'scheduled', scheduled: tue, sequence: 0 });
    expect(picked.events).toEqual([
      { type: 'meeting.scheduled', meetingId: 'M1', slot: tue, sequence: 0, actor: seller },
    ]);
    expect(pickSlot(picked.case, 'M1', tue.start, later, seller)).toMatchObject({ refused: 'unchanged' });
    expect(pickSlot(picked.case, 'M1', wed.start, later, seller)).toMatchObject({ refused: 'done' });
    expect(pickSlot(c, 'M1', tue.start, tue.start, seller)).toMatchObject({
      refused: 'not-allowed',
      detail: 'that slot has already started',
    });
    expect(pickSlot(c, 'M1', i('2026-12-03T10:00:00-08:00'), later, seller)).toMatchObject({
      refused: 'not-allowed',
    });
  });

  it('moving raises the SEQUENCE and resets the reminder; cancelling a scheduled meeting raises it again', () => {
    const { case: c } = proposed([tue]);
    const picked = decided(pickSlot(c, 'M1', tue.start, NOW, seller)).case;
    const moved = decided(rescheduleMeeting(picked, 'M1', wed, NOW, agent));
    expect(moved.case.meetings[0]).toMatchObject({ scheduled: wed, sequence: 1, remindedAt: null });
    expect(moved.events[0]).toMatchObject({ type: 'meeting.rescheduled', from: tue, to: wed, sequence: 1 });
    const cancelled = decided(cancelMeeting(moved.case, 'M1', 'solved', NOW, seller));
    expect(cancelled.case.meetings[0]).toMatchObject({ status: 'cancelled', sequence: 2, endedAt: NOW });
    expect(cancelMeeting(cancelled.case, 'M1', null, NOW, seller)).toMatchObject({ refused: 'done' });
    expect(pickSlot(cancelled.case, 'M1', wed.start, NOW, seller)).toMatchObject({ refused: 'done' });
  });

  it('cancelling an unpicked proposal keeps its SEQUENCE (no invitation went out)', () => {
    const { case: c } = proposed([tue]);
    expect(decided(cancelMeeting(c, 'M1', null, NOW, agent)).case.meetings[0]?.sequence).toBe(0);
  });

  it('a closed case takes no proposal', () => {
    const closed = { ...newSellerCase({ subject: 's', description: 'd' }), status: 'closed' as const };
    expect(
      proposeMeeting(
        closed,
        { id: 'M1', topic: 't', join: JOIN, slots: [tue], organizer: 'a@x.y' },
        NOW,
        policy,
      ),
    ).toMatchObject({ refused: 'closed' });
  });
});

describe('meeting timers', () => {
  const tue = slot('2026-12-01T10:00:00-08:00');
  const wed = slot('2026-12-02T14:00:00-08:00', 45);
  const timerOf = (c: Case, kind: string) => desiredTimers(c, policy).find((t) => t.kind === kind);

  it('an unpicked proposal expires when its last slot starts', () => {
    const { case: c } = proposed([tue, wed]);
    expect(timerOf(c, 'meeting-expiry')).toEqual({ kind: 'meeting-expiry', dueAt: wed.start, window: NOW });
    expect(timerOf(c, 'meeting-reminder')).toBeUndefined();
    const settled = settleDue(c, wed.start, policy);
    expect(settled.case.meetings[0]).toMatchObject({ status: 'expired', endedAt: wed.start });
    expect(settled.events.filter((e) => e.type.startsWith('meeting.'))).toEqual([
      expect.objectContaining({ type: 'meeting.expired', meetingId: 'M1', at: wed.start }),
    ]);
    expect(timerOf(settled.case, 'meeting-expiry')).toBeUndefined();
  });

  it('a picked meeting gets its reminder exactly 15 minutes before, once', () => {
    const { case: c } = proposed([tue, wed]);
    const picked = decided(pickSlot(c, 'M1', wed.start, NOW, seller)).case;
    const due = toInstant(epochOf(wed.start) - 15 * MINUTE);
    expect(timerOf(picked, 'meeting-reminder')).toEqual({
      kind: 'meeting-reminder',
      dueAt: due,
      window: NOW,
    });
    expect(timerOf(picked, 'meeting-expiry')).toBeUndefined();
    const early = settleDue(picked, toInstant(epochOf(due) - 1), policy);
    expect(early.events.some((e) => e.type === 'meeting.reminded')).toBe(false);
    const settled = settleDue(picked, due, policy);
    expect(settled.events.filter((e) => e.type === 'meeting.reminded')).toEqual([
      expect.objectContaining({ meetingId: 'M1', startsAt: wed.start, at: due }),
    ]);
    expect(timerOf(settled.case, 'meeting-reminder')).toBeUndefined();
    expect(settleDue(settled.case, wed.start, policy).events.some((e) => e.type === 'meeting.reminded')).toBe(
      false,
    );
  });

  it('the reminder follows a move and goes with a cancellation', () => {
    const { case: c } = proposed([tue]);
    const picked = decided(pickSlot(c, 'M1', tue.start, NOW, seller)).case;
    const movedAt = i('2026-11-30T10:00:00-08:00');
    const moved = decided(rescheduleMeeting(picked, 'M1', wed, movedAt, agent)).case;
    expect(timerOf(moved, 'meeting-reminder')).toEqual({
      kind: 'meeting-reminder',
      dueAt: toInstant(epochOf(wed.start) - 15 * MINUTE),
      window: movedAt,
    });
    expect(timerOf(decided(cancelMeeting(moved, 'M1', null, movedAt, agent)).case, 'meeting-reminder')).toBe(
      undefined,
    );
  });

  it('a time picked within 15 minutes of its start gets no reminder: the invitation is one', () => {
    const { case: c } = proposed([tue]);
    const late = toInstant(epochOf(tue.start) - 10 * MINUTE);
    expect(timerOf(decided(pickSlot(c, 'M1', tue.start, late, seller)).case, 'meeting-reminder')).toBe(
      undefined,
    );
  });

  it('two meetings: the earlier reminder first, then the next (one timer per kind, as every kind)', () => {
    const first = proposed([tue]).case;
    const both = decided(
      proposeMeeting(
        first,
        { id: 'M2', topic: 'again', join: JOIN, slots: [wed], organizer: 'alice@support.example' },
        NOW,
        policy,
      ),
    ).case;
    let c = decided(pickSlot(both, 'M2', wed.start, NOW, seller)).case;
    c = decided(pickSlot(c, 'M1', tue.start, NOW, seller)).case;
    const tueReminder = toInstant(epochOf(tue.start) - 15 * MINUTE);
    expect(timerOf(c, 'meeting-reminder')?.dueAt).toBe(tueReminder);
    const afterFirst = settleDue(c, tueReminder, policy).case;
    expect(timerOf(afterFirst, 'meeting-reminder')?.dueAt).toBe(toInstant(epochOf(wed.start) - 15 * MINUTE));
  });
});
