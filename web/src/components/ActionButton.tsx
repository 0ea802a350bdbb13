import type { ButtonHTMLAttributes } from 'react';

/**
 * A button that cannot act just now (a write under way, nothing typed yet) without being `disabled`: a
 * disabled button drops keyboard focus to the page's body, so it stays focusable, says it is unavailable
 * (`aria-disabled`) and ignores clicks (and, as a submit button, the Enter that would send its form).
 */
export function ActionButton({
  unavailable = false,
  onClick,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { unavailable?: boolean | undefined }) {
  return (
    <button
      type="button"
      {...rest}
      {...(unavailable ? { 'aria-disabled': true } : {})}
      onClick={(event) => {
        if (unavailable) {
          event.preventDefault();
          return;
        }
        onClick?.(event);
      }}
    />
  );
}
