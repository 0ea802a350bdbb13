import { type FormEvent, useEffect, useRef, useState } from 'react';
import { SURVEY_QUESTIONS } from '../../../shared/domain/survey-questions.ts';
import { credentialHeaders, fieldErrors, type Problem, problemOf } from '../api.ts';
import { usePortal } from '../app-context.tsx';
import { ActionButton } from '../components/ActionButton.tsx';
import { Field, FilesField, ProblemNotice } from '../components/Field.tsx';
import { CaseMeetings } from '../components/Meetings.tsx';
import { SurveyForm } from '../components/SurveyForm.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { LEVEL_LABELS, STATUS_LABELS, when } from '../format.ts';
import { focusIsLost } from '../hooks.ts';
import { attachFiles } from '../uploads.ts';
import type { LoadedCase } from './CasePage.tsx';

/** The case as its requester sees it: where it stands, the public timeline, and what they can do. */
export function RequesterCase({ c, events, credential, viewer, replace, reload, download }: LoadedCase) {
  const { api } = usePortal();
  const headers = credentialHeaders(credential);
  const closed = c.status === 'closed';
  const [reply, setReply] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [fileInputKey, setFileInputKey] = useState(0);
  const [reason, setReason] = useState('');
  const [confirmClose, setConfirmClose] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<{ text: string; link?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [surveyProblem, setSurveyProblem] = useState<Problem | null>(null);
  /** The survey was sent from this page: its thanks take the focus the gone form had. */
  const [answered, setAnswered] = useState(false);
  const thanks = useRef<HTMLParagraphElement>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const confirmYes = useRef<HTMLButtonElement>(null);
  const surveyIn = Boolean(c.survey?.submittedAt);
  useEffect(() => {
    if (answered && surveyIn) thanks.current?.focus();
  }, [answered, surveyIn]);

  async function send(event: FormEvent) {
    event.preventDefault();
    if (busy || (!reply.trim() && files.length === 0)) return;
    setBusy(true);
    setProblem(null);
    setNotice(null);
    let target = { id: c.id, credential };
    if (reply.trim()) {
      const { data, error, response } = await api.POST('/cases/{id}/messages', {
        params: { path: { id: c.id } },
        headers,
        body: { body: reply },
      });
      if (!data) {
        setBusy(false);
        setProblem(problemOf(error, response));
        return;
      }
      if ('notice' in data) {
        // The case was closed: the message opened a follow-up case.
        const token = 'caseToken' in data && data.caseToken ? `#token=${data.caseToken}` : '';
        setNotice({ text: data.notice, link: `/case/${data.case.number}${token}` });
        // Files go with the message, to the new case (a buyer's new case has its own token).
        const newToken = 'caseToken' in data ? data.caseToken : undefined;
        target = { id: data.case.id, credential: newToken ? { caseToken: newToken } : credential };
      }
    }
    const failed = await attachFiles(api, target.id, files, target.credential);
    setBusy(false);
    setReply('');
    setFiles([]);
    setFileInputKey((k) => k + 1);
    if (failed.length > 0)
      setProblem({
        type: 'about:blank',
        title: 'Some files were not attached',
        status: 400,
        detail: failed.map((f) => `${f.fileName}: ${f.reason}`).join('; '),
      });
    await reload();
  }

  async function escalate(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) return;
    setProblem(null);
    const { data, error, response } = await api.POST('/cases/{id}/escalations', {
      params: { path: { id: c.id } },
      headers,
      body: { reason },
    });
    if (!data) return setProblem(problemOf(error, response));
    setReason('');
    setNotice({ text: 'We have asked a support lead to look at your case.' });
    await replace(data);
  }

  async function closeCase() {
    setProblem(null);
    const { data, error, response } = await api.POST('/cases/{id}/status', {
      params: { path: { id: c.id } },
      headers,
      body: { status: 'closed' },
    });
    setConfirmClose(false);
    if (!data) return setProblem(problemOf(error, response));
    setNotice({ text: 'Your case is closed. Thank you!' });
    await replace(data);
    // The question and its buttons are gone: the answer takes focus, not the page's body.
    requestAnimationFrame(() => {
      if (focusIsLost()) noticeRef.current?.focus();
    });
  }

  function keepOpen() {
    setConfirmClose(false);
    requestAnimationFrame(() => closeButton.current?.focus());
  }

  const firstOpen = c.sla.firstResponse.metAt === null && !closed;
  return (
    <>
      <h1 tabIndex={-1}>{c.subject}</h1>
      <dl className="facts">
        <div>
          <dt>Case</dt>
          <dd>{c.number}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd className={`status status-${c.status}`}>{STATUS_LABELS[c.status] ?? c.status}</dd>
        </div>
        <div>
          <dt>Priority</dt>
          <dd>{LEVEL_LABELS[c.severity.level]}</dd>
        </div>
        <div>
          <dt>Opened</dt>
          <dd>{when(c.createdAt)}</dd>
        </div>
        {firstOpen && (
          <div>
            <dt>First answer by</dt>
            <dd>{when(c.sla.firstResponse.dueAt)}</dd>
          </div>
        )}
        {c.sla.autoCloseAt && !closed && (
          <div>
            <dt>Closes by itself</dt>
            <dd>{when(c.sla.autoCloseAt)}, unless you write</dd>
          </div>
        )}
      </dl>
      {notice && (
        <div className="notice" role="status" tabIndex={-1} ref={noticeRef}>
          {notice.text} {notice.link && <a href={notice.link}>Open the new case</a>}
        </div>
      )}
      <ProblemNotice problem={problem} />

      <section aria-labelledby="wrote">
        <h2 id="wrote">What you told us</h2>
        <p className="message-body">{c.description}</p>
        {c.stepsToReproduce && (
          <>
            <h3>Steps to reproduce</h3>
            <p className="message-body">{c.stepsToReproduce}</p>
          </>
        )}
        {(c.orderNumber || c.billingDescriptor) && (
          <dl className="facts compact">
            {c.orderNumber && (
              <div>
                <dt>Order or invoice number</dt>
                <dd>{c.orderNumber}</dd>
              </div>
            )}
            {c.billingDescriptor && (
              <div>
                <dt>Billing descriptor</dt>
                <dd>{c.billingDescriptor}</dd>
              </div>
            )}
          </dl>
        )}
      </section>

      <CaseMeetings c={c} headers={headers} audience="requester" onChange={replace} />

      {c.survey && (
        <section aria-labelledby="survey">
          <h2 id="survey">How did we do?</h2>
          {c.survey.submittedAt ? (
            <p role="status" tabIndex={-1} ref={thanks} className="result">
              Thank you: your answers about this case are in.
            </p>
          ) : (
            <>
              <p>Three quick questions about this case, and a comment if you like.</p>
              <ProblemNotice problem={surveyProblem} />
              <SurveyForm
                questions={SURVEY_QUESTIONS}
                busy={busy}
                errors={fieldErrors(surveyProblem)}
                onSubmit={async (answer) => {
                  setBusy(true);
                  setSurveyProblem(null);
                  const { data, error, response } = await api.POST('/cases/{id}/survey', {
                    params: { path: { id: c.id } },
                    headers,
                    body: answer,
                  });
                  setBusy(false);
                  if (!data) return setSurveyProblem(problemOf(error, response));
                  setAnswered(true);
                  await reload();
                }}
              />
            </>
          )}
        </section>
      )}

      <section aria-labelledby="history">
        <h2 id="history">History</h2>
        <Timeline
          events={events}
          audience="requester"
          viewer={viewer}
          meetings={c.meetings}
          onDownload={(id) => download(id)}
        />
      </section>

      <section aria-labelledby="write">
        <h2 id="write">{closed ? 'Write again' : 'Reply'}</h2>
        {closed && <p>This case is closed. Writing here opens a new case, linked to this one.</p>}
        <form onSubmit={send} className="form">
          <Field label="Your message" error={problem?.errors?.find((e) => e.field === 'body')?.message}>
            {(a) => <textarea {...a} rows={5} value={reply} onChange={(e) => setReply(e.target.value)} />}
          </Field>
          <FilesField inputKey={fileInputKey} onFiles={setFiles} />
          <ActionButton
            type="submit"
            className="button"
            unavailable={busy || (!reply.trim() && files.length === 0)}
          >
            {busy ? 'Sending…' : 'Send'}
          </ActionButton>
        </form>
      </section>

      {!closed && (
        <section aria-labelledby="more">
          <h2 id="more">Something else?</h2>
          <details>
            <summary>Ask for an escalation</summary>
            <form onSubmit={escalate} className="form">
              <Field label="Why does this need a lead's attention?">
                {(a) => (
                  <textarea {...a} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
                )}
              </Field>
              <ActionButton type="submit" className="button secondary" unavailable={!reason.trim()}>
                Ask for an escalation
              </ActionButton>
            </form>
          </details>
          {confirmClose ? (
            <fieldset className="confirm">
              <legend>Close the case?</legend>
              <p>Close this case? You can still write to us afterwards.</p>
              <button type="button" className="button" ref={confirmYes} onClick={closeCase}>
                Yes, close my case
              </button>{' '}
              <button type="button" className="button secondary" onClick={keepOpen}>
                Keep it open
              </button>
            </fieldset>
          ) : (
            <button
              type="button"
              className="button secondary"
              ref={closeButton}
              onClick={() => {
                setConfirmClose(true);
                // The question takes focus, so a keyboard goes straight to its answer.
                requestAnimationFrame(() => confirmYes.current?.focus());
              }}
            >
              Close my case
            </button>
          )}
        </section>
      )}
    </>
  );
}
