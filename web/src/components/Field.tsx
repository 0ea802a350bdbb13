import { type ReactNode, useId } from 'react';

/**
 * A labelled form field with its hint and the API's error for it, tied together for assistive
 * technology (`aria-describedby`, `aria-invalid`).
 */
export function Field(props: {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: (input: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : null, props.error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className={props.error ? 'field has-error' : 'field'}>
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <div className="hint" id={hintId}>
          {props.hint}
        </div>
      )}
      {props.children({
        id,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(props.error ? { 'aria-invalid': true } : {}),
      })}
      {props.error && (
        <div className="error" id={errorId}>
          {props.error}
        </div>
      )}
    </div>
  );
}

/** A problem the API answered, said in words, announced to screen readers. */
export function ProblemNotice({ problem }: { problem: { title: string; detail?: string } | null }) {
  if (!problem) return null;
  return (
    <div className="notice error-notice" role="alert">
      <strong>{problem.title}.</strong> {problem.detail}
    </div>
  );
}
