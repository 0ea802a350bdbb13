import { type FormEvent, useId, useState } from 'react';
import { ActionButton } from './ActionButton.tsx';

export interface SurveyQuestion {
  topic: 'overall' | 'timeliness' | 'friendliness';
  question: string;
}
export type Ratings = Record<SurveyQuestion['topic'], number>;

/** Each question in a few words, for saying which ones are still unanswered. */
const TOPIC_WORDS: Record<SurveyQuestion['topic'], string> = {
  overall: 'quality of support',
  timeliness: 'timeliness and accuracy',
  friendliness: 'friendliness and professionalism',
};

/** The scale's two ends in words. */
const SCALE_WORDS: Record<number, string> = { 1: 'poor', 5: 'excellent' };

/**
 * The end-of-case survey: each question rated 1 (poor) to 5 (excellent), and a comment. Each choice is a
 * tile at least 44 px tall (a thumb's tap target) and the five fit one row on a phone; until every
 * question is answered, the button says what is still missing next to it.
 */
export function SurveyForm(props: {
  questions: readonly SurveyQuestion[];
  busy: boolean;
  errors: Record<string, string>;
  onSubmit: (answer: { ratings: Ratings; comment?: string }) => void;
}) {
  const id = useId();
  const [ratings, setRatings] = useState<Partial<Ratings>>({});
  const [comment, setComment] = useState('');
  const missing = props.questions.filter((q) => ratings[q.topic] === undefined);
  const complete = missing.length === 0;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!complete || props.busy) return;
    props.onSubmit({ ratings: ratings as Ratings, ...(comment.trim() ? { comment } : {}) });
  }

  return (
    <form className="form survey" onSubmit={submit}>
      {props.questions.map((q) => (
        <fieldset key={q.topic} className="rating">
          <legend>{q.question}</legend>
          <div className="scale">
            {[1, 2, 3, 4, 5].map((n) => (
              <label key={n} className="scale-choice">
                <span className="scale-pick">
                  <input
                    className="scale-radio"
                    type="radio"
                    name={`${id}-${q.topic}`}
                    value={n}
                    checked={ratings[q.topic] === n}
                    onChange={() => setRatings((r) => ({ ...r, [q.topic]: n }))}
                  />
                  <span className="scale-number">{n}</span>
                </span>
                {SCALE_WORDS[n] && <span className="scale-word">({SCALE_WORDS[n]})</span>}
              </label>
            ))}
          </div>
          {props.errors[`ratings.${q.topic}`] && (
            <div className="error">{props.errors[`ratings.${q.topic}`]}</div>
          )}
        </fieldset>
      ))}
      <div className="field">
        <label htmlFor={`${id}-comment`}>Anything else you want to tell us? (optional)</label>
        <textarea
          id={`${id}-comment`}
          rows={3}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
      </div>
      <div className="submit-row">
        <ActionButton
          type="submit"
          className="button"
          unavailable={props.busy || !complete}
          {...(complete ? {} : { 'aria-describedby': `${id}-missing` })}
        >
          {props.busy ? 'Sending…' : 'Send my answers'}
        </ActionButton>
        {!complete && (
          <p className="hint still-missing" id={`${id}-missing`}>
            {missing.length === props.questions.length
              ? 'Pick a rating for each question to send your answers.'
              : `Still to rate before you can send: ${missing.map((q) => TOPIC_WORDS[q.topic]).join(', ')}.`}
          </p>
        )}
      </div>
    </form>
  );
}
