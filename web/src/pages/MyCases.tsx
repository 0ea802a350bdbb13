import { useEffect, useState } from 'react';
import { Link, Navigate } from 'react-router';
import { type Case, type Problem, problemOf } from '../api.ts';
import { usePortal, useSignedIn } from '../app-context.tsx';
import { ProblemNotice } from '../components/Field.tsx';
import { STATUS_LABELS, when } from '../format.ts';

/** A seller's view: their company's cases, the earliest deadline first. */
export function MyCases() {
  const { api } = usePortal();
  const person = useSignedIn();
  const [cases, setCases] = useState<Case[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  async function load(after: string | null) {
    if (person?.role !== 'seller') return;
    const { data, error, response } = await api.GET('/cases', {
      params: { query: { limit: 50, ...(after ? { cursor: after } : {}) } },
      headers: { authorization: `Bearer ${person.idToken}` },
    });
    if (!data) return setProblem(problemOf(error, response));
    setCases((prev) => [...(after ? (prev ?? []) : []), ...data.items]);
    setCursor(data.cursor);
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per person
  useEffect(() => {
    void load(null);
  }, [person?.idToken]);

  if (!person) return <Navigate to="/sign-in?next=/my-cases" replace />;
  // "Our cases" is a seller's page: support's list of every case is the queue.
  if (person.role !== 'seller') return <Navigate to="/queue" replace />;
  return (
    <>
      <h1 tabIndex={-1}>Our cases</h1>
      <p>
        Every case of {person.sellerId ? <strong>{person.sellerId}</strong> : 'your company'}.{' '}
        <Link to="/new">Open a case</Link>
      </p>
      <ProblemNotice problem={problem} />
      {cases === null ? (
        <p aria-busy="true">Loading…</p>
      ) : cases.length === 0 ? (
        <p>No cases yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Subject</th>
                <th scope="col">Status</th>
                <th scope="col">Opened by</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {cases.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/case/${c.number}`}>{c.number}</Link>
                  </td>
                  <td>{c.subject}</td>
                  <td>{STATUS_LABELS[c.status] ?? c.status}</td>
                  <td>{c.requester.email}</td>
                  <td>{when(c.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <button type="button" className="button secondary" onClick={() => load(cursor)}>
          Load more
        </button>
      )}
    </>
  );
}
