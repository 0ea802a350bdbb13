import { type ReactNode, useId } from 'react';

/**
 * A labelled form field with its hint and the API's error for it, tied together for assistive
 * technology (`aria-describedby`, `aria-invalid`).
 */
export function Field(props: {
  label: string;
  /** The input's id, when something else links to it (an error summary); else one of its own. */
  id?: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: (input: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const ownId = useId();
  const id = props.id ?? ownId;
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

/**
 * "Attach files (optional)": the files picked go to `onFiles`; a new `inputKey` empties the picker once
 * they are sent.
 */
export function FilesField(props: { inputKey: number; onFiles: (files: File[]) => void; hint?: string }) {
  return (
    <Field label="Attach files (optional)" {...(props.hint ? { hint: props.hint } : {})}>
      {(a) => (
        <input
          {...a}
          key={props.inputKey}
          type="file"
          multiple
          onChange={(e) => props.onFiles([...(e.target.files ?? [])])}
        />
      )}
    </Field>
  );
}
