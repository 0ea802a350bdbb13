import { type FormEvent, memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link, Navigate, useLocation, useSearchParams } from 'react-router';
import { CASE_STATUSES } from '../../../shared/domain/case-statuses.ts';
import { type Case, type Problem, problemOf, serverNow } from '../api.ts';
import { usePortal, useSignedIn } from '../app-context.tsx';
import { ActionButton } from '../components/ActionButton.tsx';
import { SeverityBadge, SlaBadge } from '../components/Badges.tsx';
import { Field, ProblemNotice } from '../components/Field.tsx';
import { hereForSignIn } from '../components/Layout.tsx';
import { countdown, LEVEL_LABELS } from '../format.ts';
import { useNow } from '../hooks.ts';
import { nextDeadline } from '../sla.ts';

const FILTERS = ['status', 'severity', 'assignee', 'type', 'requester', 'sellerId'] as const;
type Filter = (typeof FILTERS)[number];
const PAGE = 100;
/** "Show all" stops here: past it, filters are the better tool. */
const SHOW_ALL_LIMIT = 5_000;
/** How often the first page is read again (and when the window gets focus back), unless more is loaded. */
export const QUEUE_REFRESH_MS = 15_000;
const FILTER_NAMES: Record<Filter, string> = {
  status: 'Status',
  severity: 'Severity',
  assignee: 'Assignee',
  type: 'Type',
  requester: 'Requester',
  sellerId: 'Seller',
};
const STATUSES = CASE_STATUSES;
const LEVELS = ['0', '1', '2', '3'] as const;
const TYPES = ['seller', 'consumer'] as const;
/** An address as the API takes one (zod's `z.email()`, the rule of `EmailAddressSchema`). */
const EMAIL =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** A filter's value in words: `1 – High`, `pending internal`. */
function filterWords(f: Filter, value: string): string {
  if (f === 'severity') return `${value} – ${LEVEL_LABELS[Number(value) as 0 | 1 | 2 | 3]}`;
  return f === 'status' ? value.replace(/_/g, ' ') : value;
}

/** What is wrong with a filter, said under its field (the notice above the list says it with the value). */
const FIELD_ERRORS: Record<Filter, string> = {
  status: 'Not a status: choose one from the list.',
  severity: 'Not a level: choose 0 to 3.',
  type: 'Not a type: seller or consumer.',
  assignee: 'Not an email address: type a whole one, like alice@support.example.',
  requester: 'Not an email address: type a whole one, like pat@example.net.',
  sellerId: 'Not a seller id: 1 to 200 characters, as the case shows it.',
};

/** What is wrong with a filter's value, in words; null when the API takes it. */
function filterError(f: Filter, value: string): string | null {
  switch (f) {
    case 'status':
      return (STATUSES as readonly string[]).includes(value)
        ? null
        : `“${value}” is not a status: choose one from the list.`;
    case 'severity':
      return (LEVELS as readonly string[]).includes(value)
        ? null
        : `“${value}” is not a level: choose 0 (Highest) to 3 (Low).`;
    case 'type':
      return (TYPES as readonly string[]).includes(value)
        ? null
        : `“${value}” is not a type of case: seller or consumer.`;
    case 'sellerId':
      return value.trim().length >= 1 && value.trim().length <= 200
        ? null
        : `“${value}” is not a seller id: 1 to 200 characters, as a case shows it.`;
    case 'assignee':
    case 'requester':
      return EMAIL.test(value) && value.length <= 254
        ? null
        : `“${value}” is not an email address (like alice@support.example).`;
  }
}

type Query = Partial<Record<Filter, string>>;
type FilterErrors = Partial<Record<Filter, string>>;

/** The filters the query holds that the API would refuse, each with what is wrong. */
function queryErrors(query: Query): FilterErrors {
  const errors: FilterErrors = {};
  for (const f of FILTERS) {
    const value = query[f];
    const error = value === undefined ? null : filterError(f, value);
    if (error) errors[f] = error;
  }
  return errors;
}

/**
 * Pages read one after another as one list, each case once: a keyset page can bring a case again when
 * it moved later in the order between the reads (someone answered it). The later read is the newer
 * copy: it wins, at its place in the order.
 */
function mergeById(lists: readonly (readonly Case[])[]): Case[] {
  const byId = new Map<string, Case>();
  for (const list of lists)
    for (const c of list) {
      byId.delete(c.id);
      byId.set(c.id, c);
    }
  return [...byId.values()];
}

const clockTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** An address on one line: cut short with an ellipsis where there is no room, never broken inside. */
const Email = ({ address }: { address: string }) => (
  <span className="email" title={address}>
    {address}
  </span>
);

/** When a case's next deadline falls, by case (rows ask for it every few seconds). */
const dueAtOf = new WeakMap<Case, number | null>();
function dueEpoch(c: Case): number | null {
  let due = dueAtOf.get(c);
  if (due === undefined) {
    const d = nextDeadline(c);
    due = d ? Date.parse(d.dueAt) : null;
    dueAtOf.set(c, due);
  }
  return due;
}

/**
 * The time a row counts down from. Rows re-render when it changes: every minute, and every 10 seconds
 * for a deadline less than two minutes away or past. Rounded up, so a countdown is never behind the
 * clock: at or after its due instant a deadline reads "due now", never "in 0 s".
 */
function rowClock(c: Case, now: number): number {
  const due = dueEpoch(c);
  const step = due !== null && Math.abs(due - now) < 120_000 ? 10_000 : 60_000;
  return Math.ceil(now / step) * step;
}

/** One case of the queue; the same case at the same row clock renders nothing new. */
const QueueRow = memo(function QueueRow({ c, now }: { c: Case; now: number }) {
  const deadline = nextDeadline(c);
  return (
    <tr>
      <td className="case-number" data-label="Case">
        <Link to={`/case/${c.number}`}>{c.number}</Link>
      </td>
      <td className="subject" data-label="Subject">
        <span className="subject-text">{c.subject}</span>
        <div className="sub">{c.requester.email ? <Email address={c.requester.email} /> : ''}</div>
      </td>
      <td data-label="Severity">
        <SeverityBadge level={c.severity.level} />
      </td>
      <td data-label="Status">{c.status.replace(/_/g, ' ')}</td>
      <td data-label="Assignee">{c.assignee ? <Email address={c.assignee} /> : '—'}</td>
      <td data-label="Next deadline">
        {deadline ? (
          <>
            <span className="deadline">{countdown(deadline.dueAt, now, deadline.breached)}</span>{' '}
            <span className="sub">{deadline.kind}</span> <SlaBadge c={c} />
          </>
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
});

/** The refused filters in words, each named, with the way out: clear them, keep the others. */
function FilterNotice({ errors, onClear }: { errors: FilterErrors; onClear: () => void }) {
  const bad = FILTERS.filter((f) => errors[f]);
  if (bad.length === 0) return null;
  return (
    <div className="notice error-notice filter-notice" role="alert">
      <strong>
        {bad.length === 1 ? 'A filter is not valid' : 'Some filters are not valid'}, so no cases are listed.
      </strong>
      <ul className="filter-notice-list">
        {bad.map((f) => (
          <li key={f}>
            {FILTER_NAMES[f]}: {errors[f]}
          </li>
        ))}
      </ul>
      <button type="button" className="button secondary" onClick={onClear}>
        {bad.length === 1 ? 'Clear this filter' : 'Clear these filters'}
      </button>
    </div>
  );
}

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
  /** When the list on screen was read from its top (the server's clock): how fresh it is. */
  const [asOf, setAsOf] = useState<number | null>(null);
  const now = useNow(10_000);
  const renderStarted = useRef<number | null>(null);
  /** The person loaded more than the first page: re-reading it would take those rows away. */
  const paged = useRef(false);
  const [pagedOn, setPagedOn] = useState(false);
  /** Moves on with the filters: a read begun for other filters shows nothing when it lands. */
  const generation = useRef(0);
  const query: Query = Object.fromEntries(
    FILTERS.flatMap((f) => (params.get(f) ? [[f, params.get(f) as string]] : [])),
  );
  const key = JSON.stringify(query);
  /** The filters in the address the API would refuse: nothing is read until they are fixed or cleared. */
  const refused = queryErrors(query);
  const blocked = Object.keys(refused).length > 0;
  /**
   * The filters as being chosen: the form stays the same form when they are applied (rebuilding it would
   * drop the focus on "Filter"), and follows the URL when that changes otherwise (My cases, Clear, Back).
   */
  const [draft, setDraft] = useState<Query>(query);
  /** What "Filter" found wrong in the form, each under its field (the browser's bubbles are off). */
  const [formErrors, setFormErrors] = useState<FilterErrors>({});
  /** Filters in the address that looked right here but the API refused. */
  const [apiRefused, setApiRefused] = useState<FilterErrors>({});
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the query
  useEffect(() => {
    setDraft(query);
    setFormErrors({});
    setApiRefused({});
  }, [key]);
  /** The address's filters that are refused: said in the notice, and under their fields while unchanged. */
  const urlErrors = blocked ? refused : apiRefused;
  const fieldErrors: FilterErrors = {};
  for (const f of FILTERS) {
    if (formErrors[f] || refused[f]) {
      if (formErrors[f] || draft[f] === query[f]) fieldErrors[f] = FIELD_ERRORS[f];
    } else if (apiRefused[f] && draft[f] === query[f]) fieldErrors[f] = apiRefused[f];
  }
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  // On a phone the form folds away behind a summary; it opens by itself when a filter needs fixing.
  const [filtersOpen, setFiltersOpen] = useState(false);
  useEffect(() => {
    if (hasFieldErrors) setFiltersOpen(true);
  }, [hasFieldErrors]);
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
            ...(query.sellerId ? { sellerId: query.sellerId } : {}),
          },
        },
        headers: { authorization: `Bearer ${person.idToken}` },
      });
      if (!data) {
        const refusal = problemOf(error, response);
        // A filter the API refused although it looked right here: named under its field, in the notice.
        const byFilter: FilterErrors = {};
        for (const e of refusal.errors ?? [])
          if (FILTERS.includes(e.field as Filter) && query[e.field as Filter] !== undefined)
            byFilter[e.field as Filter] = `“${query[e.field as Filter]}” is refused: ${e.message}.`;
        if (Object.keys(byFilter).length > 0) setApiRefused(byFilter);
        else setProblem(refusal);
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

  // biome-ignore lint/correctness/useExhaustiveDependencies: `blocked` follows `key`, which `fetchPage` stands for
  useEffect(() => {
    let live = true;
    const started = ++generation.current;
    paged.current = false;
    setPagedOn(false);
    setProblem(null);
    setAsOf(null);
    // Filters the API would refuse are said next to their fields; nothing is read for them.
    if (blocked) {
      setLoading(false);
      return;
    }
    setLoading(true);
    const read = async () => {
      const page = await fetchPage(null);
      // The server's time of the answer (its `Date` header sets the clock offset).
      const readAt = serverNow();
      if (!live || generation.current !== started || paged.current) return;
      if (page) {
        show(page.items, page.cursor);
        setAsOf(readAt);
      } else setLoading(false);
    };
    void read();
    // The first page again, every so often and when the window gets focus back, while nothing more is
    // loaded: new cases and moved deadlines show, the filters stay.
    // (Not while the tab is hidden: an agent's open tabs should not multiply the API's load.)
    const again = () => {
      if (!paged.current && document.visibilityState !== 'hidden') void read();
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
    const started = generation.current;
    paged.current = true;
    setPagedOn(true);
    setLoading(true);
    let items = cases;
    let next = cursor;
    let firstNew: Case | undefined;
    do {
      const page = await fetchPage(next);
      if (!page) break;
      firstNew ??= page.items[0];
      items = mergeById([items, page.items]);
      next = page.cursor;
    } while (all && next && items.length < SHOW_ALL_LIMIT);
    if (generation.current !== started) return;
    if (firstNew) focusRow.current = items.indexOf(firstNew);
    show(items, next);
  }

  /**
   * Reads the list again from its top, as many cases as are shown (the first page when no more was
   * loaded): what moved since shows where it is now, a case raised elsewhere comes up.
   */
  async function refresh() {
    if (loading || blocked) return;
    const started = generation.current;
    const depth = Math.max(cases.length, PAGE);
    setLoading(true);
    let readAt: number | null = null;
    const pages: Case[][] = [];
    let items: Case[] = [];
    let next: string | null = null;
    do {
      const page = await fetchPage(next);
      if (!page) {
        // Nothing new to show: the list stays as it was, and the notice says why.
        if (generation.current === started) setLoading(false);
        return;
      }
      readAt ??= serverNow();
      pages.push(page.items);
      items = mergeById(pages);
      next = page.cursor;
    } while (next && items.length < Math.min(depth, SHOW_ALL_LIMIT));
    if (generation.current !== started) return;
    show(items, next);
    setAsOf(readAt);
  }

  if (!person)
    return <Navigate to={`/sign-in?next=${encodeURIComponent(hereForSignIn(location))}`} replace />;
  if (person.role === 'seller') return <Navigate to="/my-cases" replace />;

  function applyFilters(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const chosen: Query = {};
    for (const f of FILTERS) {
      const value = (draft[f] ?? '').trim();
      if (value) chosen[f] = value;
    }
    // Said by the form itself, under each field (not the browser's bubble), and nothing is read.
    const errors = queryErrors(chosen);
    setFormErrors(errors);
    const firstBad = FILTERS.find((f) => errors[f]);
    if (firstBad) {
      document.getElementById(`filter-${firstBad}`)?.focus();
      return;
    }
    setParams(new URLSearchParams(chosen as Record<string, string>));
  }
  const choose = (f: Filter) => (e: { target: { value: string } }) => {
    setDraft((d) => ({ ...d, [f]: e.target.value }));
    setFormErrors((errors) => {
      const { [f]: _, ...rest } = errors;
      return rest;
    });
  };
  /**
   * Removes the refused filters from the address, keeping the others. The button goes with the notice:
   * the count, which says what came, takes focus.
   */
  const clearRefused = () => {
    const next = new URLSearchParams();
    for (const f of FILTERS) if (query[f] !== undefined && !urlErrors[f]) next.set(f, query[f] as string);
    setParams(next);
    count.current?.focus();
  };
  /** A select's options, and the address's value among them when it is none of them (marked wrong). */
  const options = (f: Filter, values: readonly string[], label: (v: string) => string) => {
    const value = draft[f];
    return (
      <>
        <option value="">any</option>
        {value && !values.includes(value) && <option value={value}>{value} (not valid)</option>}
        {values.map((v) => (
          <option key={v} value={v}>
            {label(v)}
          </option>
        ))}
      </>
    );
  };
  const filtered = Object.keys(query).length > 0;
  // Nothing here and nothing more to read: a filter the index cannot key on may answer an empty page with a
  // cursor, and then "Load more" is the way on, not "nothing matches".
  const stopped = Object.keys(urlErrors).length > 0 || (problem !== null && cases.length === 0);
  const empty = !loading && !stopped && cases.length === 0 && !cursor;
  const summary = FILTERS.filter((f) => query[f] !== undefined)
    .map((f) => `${FILTER_NAMES[f]}: ${refused[f] ? query[f] : filterWords(f, query[f] as string)}`)
    .join(' · ');
  const minutesOld = asOf === null ? 0 : Math.floor((now - asOf) / 60_000);

  return (
    <>
      <h1 tabIndex={-1}>Queue</h1>
      <div className="filter-bar">
        <button
          type="button"
          className="button secondary filter-toggle"
          aria-expanded={filtersOpen}
          aria-controls="queue-filters"
          onClick={() => setFiltersOpen((open) => !open)}
        >
          Filters
        </button>
        <p className="filter-summary">{summary || 'No filters: every open case.'}</p>
      </div>
      <form
        id="queue-filters"
        className={filtersOpen ? 'filters open' : 'filters'}
        onSubmit={applyFilters}
        aria-label="Filters"
        noValidate
      >
        <Field label="Status" id="filter-status" error={fieldErrors.status}>
          {(a) => (
            <select {...a} name="status" value={draft.status ?? ''} onChange={choose('status')}>
              {options('status', STATUSES, (s) => s.replace(/_/g, ' '))}
            </select>
          )}
        </Field>
        <Field label="Severity" id="filter-severity" error={fieldErrors.severity}>
          {(a) => (
            <select {...a} name="severity" value={draft.severity ?? ''} onChange={choose('severity')}>
              {options('severity', LEVELS, (l) => filterWords('severity', l))}
            </select>
          )}
        </Field>
        <Field label="Type" id="filter-type" error={fieldErrors.type}>
          {(a) => (
            <select {...a} name="type" value={draft.type ?? ''} onChange={choose('type')}>
              {options('type', TYPES, (t) => t)}
            </select>
          )}
        </Field>
        <div className="field-wide">
          <Field label="Assignee (email)" id="filter-assignee" error={fieldErrors.assignee}>
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
        </div>
        <div className="field-wide">
          <Field label="Requester (email)" id="filter-requester" error={fieldErrors.requester}>
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
        </div>
        <div className="field-narrow">
          <Field label="Seller (id)" id="filter-seller" error={fieldErrors.sellerId}>
            {(a) => (
              <input {...a} name="sellerId" value={draft.sellerId ?? ''} onChange={choose('sellerId')} />
            )}
          </Field>
        </div>
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
      <FilterNotice errors={urlErrors} onClear={clearRefused} />
      <ProblemNotice problem={problem} />
      <div className="list-head">
        <p className="count" role="status" aria-live="polite" tabIndex={-1} ref={count}>
          {stopped
            ? ''
            : loading
              ? 'Loading…'
              : empty
                ? filtered
                  ? 'No cases match these filters.'
                  : 'No open cases.'
                : `${cases.length} case${cases.length === 1 ? '' : 's'}${cursor ? ' shown, more below' : ''}`}
        </p>
        {!stopped && asOf !== null && (
          <p className="queue-freshness">
            As of {clockTime.format(asOf)}
            {minutesOld >= 1 ? ` (${minutesOld} min ago)` : ''}
            {pagedOn ? ', not updated by itself while more are loaded.' : ', updated every 15 s.'}{' '}
            <ActionButton className="link-button" unavailable={loading} onClick={refresh}>
              Refresh
            </ActionButton>
          </p>
        )}
      </div>
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
      <div className="table-wrap" hidden={empty || stopped}>
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
              <QueueRow key={c.id} c={c} now={rowClock(c, now)} />
            ))}
          </tbody>
        </table>
      </div>
      {cursor && !stopped && (
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
