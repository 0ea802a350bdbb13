import type { ReactNode } from 'react';

/** A table of figures with one header row: the leads' overview's lists. */
export function Tally({
  head,
  caption,
  children,
}: {
  head: string[];
  /** Said to screen readers only: what the table lists. */
  caption?: string;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="tally">
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
