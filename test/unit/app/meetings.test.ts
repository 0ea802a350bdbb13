import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { createMailNotifier } from '../../../shared/adapters/email/mail-notifier.ts';
import type { OutboundMail } from '../../../shared/adapters/email/mailer.ts';
import { composeMime } from '../../../shared/adapters/email/mime.ts';
import type { Actor } from '../../../shared/app/actor.ts';
import { changeStatus } from '../../../shared/app/change-status.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../../../shared/app/errors.ts';
import {
  cancelMeeting,
  pickByLink,
  pickMeetingSlot,
  proposeMeeting,
  readMeetingByLink,
  rescheduleMeeting,
} from '../../../shared/app/meetings.ts';
import { postMessage } from '../../../shared/app/post-message.ts';
import type { CustomerNotice, InternalNotice, Notice } from '../../../shared/ports/notifier.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { createMemoryOnceLedger } from '../../support/memory-once-ledger.ts';
import { TimerSim } from '../../support/timer-sim.ts';

/** Monday 2026-11-30, 09:00 Pacific. */
const START = '2026-11-30T17:00:00.000Z';
const TUESDAY = { start: '2026-12-01T18:00:00.000Z', durationMinutes: 30 };
const WEDNESDAY = { start: '2026-12-02T22:00:00.000Z', durationMinutes: 45 };
const JOIN = { url: 'https://meet.example.com/cw', dialIn: null };
const BUYER = 'b@example.com';

async function setup() {
  const sim = new TimerSim(START);
  const c = await openConsumerCase(sim.appDeps, { email: BUYER });
  const buyer: Actor = { kind: 'consumer', caseId: c.id };
  const deps = { ...sim.appDeps, meetingLinks: sim.meetingLinks };
  await sim.drain();
  sim.customerMail.length = 0;
  return { sim, deps, c, buyer };
}

const kinds = (notices: { kind: string }[]) => notices.map((n) => n.kind);

describe('meeting use cases', () => {
  it('only staff propose, and only slots inside support hours', async () => {
    const { deps, c, buyer } = await setup();
    await expect(
      proposeMeeting(deps, buyer, c.id, { topic: 't', join: JOIN, slots: [TUESDAY] }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const saturday = { start: '2026-12-05T18:00:00.000Z', durationMinutes: 30 };
    const refused = proposeMeeting(deps, agent, c.id, { topic: 't', join: JOIN, slots: [TUESDAY, saturday] });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({
      errors: [{ field: 'slots.1', message: 'the slot falls on a weekend or a holiday' }],
    });
    expect((await deps.store.get(c.id))?.meetings).toEqual([]);
  });

  it('picking is idempotent by the link and in the portal; strangers to the case may not pick', async () => {
    const { sim, deps, c, buyer } = await setup();
    const { meeting } = await proposeMeeting(deps, agent, c.id, {
      topic: 't',
      join: JOIN,
      slots: [TUESDAY, WEDNESDAY],
    });
    const token = await sim.meetingLinks.issue({ caseId: c.id, meetingId: meeting.id });
    expect((await readMeetingByLink(deps, token)).slots.map((s) => s.open)).toEqual([true, true]);
    const byLink = await pickByLink(deps, token, WEDNESDAY.start);
    expect(byLink).toMatchObject({ status: 'scheduled', scheduled: { start: WEDNESDAY.start } });
    expect(await pickByLink(deps, token, WEDNESDAY.start)).toEqual(byLink);
    const again = await pickMeetingSlot(deps, buyer, c.id, meeting.id, WEDNESDAY.start);
    expect(again.meeting.sequence).toBe(0);
    await expect(pickMeetingSlot(deps, buyer, c.id, meeting.id, TUESDAY.start)).rejects.toBeInstanceOf(
      ConflictError,
    );
    const other: Actor = { kind: 'consumer', caseId: '01JD0000000000000000000000' };
    await expect(pickMeetingSlot(deps, other, c.id, meeting.id, TUESDAY.start)).rejects.toMatchObject({
      status: 404,
    });
    await expect(readMeetingByLink(deps, 'meeting.nope.nope')).rejects.toMatchObject({ status: 404 });
    // One scheduled event, however often it was picked.
    const events = sim.store.events.get(c.id) ?? [];
    expect(events.filter((e) => e.type === 'meeting.scheduled')).toHaveLength(1);
  });

  it('a time outside hours is refused for a move too', async () => {
    const { deps, c, buyer } = await setup();
    const { meeting } = await proposeMeeting(deps, agent, c.id, { topic: 't', join: JOIN, slots: [TUESDAY] });
    await pickMeetingSlot(deps, buyer, c.id, meeting.id, TUESDAY.start);
    await expect(
      rescheduleMeeting(deps, buyer, c.id, meeting.id, {
        start: '2026-12-01T03:00:00.000Z',
        durationMinutes: 30,
      }),
    ).rejects.toMatchObject({ status: 400, errors: [{ field: 'start' }] });
  });
});

describe('what the stream mails about a meeting', () => {
  it('proposal → the buyer; pick → both get the invitation; staff cancel → both, with the reason', async () => {
    const { sim, deps, c, buyer } = await setup();
    const { meeting } = await proposeMeeting(deps, agent, c.id, { topic: 't', join: JOIN, slots: [TUESDAY] });
    await sim.drain();
    expect(kinds(sim.customerMail)).toEqual(['meeting.proposal']);
    expect(sim.customerMail[0]).toMatchObject({ linkToken: `meeting.${c.id}.${meeting.id}` });
    await pickMeetingSlot(deps, buyer, c.id, meeting.id, TUESDAY.start);
    await sim.drain();
    expect(kinds(sim.customerMail)).toEqual(['meeting.proposal', 'meeting.invitation']);
    expect(kinds(sim.notices).filter((k) => k.startsWith('meeting'))).toEqual(['meeting.staff-invitation']);
    await cancelMeeting(deps, agent, c.id, meeting.id, 'Refunded already');
    await sim.drain();
    expect(sim.customerMail.at(-1)).toMatchObject({
      kind: 'meeting.invitation',
      method: 'CANCEL',
      reason: 'Refunded already',
    });
  });

  it('a requester’s reason for cancelling goes to no inbox (it stays on the timeline)', async () => {
    const { sim, deps, c, buyer } = await setup();
    const { meeting } = await proposeMeeting(deps, agent, c.id, { topic: 't', join: JOIN, slots: [TUESDAY] });
    await pickMeetingSlot(deps, buyer, c.id, meeting.id, TUESDAY.start);
    await cancelMeeting(deps, buyer, c.id, meeting.id, 'Buy cheap watches at spam.example');
    await sim.drain();
    const cancels = [...sim.customerMail, ...sim.notices].filter(
      (n) => 'method' in n && n.method === 'CANCEL',
    ) as (CustomerNotice | InternalNotice)[];
    expect(cancels).toHaveLength(2);
    for (const n of cancels) expect(n).toMatchObject({ reason: null });
  });

  it('a proposal withdrawn before a pick mails no cancellation (there is no invitation to cancel)', async () => {
    const { sim, deps, c } = await setup();
    const { meeting } = await proposeMeeting(deps, agent, c.id, { topic: 't', join: JOIN, slots: [TUESDAY] });
    await sim.drain();
    await cancelMeeting(deps, agent, c.id, meeting.id, null);
    await sim.drain();
    expect(kinds(sim.customerMail)).toEqual(['meeting.proposal']);
  });

  it('a proposal withdrawn before its record was handled mails nothing: no links to a dead proposal', async () => {
    const { sim, deps, c } = await setup();
    const { meeting } = await proposeMeeting(deps, agent, c.id, {
      topic: 'typo',
      join: JOIN,
      slots: [TUESDAY],
    });
    await cancelMeeting(deps, agent, c.id, meeting.id, null);
    await sim.drain();
    expect(kinds(sim.customerMail)).toEqual([]);
  });

  it('the reminder is mailed at its instant to both; a reminder settled after the start is not', async () => {
    const { sim, deps, c, buyer } = await setup();
    const { meeting } = await proposeMeeting(deps, agent, c.id, {
      topic: 't',
      join: JOIN,
      slots: [TUESDAY, WEDNESDAY],
    });
    await pickMeetingSlot(deps, buyer, c.id, meeting.id, TUESDAY.start);
    await sim.advanceTo('2026-12-01T17:44:59.999Z');
    expect(kinds(sim.customerMail)).not.toContain('meeting.reminder');
    await sim.advanceTo('2026-12-01T17:45:00.000Z');
    expect(kinds(sim.customerMail).filter((k) => k === 'meeting.reminder')).toHaveLength(1);
    expect(kinds(sim.notices).filter((k) => k === 'meeting.staff-reminder')).toHaveLength(1);

    // Timers down: the second meeting's reminder is only settled when someone touches the case, after its start.
    const late = await setup();
    const second = await proposeMeeting(late.deps, agent, late.c.id, {
      topic: 't',
      join: JOIN,
      slots: [TUESDAY],
    });
    await pickMeetingSlot(late.deps, late.buyer, late.c.id, second.meeting.id, TUESDAY.start);
    await late.sim.drain();
    late.sim.clock.set(new Date('2026-12-01T19:00:00.000Z'));
    late.sim.scheduler.schedules.clear();
    // Someone writes on the case: the write settles the overdue reminder, the meeting still scheduled.
    await postMessage(late.deps, agent, late.c.id, { body: 'Sorry we missed you.', channel: 'api' });
    await late.sim.drain();
    expect((await late.deps.store.get(late.c.id))?.meetings[0]?.status).toBe('scheduled');
    // The reminder was settled at 19:00, after the 18:00 start (dated at its due instant, as every
    // settled deadline is), and mailed to no one.
    expect(late.sim.store.events.get(late.c.id)?.filter((e) => e.type === 'meeting.reminded')).toEqual([
      expect.objectContaining({ at: '2026-12-01T17:45:00.000Z', startsAt: TUESDAY.start }),
    ]);
    expect(kinds(late.sim.customerMail)).not.toContain('meeting.reminder');
    expect(kinds(late.sim.notices)).not.toContain('meeting.staff-reminder');
  });
});

describe('a case that closes', () => {
  it('calls off its live meetings in the same write: both calendars get a CANCEL, with casewatch’s reason', async () => {
    const { sim, deps, c, buyer } = await setup();
    const first = await proposeMeeting(deps, agent, c.id, { topic: 't', join: JOIN, slots: [TUESDAY] });
    const second = await proposeMeeting(deps, agent, c.id, { topic: 'u', join: JOIN, slots: [WEDNESDAY] });
    await pickMeetingSlot(deps, buyer, c.id, first.meeting.id, TUESDAY.start);
    await sim.drain();
    await changeStatus(deps, agent, c.id, { status: 'closed' });
    await sim.drain();
    const closed = await deps.store.get(c.id);
    expect(closed?.meetings.map((m) => [m.status, m.sequence])).toEqual([
      ['cancelled', 1],
      ['cancelled', 0],
    ]);
    expect(sim.customerMail.filter((n) => n.kind === 'meeting.invitation' && n.method === 'CANCEL')).toEqual([
      expect.objectContaining({
        reason: 'the case was closed',
        meeting: expect.objectContaining({ id: first.meeting.id }),
      }),
    ]);
    // No reminder is left for a closed case's meeting.
    expect(sim.schedules().filter((t) => t.kind.startsWith('meeting-'))).toEqual([]);
    expect(second.meeting.status).toBe('proposed');
  });
});

describe('the invitation mail', () => {
  it('carries a text/calendar REQUEST part for the buyer and the organizer, with the meeting’s UID', async () => {
    const { sim, deps, c, buyer } = await setup();
    const { meeting } = await proposeMeeting(deps, agent, c.id, {
      topic: 'Refund walk-through',
      join: JOIN,
      slots: [TUESDAY],
    });
    await pickMeetingSlot(deps, buyer, c.id, meeting.id, TUESDAY.start);
    await sim.drain();
    const sent: OutboundMail[] = [];
    const notifier = createMailNotifier({
      mailer: {
        send: async (m) => {
          sent.push(m);
          return { providerMessageId: null };
        },
      },
      ledger: createMemoryOnceLedger(),
      clock: sim.clock,
      from: 'casewatch support <support@support.example>',
      mailDomain: 'reply.support.example',
      replyKey: new Uint8Array(32).fill(1),
      messageIdKey: new Uint8Array(32).fill(2),
      leads: ['lena@support.example'],
      surveyUrl: (t) => `https://portal.example/survey#token=${t}`,
    });
    const invitations = [...sim.customerMail, ...sim.notices].filter((n) => n.kind.includes('invitation'));
    for (const n of invitations) await notifier.notify(n as Notice);
    expect(sent.map((m) => m.to)).toEqual([[BUYER], [agent.kind === 'staff' ? agent.email : '']]);
    for (const mail of sent) {
      const parsed = await simpleParser(await composeMime(mail));
      const part = parsed.attachments.find((a) => a.contentType === 'text/calendar');
      expect(part?.headers.get('content-type')).toMatchObject({ params: { method: 'REQUEST' } });
      const vevent = new ICAL.Component(
        ICAL.parse(part?.content.toString('utf8') ?? ''),
      ).getFirstSubcomponent('vevent');
      const event = new ICAL.Event(vevent ?? undefined);
      expect(event.uid).toBe(`meeting-${meeting.id}@reply.support.example`);
      expect(event.startDate.toJSDate().toISOString()).toBe(TUESDAY.start);
      expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-01T18:30:00.000Z');
    }
  });
});
