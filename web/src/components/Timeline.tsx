import { Fragment, type ReactNode } from 'react';
import { agentDisplayName } from '../../../shared/domain/agent-name.ts';
import { withLinks } from '../../../shared/domain/links.ts';
import type { Meeting, TimelineEvent } from '../api.ts';
import { LEVEL_LABELS, STATUS_LABELS, span, when } from '../format.ts';

type Audience = 'requester' | 'staff';

/**
 * Who did it: "You" only for the reader themselves (the signed-in person, or the requester a case link
 * belongs to); a colleague of a seller by their address; support as it signs mail, never an internal
 * address.
 */
function who(e: TimelineEvent, audience: Audience, viewer: string | null): string {
  const { role, id } = e.actor;
  if (role === 'system') return 'casewatch';
  if (audience === 'requester') {
    if (role === 'agent' || role === 'lead') return `${agentDisplayName(id)} (support)`;
    return viewer !== null && id.toLowerCase() === viewer.toLowerCase() ? 'You' : id;
  }
  return `${id} (${role})`;
}

/** A status as its reader knows it: the requester's words (as the status box says it), staff's own. */
function statusWords(status: string, audience: Audience): string {
  return audience === 'requester' ? (STATUS_LABELS[status] ?? status) : status.replace(/_/g, ' ');
}

/** Text with its web addresses as links, as our mail makes them (React elements: never read as HTML). */
export function Linked({ text }: { text: string }): ReactNode {
  const parts = withLinks(text);
  if (!parts.some((p) => 'url' in p)) return text;
  return parts.map((part, i) =>
    'url' in part ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text, in order, never reordered
      <a key={i} href={part.url} target="_blank" rel="noopener noreferrer nofollow">
        {part.url}
      </a>
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: as above
      <Fragment key={i}>{part.text}</Fragment>
    ),
  );
}

/** A meeting time on the timeline: `Tue, Dec 1, 10:00 AM PST (30 min)`. */
const slotShort = (slot: { start: string; durationMinutes: number }) =>
  `${when(slot.start)} (${slot.durationMinutes} min)`;

/** One event in words: what happened, by whom; messages and notes in full. */
function EventBody({
  e,
  meetings,
  audience,
  closeNote,
  lateBy,
}: {
  e: TimelineEvent;
  meetings: readonly Meeting[];
  audience: Audience;
  /** On a close: the note the move to closed carried (that move is not shown twice). */
  closeNote?: string | null | undefined;
  /** On an `sla.met`: how long after its due instant the answer came, when it came after a breach. */
  lateBy?: number | undefined;
}) {
  // Events after the proposal name the meeting by id: its topic comes from the case.
  const topic = 'meetingId' in e ? meetings.find((m) => m.id === e.meetingId)?.topic : undefined;
  const meeting = topic ? `the meeting “${topic}”` : 'the meeting';
  switch (e.type) {
    case 'case.opened':
      if (audience === 'requester') return <p>Opened the case.</p>;
      return (
        <p>
          Opened the case (
          {e.channel === 'email' ? 'by email' : e.channel === 'portal' ? 'in the portal' : 'by API'}).
        </p>
      );
    case 'message.posted':
      return (
        <p className="message-body">
          <Linked text={e.body} />
        </p>
      );
    case 'status.changed':
      return (
        <>
          <p>
            Moved the case from <em>{statusWords(e.from, audience)}</em> to{' '}
            <em>{statusWords(e.to, audience)}</em>.
          </p>
          {e.note && (
            <p className="message-body">
              <Linked text={e.note} />
            </p>
          )}
        </>
      );
    case 'severity.changed':
      return (
        <p>
          Set the severity to {LEVEL_LABELS[e.to]} (was {LEVEL_LABELS[e.from]}): {e.reason}
        </p>
      );
    case 'assignee.changed':
      return <p>{e.to ? `Assigned the case to ${e.to}.` : 'Unassigned the case.'}</p>;
    case 'escalation.requested':
      return <p>Asked for an escalation: {e.reason}</p>;
    case 'workaround.recorded':
      return <p>Recorded a workaround{e.note ? `: ${e.note}` : '.'}</p>;
    case 'details.added':
      return (
        <p>
          Added{' '}
          {[
            e.orderNumber && `order number ${e.orderNumber}`,
            e.billingDescriptor && `billing descriptor ${e.billingDescriptor}`,
          ]
            .filter(Boolean)
            .join(' and ')}
          .
        </p>
      );
    case 'attachment.added':
      return (
        <p>
          Attached <strong>{e.fileName}</strong> ({Math.max(1, Math.round(e.size / 1024))} KB).
        </p>
      );
    case 'sla.met':
      if (lateBy !== undefined)
        return (
          <p>
            {e.deadline === 'first-response' ? 'First response' : 'Next update'} given {span(lateBy)} after it
            was due.
          </p>
        );
      return <p>The {e.deadline.replace('-', ' ')} promise was kept.</p>;
    case 'sla.at_risk':
      return (
        <p>
          The {e.deadline.replace('-', ' ')} is at risk: due {when(e.dueAt)}.
        </p>
      );
    case 'sla.breached':
      return (
        <p>
          The {e.deadline.replace('-', ' ')} was due {when(e.dueAt)} and was missed.
        </p>
      );
    case 'case.closed':
      return (
        <>
          <p>{e.auto ? 'The case closed by itself after a quiet period.' : 'Closed the case.'}</p>
          {closeNote && (
            <p className="message-body">
              <Linked text={closeNote} />
            </p>
          )}
        </>
      );
    case 'survey.sent':
      return <p>Sent the end-of-case survey.</p>;
    case 'survey.submitted':
      return (
        <p>
          Answered the survey: overall {e.ratings.overall}/5, timeliness {e.ratings.timeliness}/5,
          friendliness {e.ratings.friendliness}/5{e.comment ? ` — “${e.comment}”` : ''}.
        </p>
      );
    case 'meeting.proposed':
      return (
        <>
          <p>
            Proposed a meeting, “{e.topic}”, at {e.slots.length === 1 ? 'this time' : 'one of these times'}:
          </p>
          <ul className="event-slots">
            {e.slots.map((s) => (
              <li key={s.start}>{slotShort(s)}</li>
            ))}
          </ul>
        </>
      );
    case 'meeting.scheduled':
      return (
        <p>
          Booked {meeting} for {slotShort(e.slot)}.
        </p>
      );
    case 'meeting.rescheduled':
      return (
        <p>
          Moved {meeting} from {slotShort(e.from)} to {slotShort(e.to)}.
        </p>
      );
    case 'meeting.cancelled':
      return (
        <p>
          Cancelled {meeting}
          {e.reason ? `: ${e.reason}` : '.'}
        </p>
      );
    case 'meeting.expired':
      return <p>No time was picked for {meeting} before its last time passed; the proposal expired.</p>;
    case 'meeting.reminded':
      return (
        <p>
          Sent a reminder: {meeting} starts {when(e.startsAt)}.
        </p>
      );
    default:
      return null;
  }
}

/**
 * Marked "internal" for staff only: an internal message or file, or a status change with an internal
 * note. The requester is never shown such a note (the API leaves its text out), so nothing of theirs is
 * marked.
 */
function isInternal(e: TimelineEvent, audience: Audience): boolean {
  if (audience !== 'staff' || !('visibility' in e) || e.visibility !== 'internal') return false;
  return e.type !== 'status.changed' || Boolean(e.note);
}

/**
 * A close is one event on screen: the move to closed (the status change) is said by the `case.closed`
 * that follows it, with its note. Gives the moves folded so, and each close's note.
 */
function foldCloses(events: readonly TimelineEvent[], audience: Audience) {
  const folded = new Set<string>();
  const notes = new Map<string, { note: string | null; internal: boolean }>();
  events.forEach((e, i) => {
    if (e.type !== 'status.changed' || e.to !== 'closed') return;
    const close = events.slice(i + 1).find((x) => x.type === 'case.closed');
    if (!close || close.at !== e.at || notes.has(close.id)) return;
    folded.add(e.id);
    notes.set(close.id, { note: e.note, internal: isInternal(e, audience) });
  });
  return { folded, notes };
}

/**
 * The answers that came late: each `sla.met` whose deadline was breached first, and by how long it
 * missed its due instant. An `sla.met` says only that the deadline was answered; the breach before it
 * (of the first response, or of the same update window: none met in between) says when it was due.
 */
function lateAnswers(events: readonly TimelineEvent[]): Map<string, number> {
  const late = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.type !== 'sla.met') return;
    for (let j = i - 1; j >= 0; j--) {
      const before = events[j] as TimelineEvent;
      if ((before.type !== 'sla.met' && before.type !== 'sla.breached') || before.deadline !== e.deadline)
        continue;
      if (before.type === 'sla.met') return;
      const ms = Date.parse(e.at) - Date.parse(before.dueAt);
      if (ms > 0) late.set(e.id, ms);
      return;
    }
  });
  return late;
}

/** The case's history, oldest first; staff see internal notes marked as such. */
export function Timeline(props: {
  events: TimelineEvent[];
  audience: Audience;
  /** The reader's email: their own doings read "You" (requesters). */
  viewer?: string | null;
  /** The case's meetings, to name a meeting by its topic. */
  meetings?: readonly Meeting[];
  onDownload?: (attachmentId: string, fileName: string) => void;
}) {
  if (props.events.length === 0) return <p>Nothing has happened yet.</p>;
  const { folded, notes } = foldCloses(props.events, props.audience);
  const late = lateAnswers(props.events);
  return (
    <ol className="timeline">
      {props.events.map((e) => {
        if (folded.has(e.id)) return null;
        const internal = isInternal(e, props.audience) || notes.get(e.id)?.internal === true;
        const message = e.type === 'message.posted';
        return (
          <li
            key={e.id}
            className={[
              'event',
              `event-${e.type.replace(/[._]/g, '-')}`,
              internal ? 'internal' : '',
              message ? 'message' : '',
            ]
              .filter(Boolean)
              .join(' ')}
          >
            <div className="event-meta">
              <span className="event-who">{who(e, props.audience, props.viewer ?? null)}</span>
              {internal && <span className="badge internal-badge">Internal note</span>}
              {e.type === 'message.posted' && e.channel !== 'api' && (
                <span className="channel">via {e.channel === 'email' ? 'email' : 'portal'}</span>
              )}
              <time dateTime={e.at}>{when(e.at)}</time>
            </div>
            <EventBody
              e={e}
              meetings={props.meetings ?? []}
              audience={props.audience}
              closeNote={notes.get(e.id)?.note}
              lateBy={late.get(e.id)}
            />
            {e.type === 'attachment.added' && props.onDownload && (
              <button
                type="button"
                className="link-button"
                onClick={() => props.onDownload?.(e.attachmentId, e.fileName)}
              >
                Download {e.fileName}
              </button>
            )}
          </li>
        );
      })}
    </ol>
  );
}
