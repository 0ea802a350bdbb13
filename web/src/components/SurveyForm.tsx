import { type FormEvent, useState } from 'react';

export interface SurveyQuestion {
  topic: 'overall' | 'timeliness' | 'friendliness';
  question: string;
}
export type Ratings = Record<SurveyQuestion['topic'], number>;

/** The end-of-case survey: each question rated 1 (poor) to 5 (excellent), and a comment. */
export function SurveyForm(props: {
  questions: readonly SurveyQuestion[];
  busy: boolean;
  errors: Record<string, string>;
  onSubmit: (answer: { ratings: Ratings; comment?: string }) => void;
}) {
  const [ratings, setRatings] = useState<Partial<Ratings>>({});
  const [comment, setComment] = useState('');
  const complete = props.questions.every((q) => ratings[q.topic] !== undefined);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!complete) return;
    props.onSubmit({ ratings: ratings as Ratings, ...(comment.trim() ? { comment } : {}) });
  }

  return (
    <form className="form survey" onSubmit={submit}>
      {props.questions.map((q) => (
        <fieldset key={q.topic} className="rating">
          <legend>{q.question}</legend>
          <div className="scale">
            {[1, 2, 3, 4, 5].map((n) => (
              <label key={n} className="choice">
                <input
                  type="radio"
                  name={q.topic}
                  value={n}
                  checked={ratings[q.topic] === n}
                  onChange={() => setRatings((r) => ({ ...r, [q.topic]: n }))}
                />{' '}
                {n}
                {n === 1 ? ' (poor)' : n === 5 ? ' (excellent)' : ''}
              </label>
            ))}
          </div>
          {props.errors[`ratings.${q.topic}`] && (
            <div className="error">{props.errors[`ratings.${q.topic}`]}</div>
          )}
        </fieldset>
      ))}
      <div className="field">
        <label htmlFor="survey-comment">Anything else you want to tell us? (optional)</label>
        <textarea id="survey-comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
      </div>
      <button type="submit" className="button" disabled={props.busy || !complete}>
        Send my answers
      </button>
    </form>
  );
}
