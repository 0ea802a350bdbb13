import { useEffect, useRef, useState } from 'react';
import { fieldErrors, type Problem, problemOf } from '../api.ts';
import { usePortal } from '../app-context.tsx';
import { ProblemNotice } from '../components/Field.tsx';
import { SurveyForm, type SurveyQuestion } from '../components/SurveyForm.tsx';
import { fragmentParam } from '../hooks.ts';

interface SurveyView {
  caseNumber: string;
  subject: string;
  questions: SurveyQuestion[];
  submitted: boolean;
}

/** `/survey#token=…`: the survey link from the end-of-case mail. */
export function SurveyPage() {
  const { api } = usePortal();
  const token = fragmentParam('token') ?? '';
  const [survey, setSurvey] = useState<SurveyView | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [thanks, setThanks] = useState(false);
  const thanksLine = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (!token) return;
    void api.GET('/surveys/{token}', { params: { path: { token } } }).then(({ data, error, response }) => {
      if (data && typeof data !== 'string') setSurvey(data as SurveyView);
      else setProblem(problemOf(error, response));
    });
  }, [api, token]);

  // Sent: the form (and the button that had focus) is gone; the thanks take focus instead.
  useEffect(() => {
    if (thanks) thanksLine.current?.focus();
  }, [thanks]);

  if (!token || problem?.status === 404) {
    return (
      <>
        <h1 tabIndex={-1}>Survey</h1>
        <p>This survey link does not work: it may have expired (links last 60 days).</p>
      </>
    );
  }
  if (!survey)
    return (
      <h1 tabIndex={-1} aria-busy="true">
        Survey
      </h1>
    );
  return (
    <>
      <h1 tabIndex={-1}>
        How did we do with <span className="case-number">{survey.caseNumber}</span>?
      </h1>
      <p>“{survey.subject}”</p>
      {survey.submitted || thanks ? (
        <p role="status" tabIndex={-1} ref={thanksLine} className="result">
          Thank you, your answers are in.
        </p>
      ) : (
        <>
          <ProblemNotice problem={problem} />
          <SurveyForm
            questions={survey.questions}
            busy={busy}
            errors={fieldErrors(problem)}
            onSubmit={async (answer) => {
              setBusy(true);
              const { data, error, response } = await api.POST('/surveys/{token}', {
                params: { path: { token } },
                body: answer,
              });
              setBusy(false);
              if (data) setThanks(true);
              else setProblem(problemOf(error, response));
            }}
          />
        </>
      )}
    </>
  );
}
