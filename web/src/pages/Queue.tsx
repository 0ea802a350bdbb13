import { type FormEvent, memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link, Navigate, useLocation, useSearchParams } from 'react-router';
import { type Case, type Problem, problemOf } from '../api.ts';
import { usePortal, useSignedIn } from '../app-context.tsx';
import { ActionButton } from '../components/ActionButton.tsx';
import { SeverityBadge, SlaBadge } from '../components/Badges.tsx';
import { Field, ProblemNotice } from '../components/Field.tsx';
import { hereForSignIn } from '../components/Layout.tsx';
import { countdown } from '../format.ts';
import { useNow } from '../hooks.ts';
import { nextDeadline } from '../sla.ts';

const FILTERS = ['status', 'severity', 'assignee', 'type', 'requester'] as const;
type Filter = (typeof FILTERS)[number];
const PAGE = 100;
/** "Show all" stops here: past it, filters are the better tool. */
const SHOW_ALL_LIMIT = 5_000;
/** How often the first page is read again (and when the window gets focus back), unless more is loaded. */
export const QUEUE_REFRESH_MS = 15_000;
const FILTER_NAMES: Record<string, string> = {
  status: 'Status',
  severity: 'Severity',
  assignee: 'Assignee',
  type: 'Type',
  requester: 'Requester',
};

/** A refused filter said by name: `The filter "Status" is not valid: …`. */
function filterProblem(problem: Problem): Problem {
  const bad = (problem.errors ?? []).filter((e) => FILTERS.includes(e.field as Filter));
  if (bad.length === 0) return problem;
  return {
    ...problem,
    title: bad.length === 1 ? 'A filter is not valid' : 'Some filters are not valid',
    detail: bad.map((e) => `${FILTER_NAMES[e.field] ?? e.field}: ${e.message}`).join('; '),
  };
}

type Query = Partial<Record<Filter, string>>;

/** One case of the queue; the same case in the same minute renders nothing new. */
const QueueRow = memo(function QueueRow({ c, minute }: { c: Case; minute: number }) {
  const deadline = nextDeadline(c);
  return (
    <tr>
      <td className="case-number" data-label="Case">
        <Link to={`/case/${c.number}`}>{c.number}</Link>
      </td>
      <td className="subject" data-label="Subject">
        {c.subject}
        <div className="sub">{c.requester.email ?? ''}</div>
      </td>
      <td data-label="Severity">
        <SeverityBadge level={c.severity.level} />
      </td>
      <td data-label="Status">{c.status.replace(/_/g, ' ')}</td>
      <td data-label="Assignee">{c.assignee ?? '—'}</td>
      <td data-label="Next deadline">
        {deadline ? (
          <>
            <span className="deadline">{countdown(deadline.dueAt, minute * 60_000)}</span>{' '}
            <span className="sub">{deadline.kind}</span> <SlaBadge c={c} />
          </>
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
});

/** The support queue: every case the filters select, the earliest open deadline first. */
export function Queue() {
  const { api } = usePortal();
  const person = useSignedIn();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const [cases, setCases] = useState<Case[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);
  // Countdowns show minutes: rows re-render when the minute changes, not on every tick.
  const minute = Math.floor(useNow(10_000) / 60_000);
  const renderStarted = useRef<number | null>(null);
  /** The person loaded more than the first page: re-reading it would take those rows away. */
  const paged = useRef(false);
  const query: Query = Object.fromEntries(
    FILTERS.flatMap((f) => (params.get(f) ? [[f, params.get(f) as string]] : [])),
  );
  const key = JSON.stringify(query);
  /**
   * The filters as being chosen: the form stays the same form when they are applied (rebuilding it would
   * drop the focus on "Filter"), and follows the URL when that changes otherwise (My cases, Clear, Back).
   */
  const [draft, setDraft] = useState<Query>(query);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the query
  useEffect(() => setDraft(query), [key]);
  const count = useRef<HTMLParagraphElement>(null);
  const table = useRef<HTMLTableSectionElement>(null);
  /** After "Load more" or "Show all": the row that takes focus, the first of those just loaded. */
  const focusRow = useRef<number | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the query
  const fetchPage = useCallback(
    async (after: string | null) => {
      if (!person) return null;
      const { data, error, response } = await api.GET('/cases', {
        params: {
          query: {
            limit: PAGE,
            ...(after ? { cursor: after } : {}),
            ...(query.status ? { status: query.status as Case['status'] } : {}),
            ...(query.severity ? { severity: query.severity as '0' | '1' | '2' | '3' } : {}),
            ...(query.assignee ? { assignee: query.assignee } : {}),
            ...(query.type ? { type: query.type as Case['type'] } : {}),
            ...(query.requester ? { requester: query.requester } : {}),
          },
        },
        headers: { authorization: `Bearer ${person.idToken}` },
      });
      if (!data) {
        setProblem(filterProblem(problemOf(error, response)));
        return null;
      }
      setProblem(null);
      // Closed cases sort after every other (docs/api.md#pages): unless the status filter asks for them,
      // the queue ends where they begin.
      if (!query.status && data.items.some((c) => c.status === 'closed'))
        return { items: data.items.filter((c) => c.status !== 'closed'), cursor: null };
      return data;
    },
    [api, person, key],
  );

  const show = useCallback((items: Case[], next: string | null) => {
    // For the render measure: from the data in hand to the rows on screen.
    renderStarted.current = performance.now();
    setCases(items);
    setCursor(next);
    setLoading(false);
  }, []);

  useEffect(() => {
    let live = true;
    paged.current = false;
    setLoading(true);
    setProblem(null);
    const first = async () => {
      const page = await fetchPage(null);
      if (!live) return;
      if (page) show(page.items, page.cursor);
      else setLoading(false);
    };
    void first();
    // The first page again, every so often and when the window gets focus back, while nothing more is
    // loaded: new cases and moved deadlines show, the filters stay.
    // (Not while the tab is hidden: an agent's open tabs should not multiply the API's load.)
    const again = () => {
      if (!paged.current && document.visibilityState !== 'hidden')
        void fetchPage(null).then((page) => live && page && !paged.current && show(page.items, page.cursor));
    };
    const timer = setInterval(again, QUEUE_REFRESH_MS);
    window.addEventListener('focus', again);
    return () => {
      live = false;
      clearInterval(timer);
      window.removeEventListener('focus', again);
    };
  }, [fetchPage, show]);

  useLayoutEffect(() => {
    if (renderStarted.current === null) return;
    const started = renderStarted.current;
    renderStarted.current = null;
    const rows = cases.length;
    const committed = performance.now();
    requestAnimationFrame(() => {
      performance.measure('queue-render', {
        start: started,
        end: performance.now(),
        detail: { rows, reactMs: committed - started },
      });
    });
  }, [cases]);

  // The first new row's case link takes the focus the load buttons had (they go once all is loaded).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the rows change, by design
  useEffect(() => {
    if (focusRow.current === null) return;
    const row = focusRow.current;
    focusRow.current = null;
    table.current?.rows[row]?.querySelector<HTMLElement>('a')?.focus();
  }, [cases]);

  async function more(all: boolean) {
    if (loading) return;
    paged.current = true;
    setLoading(true);
    let items = cases;
    let next = cursor;
    do {
      const page = await fetchPage(next);
      if (!page) break;
      items = [...items, ...page.items];
      next = page.cursor;
    } while (all && next && items.length < SHOW_ALL_LIMIT);
    if (items.length > cases.length) focusRow.current = cases.length;
    show(items, next);
  }

  if (!person)
    return <Navigate to={`/sign-in?next=${encodeURIComponent(hereForSignIn(location))}`} replace />;
  if (person.role === 'seller') return <Navigate to="/my-cases" replace />;

  function applyFilters(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      const value = (draft[f] ?? '').trim();
      if (value) next.set(f, value);
    }
    setParams(next);
  }
  const choose = (f: Filter) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [f]: e.target.value }));
  const filtered = Object.keys(query).length > 0;
  // Nothing here and nothing more to read: a filter the index cannot key on may answer an empty page with a
  // cursor, and then "Load more" is the way on, not "nothing matches".
  const empty = !loading && !problem && cases.length === 0 && !cursor;

  return (
    <>
      <h1 tabIndex={-1}>Queue</h1>
      <form className="filters" onSubmit={applyFilters} aria-label="Filters">
        <Field label="Status">
          {(a) => (
            <select {...a} name="status" value={draft.status ?? ''} onChange={choose('status')}>
              <option value="">any</option>
              {['new', 'open', 'working', 'pending_internal', 'pending_closure', 'on_hold', 'closed'].map(
                (s) => (
                  <option key={s} value={s}>
                    {s.replace(/_/g, ' ')}
                  </option>
                ),
              )}
            </select>
          )}
        </Field>
        <Field label="Severity">
          {(a) => (
            <select {...a} name="severity" value={draft.severity ?? ''} onChange={choose('severity')}>
              <option value="">any</option>
              <option value="0">0 – Highest</option>
              <option value="1">1 – High</option>
              <option value="2">2 – Medium</option>
              <option value="3">3 – Low</option>
            </select>
          )}
        </Field>
        <Field label="Type">
          {(a) => (
            <select {...a} name="type" value={draft.type ?? ''} onChange={choose('type')}>
              <option value="">any</option>
              <option value="seller">seller</option>
              <option value="consumer">consumer</option>
            </select>
          )}
        </Field>
        <Field label="Assignee (email)">
          {(a) => (
            <input
              {...a}
              name="assignee"
              type="email"
              value={draft.assignee ?? ''}
              onChange={choose('assignee')}
            />
          )}
        </Field>
        <Field label="Requester (email)">
          {(a) => (
            <input
              {...a}
              name="requester"
              type="email"
              value={draft.requester ?? ''}
              onChange={choose('requester')}
            />
          )}
        </Field>
        <div className="filter-actions">
          <button type="submit" className="button">
            Filter
          </button>
          <button
            type="button"
            className="button secondary"
            onClick={() => setParams(new URLSearchParams({ assignee: person.email }))}
          >
            My cases
          </button>
          <button type="button" className="button secondary" onClick={() => setParams(new URLSearchParams())}>
            Clear
          </button>
        </div>
      </form>
      <ProblemNotice problem={problem} />
      <p className="count" role="status" aria-live="polite" tabIndex={-1} ref={count}>
        {loading
          ? 'Loading…'
          : empty
            ? filtered
              ? 'No cases match these filters.'
              : 'No open cases.'
            : `${cases.length} case${cases.length === 1 ? '' : 's'}${cursor ? ' shown, more below' : ''}`}
      </p>
      {empty && filtered && (
        <div className="empty-result">
          <p>Change the filters above, or clear them to see every open case.</p>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setParams(new URLSearchParams());
              // This button goes with the empty result: the count, which says what came, takes focus.
              count.current?.focus();
            }}
          >
            Clear filters
          </button>
        </div>
      )}
      <div className="table-wrap" hidden={empty}>
        <table className="queue">
          <caption className="visually-hidden">Cases, earliest deadline first</caption>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Subject</th>
              <th scope="col">Severity</th>
              <th scope="col">Status</th>
              <th scope="col">Assignee</th>
              <th scope="col">Next deadline</th>
            </tr>
          </thead>
          <tbody ref={table}>
            {cases.map((c) => (
              <QueueRow key={c.id} c={c} minute={minute} />
            ))}
          </tbody>
        </table>
      </div>
      {cursor && (
        <div className="actions">
          <ActionButton className="button secondary" unavailable={loading} onClick={() => more(false)}>
            Load {PAGE} more
          </ActionButton>
          <ActionButton className="button secondary" unavailable={loading} onClick={() => more(true)}>
            Show all
          </ActionButton>
        </div>
      )}
    </>
  );
}
