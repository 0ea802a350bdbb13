import { lazy, Suspense } from 'react';
import { Link, Navigate } from 'react-router';
import type { components } from '../../../openapi/schema.d.ts';
import { type Api, type Case, type Problem, serverNow } from '../api.ts';
import { usePortal, useSignedIn } from '../app-context.tsx';
import { SeverityBadge } from '../components/Badges.tsx';
import { ProblemNotice } from '../components/Field.tsx';
import { Tally } from '../components/Tally.tsx';
import { LEVEL_LABELS, when } from '../format.ts';
import { usePolled } from '../hooks.ts';
import { nextDeadline } from '../sla.ts';

type LeadFigures = components['schemas']['LeadFigures'];
type ComplianceWindow = components['schemas']['ComplianceWindow'];

/**
 * The webhooks section is for leads only and below the figures: its own chunk, fetched when the overview
 * renders, so it adds nothing to every other page's first load (and the main chunk stays under Vite's
 * 400 KB warning).
 */
const Webhooks = lazy(() => import('../components/Webhooks.tsx').then((m) => ({ default: m.Webhooks })));

/** How often the overview reads the figures again while it is open. */
const REFRESH_MS = 60_000;

const LEVELS = [0, 1, 2, 3] as const;
/** The queue read for what is overdue stops here: past it, the overview says "at least". */
const OVERDUE_PAGES = 10;
const PAGE = 100;

/** What is overdue now, by level: first responses and next updates, and how many nobody has. */
interface Overdue {
  levels: {
    level: Case['severity']['level'];
    firstResponse: number;
    nextUpdate: number;
    unassigned: number;
  }[];
  total: number;
  unassigned: number;
  /** Every overdue case was read (false: more than `OVERDUE_PAGES` pages of them). */
  complete: boolean;
}

/** Which promise an open case is overdue on now, as the server recorded it; null when none. */
function overdueOn(c: Case): 'firstResponse' | 'nextUpdate' | null {
  if (c.status === 'closed') return null;
  const { firstResponse, nextUpdate } = c.sla;
  if (firstResponse.metAt === null && firstResponse.breachedAt !== null) return 'firstResponse';
  return nextUpdate.breachedAt !== null ? 'nextUpdate' : null;
}

/**
 * The overdue cases, counted from the queue (`GET /cases`): `GET /stats` counts them per agent only,
 * and keeps no count of the unassigned ones or of next updates. The queue lists open cases by their
 * earliest deadline, so every overdue case comes before the first one still ahead of its deadline; the
 * read stops there (usually the first page).
 */
async function readOverdue(
  api: Api,
  idToken: string,
): Promise<{ data?: Overdue; error?: unknown; response: Response }> {
  const overdue: Overdue = {
    levels: LEVELS.map((level) => ({ level, firstResponse: 0, nextUpdate: 0, unassigned: 0 })),
    total: 0,
    unassigned: 0,
    complete: false,
  };
  let cursor: string | null = null;
  let response: Response | undefined;
  for (let read = 0; read < OVERDUE_PAGES; read++) {
    const query: { limit: number; cursor?: string } = { limit: PAGE, ...(cursor ? { cursor } : {}) };
    const answer = await api.GET('/cases', {
      params: { query },
      headers: { authorization: `Bearer ${idToken}` },
    });
    response = answer.response;
    if (!answer.data) return { error: answer.error, response };
    const now = serverNow();
    let ahead = false;
    for (const c of answer.data.items) {
      const on = overdueOn(c);
      if (on) {
        const row = overdue.levels[c.severity.level] as Overdue['levels'][number];
        row[on] += 1;
        overdue.total += 1;
        if (c.assignee === null) {
          row.unassigned += 1;
          overdue.unassigned += 1;
        }
      }
      const next = nextDeadline(c);
      if (c.status === 'closed' || next === null || Date.parse(next.dueAt) > now) ahead = true;
    }
    cursor = answer.data.cursor;
    if (ahead || cursor === null) {
      overdue.complete = true;
      break;
    }
  }
  return { data: overdue, response: response as Response };
}

/**
 * Leads' overview, from `GET /stats`: the backlog by status × level (the exact counters the case writes
 * keep), first-response and next-update compliance per level, escalations waiting, each agent's load, and
 * the surveys;
 * and the webhooks leads register (`/webhooks`), which do not wait for the figures.
 */
export function LeadPage() {
  const { api } = usePortal();
  const person = useSignedIn();
  const { value: figures, problem } = usePolled<LeadFigures>(
    person ? () => api.GET('/stats', { headers: { authorization: `Bearer ${person.idToken}` } }) : null,
    person?.idToken,
    REFRESH_MS,
  );
  const { value: overdue, problem: overdueProblem } = usePolled<Overdue>(
    person ? () => readOverdue(api, person.idToken) : null,
    person?.idToken,
    REFRESH_MS,
  );

  if (!person) return <Navigate to="/sign-in?next=/lead" replace />;
  return (
    <>
      <h1 tabIndex={-1}>Overview</h1>
      <ProblemNotice problem={problem} />
      {figures === null ? (
        !problem && <p aria-busy="true">Loading…</p>
      ) : (
        <>
          <p className="sub">
            As of {when(figures.asOf)}.{' '}
            {figures.dashboardUrl ? (
              <a href={figures.dashboardUrl} target="_blank" rel="noreferrer">
                Open the CloudWatch dashboard
              </a>
            ) : (
              'The CloudWatch dashboard exists only in AWS.'
            )}
          </p>
          <Escalations figures={figures} />
          <OverdueNow overdue={overdue} problem={overdueProblem} />
          <Backlog figures={figures} />
          <section aria-labelledby="compliance">
            <h2 id="compliance">Promises kept</h2>
            <p className="sub">
              Each first response and each update window counts once: in time, or late — an answer given after
              its deadline counts as late.
            </p>
            <div className="cards compliance-cards">
              <Compliance title="First responses, last 24 hours" window={figures.firstResponse.last24h} />
              <Compliance title="First responses, last 7 days" window={figures.firstResponse.last7d} />
              <Compliance title="Next updates, last 24 hours" window={figures.nextUpdate.last24h} />
              <Compliance title="Next updates, last 7 days" window={figures.nextUpdate.last7d} />
            </div>
          </section>
          <Agents figures={figures} overdue={overdue} />
          <Surveys figures={figures} />
        </>
      )}
      {person.role === 'lead' && (
        <Suspense fallback={<p aria-busy="true">Loading the webhooks…</p>}>
          <Webhooks />
        </Suspense>
      )}
    </>
  );
}

/** Statuses in the support team's own words, as the queue and the case view show them (`Pending closure`). */
const staffLabel = (status: string) =>
  `${status.charAt(0).toUpperCase()}${status.slice(1).replace(/_/g, ' ')}`;

function Backlog({ figures }: { figures: LeadFigures }) {
  const statuses = [...new Set(figures.backlog.map((b) => b.status))];
  const count = (status: string, level: number) =>
    figures.backlog.find((b) => b.status === status && b.level === level)?.count ?? 0;
  const levels = [0, 1, 2, 3] as const;
  const total = figures.backlog.reduce((sum, b) => sum + b.count, 0);
  return (
    <section aria-labelledby="backlog">
      <h2 id="backlog">Backlog: {total} open</h2>
      <div className="table-wrap">
        <table className="tally">
          <caption className="visually-hidden">Open cases by status and severity</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              {levels.map((l) => (
                <th scope="col" key={l}>
                  {l} {LEVEL_LABELS[l]}
                </th>
              ))}
              <th scope="col">All</th>
            </tr>
          </thead>
          <tbody>
            {statuses.map((s) => (
              <tr key={s}>
                <th scope="row">
                  <Link to={`/queue?status=${s}`}>{staffLabel(s)}</Link>
                </th>
                {levels.map((l) => (
                  <td key={l} className={count(s, l) === 0 ? 'zero' : undefined}>
                    {count(s, l)}
                  </td>
                ))}
                <td>{levels.reduce<number>((sum, l) => sum + count(s, l), 0)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">All</th>
              {levels.map((l) => (
                <td key={l}>{statuses.reduce((sum, s) => sum + count(s, l), 0)}</td>
              ))}
              <td>{total}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

function Compliance({ title, window }: { title: string; window: ComplianceWindow }) {
  return (
    <div className="card">
      <h3>{title}</h3>
      <p className="sub">since {when(window.since)}</p>
      <table className="tally">
        <thead>
          <tr>
            <th scope="col">Level</th>
            <th scope="col">In time</th>
            <th scope="col">Late</th>
            <th scope="col">Compliance</th>
          </tr>
        </thead>
        <tbody>
          {window.levels.map((l) => (
            <tr key={l.level}>
              <th scope="row">
                <SeverityBadge level={l.level} />
              </th>
              <td>{l.met}</td>
              <td>{l.breached}</td>
              <td className={compliance(l.compliancePercent)}>
                {l.compliancePercent === null ? '—' : `${l.compliancePercent}%`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Below 90% is worth a look, below 75% is trouble. */
function compliance(percent: number | null): string | undefined {
  if (percent === null) return undefined;
  if (percent < 75) return 'compliance-low';
  if (percent < 90) return 'compliance-warn';
  return undefined;
}

function Escalations({ figures }: { figures: LeadFigures }) {
  return (
    <section aria-labelledby="escalations">
      <h2 id="escalations">Escalations waiting for you ({figures.escalations.length})</h2>
      {figures.escalations.length === 0 ? (
        <p>None.</p>
      ) : (
        <Tally head={['Case', 'Subject', 'Severity', 'Assignee', 'Asked', 'Reason']}>
          {figures.escalations.map((e) => (
            <tr key={e.caseId}>
              <td>
                <Link to={`/case/${e.number}`}>{e.number}</Link>
              </td>
              <td>{e.subject}</td>
              <td>
                <SeverityBadge level={e.level} />
              </td>
              <td>{e.assignee ?? 'nobody'}</td>
              <td>{when(e.requestedAt)}</td>
              <td>{e.reason}</td>
            </tr>
          ))}
        </Tally>
      )}
    </section>
  );
}

/** A count read from the queue: "…" until it is read, "at least" past what was read. */
const overdueCount = (overdue: Overdue | null, n: (o: Overdue) => number) =>
  overdue === null ? '…' : `${overdue.complete ? '' : 'at least '}${n(overdue)}`;

/**
 * Each agent's open and overdue cases (`GET /stats`), and the cases nobody has: the open ones are the
 * backlog less every agent's, the overdue ones are counted from the queue.
 */
function Agents({ figures, overdue }: { figures: LeadFigures; overdue: Overdue | null }) {
  const open = figures.backlog.reduce((sum, b) => sum + b.count, 0);
  const unassigned = Math.max(0, open - figures.agents.reduce((sum, a) => sum + a.open, 0));
  const unassignedOverdue = overdue?.unassigned ?? 0;
  return (
    <section aria-labelledby="agents">
      <h2 id="agents">Agents</h2>
      {figures.agents.length === 0 && unassigned === 0 ? (
        <p>No open cases.</p>
      ) : (
        <Tally head={['Agent', 'Open cases', 'Overdue now']}>
          {figures.agents.map((a) => (
            <tr key={a.agent}>
              <th scope="row">
                <Link to={`/queue?assignee=${encodeURIComponent(a.agent)}`}>{a.agent}</Link>
              </th>
              <td>{a.open}</td>
              <td className={a.breached > 0 ? 'compliance-low' : undefined}>{a.breached}</td>
            </tr>
          ))}
          <tr className="unassigned">
            <th scope="row">Unassigned</th>
            <td className={unassigned === 0 ? 'zero' : undefined}>{unassigned}</td>
            <td className={unassignedOverdue > 0 ? 'compliance-low' : unassigned === 0 ? 'zero' : undefined}>
              {overdueCount(overdue, (o) => o.unassigned)}
            </td>
          </tr>
        </Tally>
      )}
    </section>
  );
}

/** What is overdue now, by level and promise, and how much of it nobody has taken. */
function OverdueNow({ overdue, problem }: { overdue: Overdue | null; problem: Problem | null }) {
  return (
    <section aria-labelledby="overdue">
      <h2 id="overdue">Overdue now</h2>
      {problem && (
        <p className="notice error-notice">
          The queue could not be read{overdue ? ' again: these counts may be out of date' : ''} (
          {problem.title}).
        </p>
      )}
      {overdue === null ? (
        !problem && <p aria-busy="true">Reading the queue…</p>
      ) : overdue.total === 0 ? (
        <p>No case is overdue.</p>
      ) : (
        <>
          <p>
            {overdueCount(overdue, (o) => o.total)} case{overdue.total === 1 ? '' : 's'} overdue now,{' '}
            {overdueCount(overdue, (o) => o.unassigned)} of them unassigned.{' '}
            <Link to="/queue">Open the queue</Link> (the most overdue first).
          </p>
          <Tally
            head={['Level', 'First response', 'Next update', 'Unassigned']}
            caption="Overdue cases by level"
          >
            {overdue.levels.map((l) => (
              <tr key={l.level}>
                <th scope="row">
                  <SeverityBadge level={l.level} />
                </th>
                <td className={l.firstResponse > 0 ? 'compliance-low' : 'zero'}>{l.firstResponse}</td>
                <td className={l.nextUpdate > 0 ? 'compliance-low' : 'zero'}>{l.nextUpdate}</td>
                <td className={l.unassigned > 0 ? undefined : 'zero'}>{l.unassigned}</td>
              </tr>
            ))}
          </Tally>
        </>
      )}
    </section>
  );
}

/**
 * Next updates beside first responses: `GET /stats` keeps no count of updates given in time or late,
 * so the card says what is overdue now and that the history is not counted.
 */
function Surveys({ figures }: { figures: LeadFigures }) {
  const { count, average, recent } = figures.surveys;
  return (
    <section aria-labelledby="surveys">
      <h2 id="surveys">Surveys</h2>
      {average === null ? (
        <p>No survey answered yet.</p>
      ) : (
        <>
          <p>
            {count} answered. Average out of 5: overall <strong>{average.overall}</strong>, timeliness{' '}
            <strong>{average.timeliness}</strong>, friendliness <strong>{average.friendliness}</strong>.
          </p>
          <Tally head={['Case', 'Answered', 'Overall', 'Timeliness', 'Friendliness', 'Agent', 'Comment']}>
            {recent.map((s) => (
              <tr key={s.caseId}>
                <td>
                  <Link to={`/case/${s.number}`}>{s.number}</Link>
                </td>
                <td>{when(s.submittedAt)}</td>
                <td>{s.ratings.overall}</td>
                <td>{s.ratings.timeliness}</td>
                <td>{s.ratings.friendliness}</td>
                <td>{s.assignee ?? '—'}</td>
                <td>{s.comment ?? ''}</td>
              </tr>
            ))}
          </Tally>
        </>
      )}
    </section>
  );
}
