import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { type MeetingLinkView, type Problem, problemOf } from '../api.ts';
import { usePortal } from '../app-context.tsx';
import { ProblemNotice } from '../components/Field.tsx';
import { joinInWords, MeetingFacts, minutesInWords, SlotTime } from '../components/Meetings.tsx';
import { SUPPORT_ZONE_NAME, slotWords } from '../format.ts';
import { fragmentParam } from '../hooks.ts';

const sameInstant = (a: string | null, b: string) => a !== null && Date.parse(a) === Date.parse(b);

/**
 * `/meeting#token=…&slot=…`: the link of a meeting proposal mail. Opening it only reads the meeting (a
 * mail scanner that follows the link picks nothing): the slot the person clicked is preselected, and
 * picking happens when they confirm.
 */
export function MeetingPage() {
  const { api } = usePortal();
  const token = fragmentParam('token') ?? '';
  const linkSlot = fragmentParam('slot');
  const [view, setView] = useState<MeetingLinkView | null>(null);
  const [loadProblem, setLoadProblem] = useState<Problem | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [choice, setChoice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [booked, setBooked] = useState(false);
  const bookedHeading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    const { data, error, response } = await api.GET('/meetings/{token}', { params: { path: { token } } });
    if (data) setView(data);
    else setLoadProblem(problemOf(error, response));
  }, [api, token]);

  useEffect(() => {
    if (token) void load();
  }, [load, token]);

  // The page's heading took focus while it said "Meeting" (Layout); the loaded page's heading takes it over.
  const loaded = view !== null;
  useEffect(() => {
    if (loaded) document.querySelector<HTMLElement>('main h1')?.focus();
  }, [loaded]);

  // Booked: the form (and the button that had focus) is gone; the confirmation takes focus instead.
  useEffect(() => {
    if (booked) bookedHeading.current?.focus();
  }, [booked]);

  async function confirm(event: FormEvent) {
    event.preventDefault();
    if (!selected) return;
    setBusy(true);
    setProblem(null);
    const { data, error, response } = await api.POST('/meetings/{token}', {
      params: { path: { token } },
      body: { start: selected },
    });
    setBusy(false);
    if (data) {
      setView(data);
      setBooked(true);
      return;
    }
    const refused = problemOf(error, response);
    if (refused.status === 404) return setLoadProblem(refused);
    setProblem(refused);
    // What refused it (another time picked, the proposal cancelled) is what the page shows next.
    await load();
  }

  if (!token || loadProblem?.status === 404) {
    return (
      <>
        <h1 tabIndex={-1}>Meeting</h1>
        <p>This link is not valid or has expired. If you still need a call, reply on your case.</p>
      </>
    );
  }
  if (loadProblem) {
    return (
      <>
        <h1 tabIndex={-1}>Meeting</h1>
        <ProblemNotice problem={loadProblem} />
      </>
    );
  }
  if (!view) {
    return (
      <h1 tabIndex={-1} aria-busy="true">
        Meeting
      </h1>
    );
  }

  const open = view.slots.filter((s) => s.open);
  const fromLink = view.slots.find((s) => sameInstant(linkSlot, s.start));
  const selected = choice ?? (fromLink?.open ? fromLink.start : null);
  const myZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const intro = (
    <>
      <h1 tabIndex={-1}>{view.topic}</h1>
      <p className="sub">
        A call about your case {view.caseNumber}, proposed by {view.organizerName} from our support team.
      </p>
      {view.status === 'proposed' && joinInWords(view.join) && (
        <p>
          You will join {joinInWords(view.join)}: the details come with the calendar invitation once you
          confirm a time.
        </p>
      )}
      <ProblemNotice problem={problem} />
    </>
  );

  if (view.status === 'scheduled' && view.scheduled) {
    const { yours, support } = slotWords(view.scheduled.start, view.scheduled.end);
    const otherTime = !booked && linkSlot !== null && !sameInstant(linkSlot, view.scheduled.start);
    return (
      <>
        {intro}
        <div className="notice booked" role="status">
          <h2 ref={bookedHeading} tabIndex={-1}>
            {booked ? "You're booked" : 'This meeting is booked'} for {yours} your time.
          </h2>
          <p>
            It lasts {minutesInWords(view.scheduled.durationMinutes)}
            {support ? `; for our support team that is ${support}` : ''}.
          </p>
          <p>
            {booked
              ? 'A calendar invitation is on its way to your inbox.'
              : otherTime
                ? 'Another of the times was picked; the one in your link is no longer open.'
                : 'The calendar invitation went to your inbox when it was booked.'}
          </p>
        </div>
        <h2>How to join</h2>
        <MeetingFacts join={view.join} />
        <p className="hint">To move or cancel it, open your case from the link in our mail.</p>
      </>
    );
  }
  if (view.status === 'cancelled' || view.status === 'expired') {
    return (
      <>
        {intro}
        <div className="notice" role="status">
          {view.status === 'cancelled'
            ? 'This meeting was cancelled.'
            : 'This proposal expired: its times passed before one was picked.'}{' '}
          If you still need a call, reply on your case and we will propose new times.
        </div>
      </>
    );
  }

  return (
    <>
      {intro}
      {fromLink && !fromLink.open && (
        <div className="notice" role="status">
          The time you chose in the mail has passed. {open.length > 0 ? 'Pick another below.' : ''}
        </div>
      )}
      {open.length === 0 && (
        <div className="notice" role="status">
          All the times proposed have passed. Reply on your case and we will propose new ones.
        </div>
      )}
      <form className="form meeting-pick" onSubmit={confirm}>
        <fieldset className="slot-choices">
          <legend>Pick a time</legend>
          <p className="hint">
            Shown in your time zone ({myZone}), and in support's ({SUPPORT_ZONE_NAME}) where it differs.
          </p>
          {view.slots.map((s) => (
            <label key={s.start} className={s.open ? 'slot-choice' : 'slot-choice closed'}>
              <input
                className="slot-radio"
                type="radio"
                name="slot"
                value={s.start}
                checked={selected === s.start}
                disabled={!s.open || busy}
                onChange={() => setChoice(s.start)}
              />
              <span>
                <SlotTime start={s.start} end={s.end} />
                <span className="slot-length">
                  {minutesInWords(s.durationMinutes)}
                  {s.open ? '' : ' · this time has passed and can no longer be picked'}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        <p className="hint">Nothing is booked until you confirm; we then send you a calendar invitation.</p>
        <button type="submit" className="button" disabled={busy || !selected}>
          {busy ? 'Booking…' : 'Confirm this time'}
        </button>
      </form>
    </>
  );
}
