import { lazy, Suspense } from 'react';
import { Link, Navigate } from 'react-router';
import type { components } from '../../../openapi/schema.d.ts';
import { usePortal, useSignedIn } from '../app-context.tsx';
import { SeverityBadge } from '../components/Badges.tsx';
import { ProblemNotice } from '../components/Field.tsx';
import { Tally } from '../components/Tally.tsx';
import { LEVEL_LABELS, when } from '../format.ts';
import { usePolled } from '../hooks.ts';

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

/**
 * Leads' overview, from `GET /stats`: the backlog by status × level (the exact counters the case writes
 * keep), first-response compliance per level, escalations waiting, each agent's load, and the surveys;
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
          <Backlog figures={figures} />
          <section aria-labelledby="compliance">
            <h2 id="compliance">First responses in time</h2>
            <div className="cards">
              <Compliance title="Last 24 hours" window={figures.firstResponse.last24h} />
              <Compliance title="Last 7 days" window={figures.firstResponse.last7d} />
            </div>
          </section>
          <Agents figures={figures} />
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

function Agents({ figures }: { figures: LeadFigures }) {
  return (
    <section aria-labelledby="agents">
      <h2 id="agents">Agents</h2>
      {figures.agents.length === 0 ? (
        <p>No agent has an open case.</p>
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
        </Tally>
      )}
    </section>
  );
}

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
