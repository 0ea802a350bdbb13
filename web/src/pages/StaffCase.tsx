import { type FormEvent, useEffect, useState } from 'react';
import { CASE_STATUSES } from '../../../shared/domain/case-statuses.ts';
import {
  type Case,
  type CaseStatus,
  credentialHeaders,
  type Level,
  type Problem,
  problemOf,
  type TimelineEvent,
} from '../api.ts';
import { usePortal, useSignedIn } from '../app-context.tsx';
import { ActionButton } from '../components/ActionButton.tsx';
import { SeverityBadge, SlaBadge } from '../components/Badges.tsx';
import { Field, FilesField, ProblemNotice } from '../components/Field.tsx';
import { CaseMeetings, type Proposal, ProposeMeetingForm } from '../components/Meetings.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { countdown, LEVEL_LABELS, when } from '../format.ts';
import { focusIsLost, useNow } from '../hooks.ts';
import { nextDeadline } from '../sla.ts';
import { attachFiles } from '../uploads.ts';
import type { LoadedCase } from './CasePage.tsx';

/** Where staff may move a case: anywhere but back to new. */
const STATUSES: CaseStatus[] = CASE_STATUSES.filter((s) => s !== 'new');
const LEVELS: Level[] = [0, 1, 2, 3];

/** Where a case in `from` may be moved: every status but the one it is in (the API says which it refuses). */
const movesFrom = (from: CaseStatus) => STATUSES.filter((s) => s !== from);
/** The move offered first: "pending closure" once someone works on it, else "working". */
const suggestedMove = (from: CaseStatus): CaseStatus => (from === 'working' ? 'pending_closure' : 'working');

/**
 * Whether every change since `version` (the case as the page showed it) was casewatch's own doing
 * (timers, reactions): judged by the version each event produced, not by which events the page holds — the
 * page reads the case and then its timeline, so it may hold an event of a version it never showed.
 */
function onlyCasewatchSince(version: number, fresh: readonly TimelineEvent[]): boolean {
  const since = fresh.filter((e) => (e.caseVersion ?? 0) > version);
  return since.length > 0 && since.every((e) => e.actor.role === 'system');
}

type Answer = { data?: unknown; error?: unknown; response: Response };

/** The case as support works it: everything on the timeline, and every decision staff make. */
export function StaffCase({ c, events, credential, viewer, replace, reload, download }: LoadedCase) {
  const { api } = usePortal();
  const person = useSignedIn();
  const now = useNow(5_000);
  const pathAt = (version: number) => ({
    params: { path: { id: c.id } },
    headers: { ...credentialHeaders(credential), 'if-match': `"${version}"` },
  });
  type Path = ReturnType<typeof pathAt>;
  const [problem, setProblem] = useState<Problem | null>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reply, setReply] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [fileInputKey, setFileInputKey] = useState(0);
  const [assignee, setAssignee] = useState('');
  const [status, setStatus] = useState<CaseStatus>(suggestedMove(c.status));
  // The select offers every status but the case's own: when that changes (a move here, or one the
  // page read), the choice starts again from the suggestion, so what is shown is what is sent.
  useEffect(() => setStatus(suggestedMove(c.status)), [c.status]);
  const moves = movesFrom(c.status);
  const moveTo = moves.includes(status) ? status : suggestedMove(c.status);
  const [statusNote, setStatusNote] = useState('');
  // Internal, as the API's default is: a note goes to the requester only when the agent ticks the box.
  const [statusPublic, setStatusPublic] = useState(false);
  const [level, setLevel] = useState<Level>(c.severity.level);
  const [severityReason, setSeverityReason] = useState('');
  const [workaround, setWorkaround] = useState('');
  const [proposeProblem, setProposeProblem] = useState<Problem | null>(null);
  /** What the last action did, for the polite live region (focus stays on the control that did it). */
  const [said, setSaid] = useState('');

  /**
   * Every write carries the version on screen (`If-Match`; the page reads the case again every 15 s): a
   * case someone else changed meanwhile is a 412, said as such, and nothing typed here is lost. When all
   * that changed was casewatch's own doing (a timer, the survey recorded), the write is sent once more on
   * the fresh version: nobody raced it.
   */
  async function write(
    request: (path: Path) => Promise<Answer>,
    pick: (data: never) => Case,
    refused: (problem: Problem | null) => void = setProblem,
  ): Promise<boolean> {
    if (busy) return false;
    // The control stays focused (busy buttons are aria-disabled, not disabled); one the change removes
    // ("Take this case" once taken, the side panel once closed) hands focus to its section's heading.
    const from = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const landing = from?.closest('section')?.querySelector('h2')?.id;
    setBusy(true);
    setSaid('');
    refused(null);
    let answer = await request(pathAt(c.version));
    if (answer.response.status === 412) {
      const fresh = await reload();
      if (fresh && onlyCasewatchSince(c.version, fresh.events))
        answer = await request(pathAt(fresh.c.version));
    }
    const { data, error, response } = answer;
    setBusy(false);
    if (response.status === 412) {
      setConflict(true);
      return false;
    }
    if (!data) {
      refused(problemOf(error, response));
      return false;
    }
    setConflict(false);
    await replace(pick(data as never));
    if (from && !from.isConnected && focusIsLost())
      (
        (landing ? document.getElementById(landing) : null) ?? document.querySelector<HTMLElement>('main h1')
      )?.focus();
    return true;
  }

  async function sendMessage(internal: boolean) {
    const text = reply;
    const ok = text.trim()
      ? await write(
          (path) =>
            api.POST('/cases/{id}/messages', {
              ...path,
              body: { body: text, ...(internal ? { internal } : {}) },
            }),
          (d: { case: Case }) => d.case,
        )
      : true;
    if (!ok) return;
    const failed = await attachFiles(api, c.id, files, credential, { internal });
    const attached = files.length - failed.length;
    setSaid(
      `${internal ? 'Internal note added' : 'Reply sent to the requester'}${
        attached > 0 ? `, with ${attached} file${attached === 1 ? '' : 's'}` : ''
      }.`,
    );
    if (failed.length > 0)
      setProblem({
        type: 'about:blank',
        title: 'Some files were not attached',
        status: 400,
        detail: failed.map((f) => `${f.fileName}: ${f.reason}`).join('; '),
      });
    setReply('');
    setFiles([]);
    setFileInputKey((k) => k + 1);
    if (files.length > 0) await reload();
  }

  async function assign(to: string) {
    if (
      await write(
        (path) => api.PUT('/cases/{id}/assignee', { ...path, body: { assignee: to } }),
        (d: Case) => d,
      )
    ) {
      setAssignee('');
      setSaid(to === person?.email ? 'You took the case.' : `Assigned the case to ${to}.`);
    }
  }

  async function changeStatus(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const body = { status: moveTo, ...(statusNote.trim() ? { note: statusNote, public: statusPublic } : {}) };
    if (
      await write(
        (path) => api.POST('/cases/{id}/status', { ...path, body }),
        (d: Case) => d,
      )
    ) {
      setStatusNote('');
      setStatusPublic(false);
      setSaid(`Status changed to ${moveTo.replace(/_/g, ' ')}.`);
    }
  }

  async function setSeverity(to: Level, reason: string) {
    if (
      await write(
        (path) => api.PUT('/cases/{id}/severity', { ...path, body: { level: to, reason } }),
        (d: Case) => d,
      )
    ) {
      setSeverityReason('');
      setSaid(`Severity set to ${to} – ${LEVEL_LABELS[to]}.`);
    }
  }

  async function recordWorkaround(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const body = workaround.trim() ? { note: workaround } : {};
    if (
      await write(
        (path) => api.POST('/cases/{id}/workaround', { ...path, body }),
        (d: Case) => d,
      )
    ) {
      setWorkaround('');
      setSaid('Workaround recorded.');
    }
  }

  /** A proposal's refusal is shown in its form, each slot's under its row. */
  const propose = async (proposal: Proposal) => {
    const ok = await write(
      (path) => api.POST('/cases/{id}/meetings', { ...path, body: proposal }),
      (d: { case: Case }) => d.case,
      setProposeProblem,
    );
    if (ok)
      setSaid(
        `Meeting proposed: “${proposal.topic}”, ${proposal.slots.length} time${proposal.slots.length === 1 ? '' : 's'} offered.`,
      );
    return ok;
  };

  const closed = c.status === 'closed';
  const deadline = nextDeadline(c);
  const suggested = c.severity.suggested;
  const mine = person && c.assignee === person.email;
  return (
    <>
      <h1 tabIndex={-1}>
        {c.number}: {c.subject}
      </h1>
      <p className="badges">
        <span className={`badge status-badge status-${c.status}`}>{c.status.replace(/_/g, ' ')}</span>{' '}
        <SeverityBadge level={c.severity.level} /> <SlaBadge c={c} />
      </p>
      {conflict && (
        <div className="notice conflict" role="alert">
          <strong>This case changed since you opened it.</strong> Reload to see what changed; what you typed
          stays here.{' '}
          <button
            type="button"
            className="button"
            onClick={async () => {
              await reload();
              setConflict(false);
              // This button goes with the notice: the page's heading takes its focus.
              document.querySelector<HTMLElement>('main h1')?.focus();
            }}
          >
            Reload the case
          </button>
        </div>
      )}
      {closed && (
        <div className="notice closed-notice" role="status">
          <strong>This case is closed</strong> and can no longer be changed. If the requester writes again,
          their message opens a new case, linked to this one.
        </div>
      )}
      <div className="visually-hidden" role="status" aria-live="polite">
        {said}
      </div>
      <ProblemNotice problem={problem} />
      {problem?.allowed && problem.allowed.length > 0 && (
        <p className="hint">
          From here it can move to: {problem.allowed.map((s) => s.replace(/_/g, ' ')).join(', ')}.
        </p>
      )}

      <div className={closed ? 'case-grid case-closed' : 'case-grid'}>
        <div className="case-main">
          <dl className="facts">
            <div>
              <dt>Requester</dt>
              <dd>
                {c.requester.email ?? 'unknown'}
                {c.requester.sellerId ? ` (seller ${c.requester.sellerId})` : ` (${c.type})`}
              </dd>
            </div>
            <div>
              <dt>Assignee</dt>
              <dd>{c.assignee ?? 'nobody yet'}</dd>
            </div>
            <div>
              <dt>Next deadline</dt>
              <dd>
                {deadline ? (
                  <>
                    {deadline.kind} {countdown(deadline.dueAt, now, deadline.breached)}{' '}
                    <span className="hint-inline">({when(deadline.dueAt)})</span>
                  </>
                ) : (
                  'none'
                )}
              </dd>
            </div>
            <div>
              <dt>Opened</dt>
              <dd>
                {when(c.createdAt)} via {c.channel}
              </dd>
            </div>
            {c.orderNumber && (
              <div>
                <dt>Order</dt>
                <dd>
                  {c.orderNumber} · {c.billingDescriptor}
                </dd>
              </div>
            )}
            {c.survey && (
              <div>
                <dt>Survey</dt>
                <dd>
                  {c.survey.ratings
                    ? `overall ${c.survey.ratings.overall}, timeliness ${c.survey.ratings.timeliness}, friendliness ${c.survey.ratings.friendliness} (of 5)`
                    : `sent ${when(c.survey.sentAt)}, not answered yet`}
                  {c.survey.comment && <q className="survey-comment">{c.survey.comment}</q>}
                </dd>
              </div>
            )}
          </dl>
          <section aria-labelledby="description">
            <h2 id="description">Description</h2>
            <p className="message-body">{c.description}</p>
            {c.stepsToReproduce && (
              <>
                <h3>Steps to reproduce</h3>
                <p className="message-body">{c.stepsToReproduce}</p>
              </>
            )}
          </section>
          <CaseMeetings c={c} headers={credentialHeaders(credential)} audience="staff" onChange={replace} />
          <section aria-labelledby="timeline">
            <h2 id="timeline">Timeline</h2>
            <Timeline
              events={events}
              audience="staff"
              viewer={viewer}
              meetings={c.meetings}
              onDownload={(id) => download(id)}
            />
          </section>
          {!closed && (
            <section aria-labelledby="reply">
              <h2 id="reply" tabIndex={-1}>
                Reply or add a note
              </h2>
              <form className="form" onSubmit={(e) => e.preventDefault()}>
                <Field label="Message" error={problem?.errors?.find((e) => e.field === 'body')?.message}>
                  {(a) => (
                    <textarea {...a} rows={5} value={reply} onChange={(e) => setReply(e.target.value)} />
                  )}
                </Field>
                <FilesField
                  inputKey={fileInputKey}
                  onFiles={setFiles}
                  hint="Files go with the message: public with a reply, internal with a note."
                />
                <div className="actions">
                  <ActionButton
                    className="button"
                    unavailable={busy || (!reply.trim() && !files.length)}
                    onClick={() => sendMessage(false)}
                  >
                    Send reply to requester
                  </ActionButton>
                  <ActionButton
                    className="button secondary"
                    unavailable={busy || (!reply.trim() && !files.length)}
                    onClick={() => sendMessage(true)}
                  >
                    Add internal note
                  </ActionButton>
                </div>
              </form>
            </section>
          )}
        </div>

        {!closed && (
          <aside className="case-side" aria-label="Decisions">
            <section aria-labelledby="assign">
              <h2 id="assign" tabIndex={-1}>
                Assignee
              </h2>
              {person && !mine && (
                <ActionButton className="button" unavailable={busy} onClick={() => assign(person.email)}>
                  Take this case
                </ActionButton>
              )}
              <form
                className="form inline"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (assignee) void assign(assignee);
                }}
              >
                <Field
                  label="Assign to (email)"
                  error={problem?.errors?.find((e) => e.field === 'assignee')?.message}
                >
                  {(a) => (
                    <input
                      {...a}
                      type="email"
                      value={assignee}
                      onChange={(e) => setAssignee(e.target.value)}
                    />
                  )}
                </Field>
                <ActionButton type="submit" className="button secondary" unavailable={busy || !assignee}>
                  Assign
                </ActionButton>
              </form>
            </section>

            <section aria-labelledby="severity">
              <h2 id="severity" tabIndex={-1}>
                Severity
              </h2>
              <p>
                Now: <SeverityBadge level={c.severity.level} /> (
                {c.severity.source === 'suggested' ? 'suggested' : `set by ${c.severity.source}`})
              </p>
              <div className="suggestion">
                <p>
                  Suggested: <strong>{LEVEL_LABELS[suggested.level]}</strong>
                  {suggested.reasons.length > 0 ? ', because:' : ' (no indicators)'}
                </p>
                {suggested.reasons.length > 0 && (
                  <ul className="suggestion-reasons">
                    {suggested.reasons.map((r) => (
                      <li key={r}>{r}</li>
                    ))}
                  </ul>
                )}
                {c.severity.source === 'suggested' && (
                  <ActionButton
                    className="button"
                    unavailable={busy}
                    onClick={() => setSeverity(suggested.level, 'accepted the suggested level')}
                  >
                    Accept {LEVEL_LABELS[suggested.level]}
                  </ActionButton>
                )}
              </div>
              <form
                className="form"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (severityReason.trim()) void setSeverity(level, severityReason);
                }}
              >
                <Field label="Level">
                  {(a) => (
                    <select {...a} value={level} onChange={(e) => setLevel(Number(e.target.value) as Level)}>
                      {LEVELS.map((l) => (
                        <option key={l} value={l}>
                          {l} – {LEVEL_LABELS[l]}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label="Why" error={problem?.errors?.find((e) => e.field === 'reason')?.message}>
                  {(a) => (
                    <input
                      {...a}
                      value={severityReason}
                      onChange={(e) => setSeverityReason(e.target.value)}
                    />
                  )}
                </Field>
                <ActionButton
                  type="submit"
                  className="button secondary"
                  unavailable={busy || !severityReason.trim()}
                >
                  Set severity
                </ActionButton>
              </form>
            </section>

            <section aria-labelledby="status">
              <h2 id="status" tabIndex={-1}>
                Status
              </h2>
              <form className="form" onSubmit={changeStatus}>
                <Field label="Move to">
                  {(a) => (
                    <select {...a} value={moveTo} onChange={(e) => setStatus(e.target.value as CaseStatus)}>
                      {moves.map((s) => (
                        <option key={s} value={s}>
                          {s.replace(/_/g, ' ')}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field
                  label="Note (optional)"
                  hint={
                    statusPublic
                      ? 'The requester is mailed this note.'
                      : 'Internal: only the support team sees it.'
                  }
                >
                  {(a) => (
                    <textarea
                      {...a}
                      rows={2}
                      value={statusNote}
                      onChange={(e) => setStatusNote(e.target.value)}
                    />
                  )}
                </Field>
                <label className="choice">
                  <input
                    type="checkbox"
                    checked={statusPublic}
                    onChange={(e) => setStatusPublic(e.target.checked)}
                  />{' '}
                  Send the note to the requester (mailed to them; counts as an update)
                </label>
                <ActionButton type="submit" className="button secondary" unavailable={busy}>
                  Change status
                </ActionButton>
              </form>
            </section>

            <section aria-labelledby="propose">
              <h2 id="propose" tabIndex={-1}>
                Propose a meeting
              </h2>
              <ProposeMeetingForm busy={busy} problem={proposeProblem} onPropose={propose} />
            </section>

            <section aria-labelledby="workaround">
              <h2 id="workaround" tabIndex={-1}>
                Workaround
              </h2>
              <form className="form" onSubmit={recordWorkaround}>
                <Field label="Workaround or resolution">
                  {(a) => (
                    <textarea
                      {...a}
                      rows={2}
                      value={workaround}
                      onChange={(e) => setWorkaround(e.target.value)}
                    />
                  )}
                </Field>
                <ActionButton type="submit" className="button secondary" unavailable={busy}>
                  Record workaround
                </ActionButton>
              </form>
            </section>
          </aside>
        )}
      </div>
    </>
  );
}
