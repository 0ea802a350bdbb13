import { type FormEvent, useEffect, useRef, useState } from 'react';
import { agentDisplayName } from '../../../shared/domain/agent-name.ts';
import { type Case, fieldErrors, type Meeting, type Problem, problemOf, serverNow } from '../api.ts';
import { usePortal } from '../app-context.tsx';
import {
  instantToSupportClock,
  SUPPORT_HOURS_TEXT,
  SUPPORT_ZONE_NAME,
  slotEndOf,
  slotText,
  slotWords,
  supportClockToInstant,
  supportSlotText,
} from '../format.ts';
import { focusIsLost } from '../hooks.ts';
import { ActionButton } from './ActionButton.tsx';
import { Field, ProblemNotice } from './Field.tsx';

/** The lengths an agent offers (the API takes 15–120 minutes). */
export const MEETING_MINUTES = [15, 30, 45, 60, 90, 120] as const;
/** Slots in one proposal, at most. */
export const MAX_SLOTS = 5;
const HOURS_HINT = `Times are ${SUPPORT_ZONE_NAME}: support's hours are ${SUPPORT_HOURS_TEXT} on working days.`;

/** A slot in words: the reader's own time first, support's beside it where it differs. */
export function SlotTime(props: { start: string; end: string }) {
  const { yours, zone, support } = slotWords(props.start, props.end);
  return (
    <span className="slot-time">
      <span className="slot-yours">
        <strong>{yours}</strong> your time ({zone})
      </span>
      {support && <span className="slot-support">{support}, support's time</span>}
    </span>
  );
}

/** A meeting's facts: when (once booked) and how to join, as the agent gave it (link, dial-in text). */
export function MeetingFacts({
  join,
  when,
}: {
  join: Meeting['join'];
  when?: { start: string; end: string };
}) {
  if (!when && !join.url && !join.dialIn) return null;
  return (
    <dl className="meeting-facts">
      {when && (
        <div>
          <dt>When</dt>
          <dd>
            <SlotTime start={when.start} end={when.end} />
          </dd>
        </div>
      )}
      {join.url && (
        <div>
          <dt>Join link</dt>
          <dd>
            <a href={join.url} rel="noreferrer">
              {join.url}
            </a>
          </dd>
        </div>
      )}
      {join.dialIn && (
        <div>
          <dt>Dial-in</dt>
          <dd className="message-body">{join.dialIn}</dd>
        </div>
      )}
    </dl>
  );
}

/** How a proposal will be joined, in a few words: `by video link or by phone`. */
export function joinInWords(join: Meeting['join']): string | null {
  const ways = [join.url ? 'by video link' : null, join.dialIn ? 'by phone' : null].filter(Boolean);
  return ways.length ? ways.join(' or ') : null;
}

/** What a typed time means, under its input: said in words, so a Saturday or a wrong day shows. */
function TimePreview({ text }: { text: string | null }) {
  return text ? <div className="hint slot-preview">{text}</div> : null;
}

/** A length select's options: `30 minutes`, `1 hour 30 minutes`. */
export function minutesInWords(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hours = h === 0 ? '' : h === 1 ? '1 hour' : `${h} hours`;
  return [hours, m ? `${m} minutes` : ''].filter(Boolean).join(' ');
}

function LengthSelect(props: {
  value: number;
  onChange: (minutes: number) => void;
  input: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean };
}) {
  return (
    <select {...props.input} value={props.value} onChange={(e) => props.onChange(Number(e.target.value))}>
      {MEETING_MINUTES.map((m) => (
        <option key={m} value={m}>
          {minutesInWords(m)}
        </option>
      ))}
    </select>
  );
}

/** Focuses the element once it is on screen: the first field of a form just opened. */
function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

type Audience = 'requester' | 'staff';

interface MeetingActions {
  caseId: string;
  headers: Record<string, string>;
  audience: Audience;
  /** An action starts: what was said about the last one is old news. */
  onStart: () => void;
  /** Takes the case an answer carried; `said` is what to tell the reader. */
  onChange: (c: Case, said: string) => Promise<void>;
}

/**
 * The case's live meetings (proposed or scheduled): a proposal's times to pick, a booked meeting's time
 * and how to join, and moving or cancelling it. Either side may do each; the API says when it may not.
 */
export function CaseMeetings(props: {
  c: Case;
  headers: Record<string, string>;
  audience: Audience;
  onChange: (c: Case) => Promise<void>;
}) {
  // What the last action here said holds only while the meetings are as that action left them: once
  // one changes otherwise (cancelled by a close, picked by the other side), it is old news.
  const [said, setSaid] = useState<{ text: string; state: string } | null>(null);
  const state = meetingsState(props.c.meetings);
  const saying = said && said.state === state ? said.text : null;
  const notice = useRef<HTMLDivElement>(null);
  // The card that acted is drawn anew with the meeting's new state, so its button is gone: the result
  // takes focus rather than the page's body.
  useEffect(() => {
    if (said && focusIsLost()) notice.current?.focus();
  }, [said]);
  const live = props.c.meetings.filter((m) => m.status === 'proposed' || m.status === 'scheduled');
  if (live.length === 0 && !saying) return null;
  return (
    <section aria-labelledby="meetings">
      <h2 id="meetings">Meetings</h2>
      {saying && (
        <div className="notice" role="status" tabIndex={-1} ref={notice}>
          {saying}
        </div>
      )}
      {live.length === 0 && <p>No meeting is planned.</p>}
      <ul className="meetings">
        {live.map((m) => (
          <MeetingCard
            key={`${m.id}-${m.sequence}-${m.status}`}
            m={m}
            caseId={props.c.id}
            headers={props.headers}
            audience={props.audience}
            onStart={() => setSaid(null)}
            onChange={async (c, text) => {
              setSaid({ text, state: meetingsState(c.meetings) });
              await props.onChange(c);
            }}
          />
        ))}
      </ul>
    </section>
  );
}

/** The meetings' states in one string: which, in what status, how often moved. */
const meetingsState = (meetings: readonly Meeting[]) =>
  meetings.map((m) => `${m.id}:${m.status}:${m.sequence}`).join(',');

function MeetingCard({ m, caseId, headers, audience, onStart, onChange }: { m: Meeting } & MeetingActions) {
  const { api } = usePortal();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [choice, setChoice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [mode, setMode] = useState<'idle' | 'move' | 'cancel'>('idle');
  const path = { params: { path: { id: caseId, meetingId: m.id } }, headers };
  const staff = audience === 'staff';

  type Answer = { data?: { case: Case; meeting: Meeting }; error?: unknown; response: Response };
  async function act(request: () => Promise<Answer>, said: (m: Meeting) => string): Promise<void> {
    setBusy(true);
    setProblem(null);
    onStart();
    const { data, error, response } = await request();
    setBusy(false);
    if (!data) return setProblem(problemOf(error, response));
    setMode('idle');
    await onChange(data.case, said(data.meeting));
  }

  const pick = (start: string) =>
    act(
      () => api.POST('/cases/{id}/meetings/{meetingId}/pick', { ...path, body: { start } }),
      (next) =>
        `Booked “${next.topic}” for ${next.scheduled ? slotText(next.scheduled.start, slotEndOf(next.scheduled.start, next.scheduled.durationMinutes)) : 'the time picked'}. A calendar invitation is on its way to ${staff ? 'both of you' : 'your inbox'}.`,
    );

  // Requesters see the agent as support signs mail, never an internal address.
  const organizer = staff ? m.organizer : `${agentDisplayName(m.organizer)} (support)`;
  const now = serverNow();
  return (
    <li className="meeting">
      <h3>{m.topic}</h3>
      <p className="sub">
        Proposed by {organizer}
        {m.status === 'scheduled' ? '' : staff ? '; waiting for the requester to pick a time' : ''}.
      </p>
      <ProblemNotice problem={problem} />
      {m.status === 'proposed' ? (
        <>
          <form
            className="form meeting-pick"
            onSubmit={(e) => {
              e.preventDefault();
              if (choice) void pick(choice);
            }}
          >
            <fieldset className="slot-choices">
              <legend>
                {staff ? 'Pick a time for the requester (after a call)' : 'Pick the time that suits you'}
              </legend>
              {m.slots.map((s) => {
                const passed = Date.parse(s.start) <= now;
                return (
                  <label key={s.start} className={passed ? 'slot-choice closed' : 'slot-choice'}>
                    <input
                      className="slot-radio"
                      type="radio"
                      name={`slot-${m.id}`}
                      value={s.start}
                      checked={choice === s.start}
                      disabled={busy || passed}
                      onChange={() => setChoice(s.start)}
                    />
                    <span>
                      <SlotTime start={s.start} end={slotEndOf(s.start, s.durationMinutes)} />
                      <span className="slot-length">
                        {minutesInWords(s.durationMinutes)}
                        {passed ? ' · this time has passed' : ''}
                      </span>
                    </span>
                  </label>
                );
              })}
            </fieldset>
            <p className="hint">
              Nothing is booked until you confirm; a calendar invitation then goes to{' '}
              {staff ? 'both of you' : 'your inbox'}.
            </p>
            <ActionButton type="submit" className="button" unavailable={busy || !choice}>
              {busy ? 'Booking…' : 'Confirm this time'}
            </ActionButton>
          </form>
          <MeetingFacts join={m.join} />
        </>
      ) : (
        m.scheduled && (
          <MeetingFacts
            join={m.join}
            when={{
              start: m.scheduled.start,
              end: slotEndOf(m.scheduled.start, m.scheduled.durationMinutes),
            }}
          />
        )
      )}
      {mode === 'move' && m.scheduled ? (
        <MoveForm
          scheduled={m.scheduled}
          busy={busy}
          problem={problem}
          onCancel={() => setMode('idle')}
          onMove={(slot) =>
            act(
              () => api.POST('/cases/{id}/meetings/{meetingId}/reschedule', { ...path, body: slot }),
              (next) =>
                `Moved “${next.topic}” to ${next.scheduled ? slotText(next.scheduled.start, slotEndOf(next.scheduled.start, next.scheduled.durationMinutes)) : 'the new time'}. An updated invitation is on its way.`,
            )
          }
        />
      ) : mode === 'cancel' ? (
        <CancelForm
          what={m.status === 'scheduled' ? 'meeting' : 'proposal'}
          busy={busy}
          onKeep={() => setMode('idle')}
          onCancel={(reason) =>
            act(
              () =>
                api.POST('/cases/{id}/meetings/{meetingId}/cancel', {
                  ...path,
                  body: reason ? { reason } : {},
                }),
              (next) => `“${next.topic}” is cancelled.`,
            )
          }
        />
      ) : (
        <div className="actions">
          {m.status === 'scheduled' && (
            <ActionButton className="button secondary" unavailable={busy} onClick={() => setMode('move')}>
              Move
            </ActionButton>
          )}
          <ActionButton className="button secondary" unavailable={busy} onClick={() => setMode('cancel')}>
            {m.status === 'scheduled' ? 'Cancel meeting' : 'Cancel the proposal'}
          </ActionButton>
        </div>
      )}
    </li>
  );
}

function MoveForm(props: {
  scheduled: NonNullable<Meeting['scheduled']>;
  busy: boolean;
  problem: Problem | null;
  onCancel: () => void;
  onMove: (slot: { start: string; durationMinutes: number }) => void;
}) {
  const [start, setStart] = useState(instantToSupportClock(props.scheduled.start));
  const [minutes, setMinutes] = useState(props.scheduled.durationMinutes);
  const first = useFocusOnMount<HTMLInputElement>();
  const errors = fieldErrors(props.problem);
  const instant = supportClockToInstant(start);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (instant) props.onMove({ start: instant, durationMinutes: minutes });
  }

  return (
    <form className="form meeting-form" onSubmit={submit}>
      <fieldset>
        <legend>Move the meeting</legend>
        <p className="hint">{HOURS_HINT}</p>
        <div className="slot-row">
          <div>
            <Field label={`New start (${SUPPORT_ZONE_NAME})`} error={errors.start}>
              {(a) => (
                <input
                  {...a}
                  ref={first}
                  type="datetime-local"
                  required
                  value={start}
                  onChange={(e) => setStart(e.target.value)}
                />
              )}
            </Field>
            <TimePreview text={instant ? slotText(instant, slotEndOf(instant, minutes)) : null} />
          </div>
          <Field label="Length" error={errors.durationMinutes}>
            {(a) => <LengthSelect input={a} value={minutes} onChange={setMinutes} />}
          </Field>
        </div>
        <div className="actions">
          <ActionButton type="submit" className="button" unavailable={props.busy || !instant}>
            Move the meeting
          </ActionButton>
          <button type="button" className="button secondary" onClick={props.onCancel}>
            Keep the time
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function CancelForm(props: {
  what: 'meeting' | 'proposal';
  busy: boolean;
  onKeep: () => void;
  onCancel: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  const first = useFocusOnMount<HTMLTextAreaElement>();
  return (
    <form
      className="form meeting-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onCancel(reason.trim());
      }}
    >
      <fieldset>
        <legend>Cancel the {props.what}?</legend>
        <Field label="Why (optional)">
          {(a) => (
            <textarea
              {...a}
              ref={first}
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <ActionButton type="submit" className="button" unavailable={props.busy}>
            Yes, cancel the {props.what}
          </ActionButton>
          <button type="button" className="button secondary" onClick={props.onKeep}>
            Keep it
          </button>
        </div>
      </fieldset>
    </form>
  );
}

export interface Proposal {
  topic: string;
  join: { url?: string; dialIn?: string };
  slots: { start: string; durationMinutes: number }[];
}

interface SlotRow {
  key: number;
  /** `datetime-local` in support's zone. */
  start: string;
  minutes: number;
}

/**
 * Staff propose a meeting: a topic, how to join, and up to five times typed in support's zone; each
 * time's refusal (`slots.1`) is shown under its row.
 */
export function ProposeMeetingForm(props: {
  busy: boolean;
  problem: Problem | null;
  onPropose: (proposal: Proposal) => Promise<boolean>;
}) {
  const [topic, setTopic] = useState('');
  const [url, setUrl] = useState('');
  const [dialIn, setDialIn] = useState('');
  const [rows, setRows] = useState<SlotRow[]>([{ key: 0, start: '', minutes: 30 }]);
  const [nextKey, setNextKey] = useState(1);
  // Errors name rows by position: once a row is removed they name the wrong ones, until sent again.
  const [stale, setStale] = useState(false);
  const errors = stale ? {} : fieldErrors(props.problem);

  const setRow = (key: number, change: Partial<SlotRow>) =>
    setRows((all) => all.map((r) => (r.key === key ? { ...r, ...change } : r)));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (props.busy) return;
    setStale(false);
    const proposal: Proposal = {
      topic,
      join: { ...(url.trim() ? { url: url.trim() } : {}), ...(dialIn.trim() ? { dialIn } : {}) },
      slots: rows.map((r) => ({
        start: supportClockToInstant(r.start) ?? r.start,
        durationMinutes: r.minutes,
      })),
    };
    if (await props.onPropose(proposal)) {
      setTopic('');
      setUrl('');
      setDialIn('');
      setRows([{ key: nextKey, start: '', minutes: 30 }]);
      setNextKey((k) => k + 1);
    }
  }

  return (
    <form className="form propose" onSubmit={submit}>
      <ProblemNotice problem={stale ? null : props.problem} />
      <Field label="Topic" error={errors.topic}>
        {(a) => <input {...a} required value={topic} onChange={(e) => setTopic(e.target.value)} />}
      </Field>
      <fieldset className={errors.join ? 'join-ways has-error' : 'join-ways'}>
        <legend>How to join: one of these is needed</legend>
        {errors.join && <div className="error">{errors.join}</div>}
        <Field
          label="Conference link (https)"
          hint="One of these is needed: this link, a dial-in, or both."
          error={errors['join.url']}
        >
          {(a) => (
            <input
              {...a}
              type="url"
              placeholder="https://"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Dial-in"
          hint="One of these is needed: a dial-in, the link above, or both."
          error={errors['join.dialIn']}
        >
          {(a) => <textarea {...a} rows={2} value={dialIn} onChange={(e) => setDialIn(e.target.value)} />}
        </Field>
      </fieldset>
      <fieldset className="slot-rows">
        <legend>Times to offer</legend>
        <p className="hint">{HOURS_HINT}</p>
        {errors.slots && <div className="error">{errors.slots}</div>}
        <ol>
          {rows.map((r, i) => {
            const error =
              errors[`slots.${i}`] ?? errors[`slots.${i}.start`] ?? errors[`slots.${i}.durationMinutes`];
            const instant = supportClockToInstant(r.start);
            return (
              <li key={r.key} className={error ? 'slot-row has-error' : 'slot-row'}>
                <div>
                  <Field label={`Time ${i + 1}`} error={error}>
                    {(a) => (
                      <input
                        {...a}
                        type="datetime-local"
                        required
                        value={r.start}
                        onChange={(e) => setRow(r.key, { start: e.target.value })}
                      />
                    )}
                  </Field>
                  <TimePreview
                    text={instant ? supportSlotText(instant, slotEndOf(instant, r.minutes)) : null}
                  />
                </div>
                <Field label={`Length of time ${i + 1}`}>
                  {(a) => (
                    <LengthSelect
                      input={a}
                      value={r.minutes}
                      onChange={(minutes) => setRow(r.key, { minutes })}
                    />
                  )}
                </Field>
                {rows.length > 1 && (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => {
                      setRows((all) => all.filter((x) => x.key !== r.key));
                      setStale(true);
                    }}
                  >
                    Remove time {i + 1}
                  </button>
                )}
              </li>
            );
          })}
        </ol>
        {rows.length < MAX_SLOTS && (
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setRows((all) => [...all, { key: nextKey, start: '', minutes: all.at(-1)?.minutes ?? 30 }]);
              setNextKey((k) => k + 1);
            }}
          >
            Add another time
          </button>
        )}
      </fieldset>
      <ActionButton type="submit" className="button" unavailable={props.busy}>
        Propose the meeting
      </ActionButton>
    </form>
  );
}
