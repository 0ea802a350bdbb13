import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { components } from '../../../openapi/schema.d.ts';
import { fieldErrors, type Problem, problemOf, serverNow } from '../api.ts';
import { usePortal, useSignedIn } from '../app-context.tsx';
import { LEVEL_LABELS, span, when } from '../format.ts';
import { usePolled } from '../hooks.ts';
import { ActionButton } from './ActionButton.tsx';
import { Field, ProblemNotice } from './Field.tsx';
import { Tally } from './Tally.tsx';

type Webhook = components['schemas']['Webhook'];
type Registered = components['schemas']['RegisteredWebhook'];
type DeliveryAttempt = components['schemas']['DeliveryAttempt'];
type Filters = components['schemas']['WebhookFilters'];
type Level = NonNullable<Filters['levels']>[number];
type Audience = Webhook['audience'];
type AuthHeaders = Record<string, string>;
/** The timeline's event types, as the API document names them: what a webhook subscribes to. */
type EventType = components['schemas']['TimelineEvent']['type'];

type Group = 'Cases' | 'SLA' | 'Meetings' | 'Mail and surveys';
/**
 * Every event type, by what it is about. Listed here from the API document's types rather than imported
 * from `shared/domain/timeline.ts`, whose `EVENT_TYPES` come from the zod schemas (zod would join the
 * portal's bundle); the `Record` makes the type check fail when the document gains or loses a type.
 */
const EVENT_GROUPS: Record<EventType, Group> = {
  'case.opened': 'Cases',
  'message.posted': 'Cases',
  'status.changed': 'Cases',
  'severity.changed': 'Cases',
  'assignee.changed': 'Cases',
  'escalation.requested': 'Cases',
  'workaround.recorded': 'Cases',
  'details.added': 'Cases',
  'attachment.added': 'Cases',
  'case.closed': 'Cases',
  'sla.met': 'SLA',
  'sla.at_risk': 'SLA',
  'sla.breached': 'SLA',
  'meeting.proposed': 'Meetings',
  'meeting.scheduled': 'Meetings',
  'meeting.rescheduled': 'Meetings',
  'meeting.cancelled': 'Meetings',
  'meeting.expired': 'Meetings',
  'meeting.reminded': 'Meetings',
  'mail.bounced': 'Mail and surveys',
  'mail.complained': 'Mail and surveys',
  'survey.sent': 'Mail and surveys',
  'survey.submitted': 'Mail and surveys',
};
const EVENT_TYPES = Object.keys(EVENT_GROUPS) as EventType[];
const GROUPS: Group[] = ['Cases', 'SLA', 'Meetings', 'Mail and surveys'];
const LEVELS: Level[] = [0, 1, 2, 3];

/** How often the list is read again while the page is open (a webhook may pause meanwhile). */
const REFRESH_MS = 60_000;

/**
 * Leads' webhooks (`/webhooks`, docs/integrations.md#webhooks): the registered ones with their status and
 * delivery log, resuming a paused one, deleting one, and adding one — whose signing secret is shown once.
 */
export function Webhooks() {
  const { api } = usePortal();
  const person = useSignedIn();
  const [said, setSaid] = useState<string | null>(null);
  const [registered, setRegistered] = useState<Registered | null>(null);
  const [adding, setAdding] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const headers: AuthHeaders = { authorization: `Bearer ${person?.idToken}` };

  const {
    value: items,
    setValue: setItems,
    problem,
    setProblem,
  } = usePolled<Webhook[]>(
    person
      ? async () => {
          const answer = await api.GET('/webhooks', { headers });
          return { ...answer, data: answer.data?.items };
        }
      : null,
    person?.idToken,
    REFRESH_MS,
  );

  const replace = (w: Webhook) => setItems((all) => (all ?? []).map((x) => (x.id === w.id ? w : x)));

  return (
    <section aria-labelledby="webhooks" className="webhooks">
      <h2 id="webhooks" ref={heading} tabIndex={-1}>
        Webhooks
      </h2>
      <p className="sub">
        casewatch posts the case events you pick to these URLs, each signed with its webhook's own secret. A
        receiver that fails three attempts in a row is paused, and the leads are mailed.
      </p>
      <div role="status" className={said ? 'notice' : undefined}>
        {said}
      </div>
      <ProblemNotice problem={problem} />
      {registered && (
        <SecretBox
          registered={registered}
          onDone={() => {
            setRegistered(null);
            heading.current?.focus();
          }}
        />
      )}
      {items === null ? (
        !problem && <p aria-busy="true">Loading…</p>
      ) : items.length === 0 ? (
        <p>No webhook yet.</p>
      ) : (
        <Tally head={['URL', 'Events', 'Filters', 'Status', 'Created', 'Actions']} caption="Webhooks">
          {items.map((w) => (
            <WebhookRow
              key={w.id}
              w={w}
              headers={headers}
              onStart={() => {
                setSaid(null);
                setProblem(null);
              }}
              onProblem={setProblem}
              onResumed={(next) => {
                replace(next);
                setSaid(`Resumed: ${next.url} gets events again, from new ones on.`);
              }}
              onDeleted={() => {
                setItems((all) => (all ?? []).filter((x) => x.id !== w.id));
                setSaid(`Deleted the webhook for ${w.url}.`);
                heading.current?.focus();
              }}
            />
          ))}
        </Tally>
      )}
      <details
        className="add-webhook"
        open={adding}
        onToggle={(e) => setAdding((e.currentTarget as HTMLDetailsElement).open)}
      >
        <summary>Add a webhook</summary>
        <AddWebhookForm
          headers={headers}
          onRegistered={(r) => {
            const { secret: _secret, ...webhook } = r;
            setItems((all) => [...(all ?? []), webhook]);
            setSaid(null);
            setAdding(false);
            setRegistered(r);
          }}
        />
      </details>
    </section>
  );
}

/** `Levels 0 Highest, 1 High · consumer cases · seller acme`, or every case. */
function filtersInWords(f: Filters): string {
  const parts = [
    f.levels?.length ? `Levels ${f.levels.map((l) => `${l} ${LEVEL_LABELS[l]}`).join(', ')}` : null,
    f.caseType ? `${f.caseType} cases` : null,
    f.sellerId ? `seller ${f.sellerId}` : null,
  ].filter(Boolean);
  const text = parts.join(' · ');
  return text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}` : 'Every case';
}

function EventsShort({ events }: { events: string[] }) {
  if (events.includes('*')) return <>All events</>;
  if (events.length <= 3)
    return (
      <span className="event-list">
        {events.map((e) => (
          <code key={e}>{e}</code>
        ))}
      </span>
    );
  return (
    <details className="more-events">
      <summary>{events.length} event types</summary>
      <span className="event-list">
        {events.map((e) => (
          <code key={e}>{e}</code>
        ))}
      </span>
    </details>
  );
}

function WebhookRow(props: {
  w: Webhook;
  headers: AuthHeaders;
  onStart: () => void;
  onProblem: (p: Problem) => void;
  onResumed: (w: Webhook) => void;
  onDeleted: () => void;
}) {
  const { api } = usePortal();
  const { w, headers } = props;
  const [logOpen, setLogOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const logButton = useRef<HTMLButtonElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const id = useId();
  const path = { params: { path: { id: w.id } }, headers };
  const named = <span className="visually-hidden"> for {w.url}</span>;

  useEffect(() => {
    if (confirming) keep.current?.focus();
  }, [confirming]);

  async function resume() {
    props.onStart();
    setBusy(true);
    const { data, error, response } = await api.POST('/webhooks/{id}/resume', path);
    setBusy(false);
    if (!data) return props.onProblem(problemOf(error, response));
    props.onResumed(data);
    logButton.current?.focus();
  }

  async function remove() {
    props.onStart();
    setBusy(true);
    const { error, response } = await api.DELETE('/webhooks/{id}', path);
    setBusy(false);
    if (!response.ok) return props.onProblem(problemOf(error, response));
    props.onDeleted();
  }

  return (
    <>
      <tr className={w.status === 'paused' ? 'webhook paused' : 'webhook'}>
        <td className="webhook-url">{w.url}</td>
        <td>
          <EventsShort events={w.events} />
        </td>
        <td className="webhook-filters-cell">
          {filtersInWords(w.filters)}
          <div className="sub">
            {w.audience === 'internal' ? 'Internal: every event' : 'Public events only'}
          </div>
        </td>
        <td>
          {w.status === 'paused' ? (
            <>
              <span className="badge paused-badge">Paused</span>
              {w.pausedAt && <div className="sub">since {when(w.pausedAt)}</div>}
              {w.pausedReason && <div className="paused-reason">{w.pausedReason}</div>}
            </>
          ) : (
            <span className="badge active-badge">Active</span>
          )}
        </td>
        <td>
          {w.createdBy}
          <div className="sub">{when(w.createdAt)}</div>
        </td>
        <td className="webhook-actions">
          <div className="row-actions">
            <button
              ref={logButton}
              type="button"
              className="button secondary small"
              aria-expanded={logOpen}
              {...(logOpen ? { 'aria-controls': `${id}-log` } : {})}
              onClick={() => setLogOpen(!logOpen)}
            >
              Delivery log{named}
            </button>
            {w.status === 'paused' && (
              <ActionButton className="button small" unavailable={busy} onClick={resume}>
                Resume{named}
              </ActionButton>
            )}
            {confirming ? (
              <div className="confirm">
                <span id={`${id}-confirm`}>Delete this webhook{named}? Deliveries stop at once.</span>
                <ActionButton
                  className="button danger small"
                  unavailable={busy}
                  aria-describedby={`${id}-confirm`}
                  onClick={remove}
                >
                  Yes, delete
                </ActionButton>
                <button
                  ref={keep}
                  type="button"
                  className="button secondary small"
                  aria-describedby={`${id}-confirm`}
                  onClick={() => setConfirming(false)}
                >
                  Keep it
                </button>
              </div>
            ) : (
              <button type="button" className="button secondary small" onClick={() => setConfirming(true)}>
                Delete{named}
              </button>
            )}
          </div>
        </td>
      </tr>
      {logOpen && (
        <tr className="log-row">
          <td colSpan={6} id={`${id}-log`}>
            <DeliveryLog webhookId={w.id} url={w.url} headers={headers} />
          </td>
        </tr>
      )}
    </>
  );
}

/** `3 min ago`, against the server's clock (locally the manual one). */
function ago(instant: string): string {
  const ms = serverNow() - Date.parse(instant);
  return ms < 5_000 ? 'just now' : `${span(ms)} ago`;
}

const duration = (ms: number) => (ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`);

/** A webhook's latest delivery attempts, newest first (`GET /webhooks/{id}`), read when opened. */
function DeliveryLog({ webhookId, url, headers }: { webhookId: string; url: string; headers: AuthHeaders }) {
  const { api } = usePortal();
  const [log, setLog] = useState<DeliveryAttempt[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  async function load() {
    setBusy(true);
    const { data, error, response } = await api.GET('/webhooks/{id}', {
      params: { path: { id: webhookId } },
      headers,
    });
    setBusy(false);
    if (data) {
      setLog(data.deliveries);
      setProblem(null);
    } else setProblem(problemOf(error, response));
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: read once when opened; Refresh reads again
  useEffect(() => {
    void load();
  }, []);

  return (
    <div className="delivery-log" aria-busy={busy}>
      <div className="log-head">
        <strong>Latest delivery attempts</strong>
        <ActionButton className="link-button" unavailable={busy} onClick={load}>
          Refresh<span className="visually-hidden"> the delivery log for {url}</span>
        </ActionButton>
      </div>
      <ProblemNotice problem={problem} />
      {log === null ? (
        !problem && <p>Loading…</p>
      ) : log.length === 0 ? (
        <p>No delivery yet: the next event it wants is posted at once.</p>
      ) : (
        <table className="tally">
          <caption className="visually-hidden">Latest delivery attempts to {url}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">Attempt</th>
              <th scope="col">Result</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {log.map((d) => (
              <tr key={`${d.eventId}-${d.attempt}-${d.at}`} className={d.ok ? undefined : 'failed'}>
                <td>
                  {when(d.at)}
                  <div className="sub">{ago(d.at)}</div>
                </td>
                <td>
                  <code>{d.eventType}</code>
                </td>
                <td>{d.attempt}</td>
                <td>
                  {d.ok ? (
                    <span className="badge active-badge">Delivered</span>
                  ) : (
                    <span className="badge paused-badge">Failed</span>
                  )}{' '}
                  {d.status !== null && <strong>{d.status}</strong>}
                  {d.error && d.error !== `answered ${d.status}` && (
                    <span className="attempt-error"> {d.error}</span>
                  )}
                </td>
                <td>{duration(d.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The signing secret, shown this once: focused, with a way to copy it and what to do with it. */
function SecretBox({ registered, onDone }: { registered: Registered; onDone: () => void }) {
  const { config } = usePortal();
  const box = useRef<HTMLElement>(null);
  const code = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => box.current?.focus(), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(registered.secret);
      setCopied('Copied to the clipboard.');
    } catch {
      if (code.current) getSelection()?.selectAllChildren(code.current);
      setCopied('Copying was refused: the secret is selected, press Ctrl+C (⌘C on a Mac).');
    }
  }

  return (
    <section className="secret-box" ref={box} tabIndex={-1} aria-labelledby="secret-title">
      <h3 id="secret-title">Signing secret for {registered.url}: shown only this once</h3>
      <p className="secret-line">
        <code ref={code} className="secret">
          {registered.secret}
        </code>
        <button type="button" className="button small" onClick={copy}>
          Copy<span className="visually-hidden"> the signing secret</span>
        </button>
      </p>
      <div role="status" className="hint">
        {copied}
      </div>
      <p>
        Give it to whoever runs the receiver: it must check the <code>Casewatch-Signature</code> header of
        every delivery with this secret and drop what does not match. The casewatch README shows how, with a
        verifier to copy, in its section “Integrations: case events and webhooks”; the API reference describes
        the delivery too:{' '}
        <a href={`${config.apiBase}/docs#tag/Webhooks`} target="_blank" rel="noreferrer">
          Webhooks in the API reference
        </a>
        .
      </p>
      <p>
        <strong>It will not be shown again.</strong> Store it now (in a password manager or the receiver's
        secret store). Lost it? Delete the webhook and add it again for a new secret.
      </p>
      <button type="button" className="button secondary" onClick={onDone}>
        I have stored it
      </button>
    </section>
  );
}

const NO_EVENTS = 'Pick at least one event type, or all events.';
const NO_URL = 'Enter the URL casewatch posts the events to.';

/** `POST /webhooks`: URL, event types, optional filters, audience; a refused URL says why under its field. */
function AddWebhookForm({
  headers,
  onRegistered,
}: {
  headers: AuthHeaders;
  onRegistered: (r: Registered) => void;
}) {
  const { api } = usePortal();
  const [url, setUrl] = useState('');
  const [all, setAll] = useState(false);
  const [types, setTypes] = useState<Set<EventType>>(new Set());
  const [levels, setLevels] = useState<Set<Level>>(new Set());
  const [caseType, setCaseType] = useState<'' | 'seller' | 'consumer'>('');
  const [sellerId, setSellerId] = useState('');
  const [audience, setAudience] = useState<Audience>('external');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(problem);
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  // A refusal moves focus to the first field it names (the URL, else the events), where its reason is.
  useEffect(() => {
    if (problem?.errors?.length)
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"], fieldset.has-error input')?.focus();
  }, [problem]);

  const toggle = <T,>(set: Set<T>, value: T): Set<T> => {
    const next = new Set(set);
    if (!next.delete(value)) next.add(value);
    return next;
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const events: (EventType | '*')[] = all ? ['*'] : EVENT_TYPES.filter((t) => types.has(t));
    // What is missing is said all at once, each next to its field, before anything is sent.
    const missing = [
      ...(url.trim() ? [] : [{ field: 'url', message: NO_URL }]),
      ...(events.length === 0 ? [{ field: 'events', message: NO_EVENTS }] : []),
    ];
    if (missing.length > 0) {
      setProblem({
        type: 'about:blank',
        title: 'Invalid request',
        status: 400,
        detail: missing.map((m) => m.message).join(' '),
        errors: missing,
      });
      return;
    }
    const filters: Filters = {
      ...(levels.size ? { levels: LEVELS.filter((l) => levels.has(l)) } : {}),
      ...(caseType ? { caseType } : {}),
      ...(sellerId.trim() ? { sellerId: sellerId.trim() } : {}),
    };
    setBusy(true);
    setProblem(null);
    const { data, error, response } = await api.POST('/webhooks', {
      headers,
      body: { url: url.trim(), events, filters, audience },
    });
    setBusy(false);
    if (!data) return setProblem(problemOf(error, response));
    setUrl('');
    setAll(false);
    setTypes(new Set());
    setLevels(new Set());
    setCaseType('');
    setSellerId('');
    setAudience('external');
    onRegistered(data);
  }

  const eventsError = errors.events;
  const filterError = Object.entries(errors).find(([field]) => field.startsWith('filters'))?.[1];
  return (
    <form className="form webhook-form" onSubmit={submit} noValidate ref={form}>
      {problem && (
        <div className="notice error-notice" role="alert">
          <strong>The webhook was not added:</strong> {problem.detail}
        </div>
      )}
      <Field
        label="URL"
        hint="https, to a host on the public internet. Each event is posted to it as JSON."
        error={errors.url}
      >
        {(a) => (
          <input
            {...a}
            type="url"
            inputMode="url"
            required
            placeholder="https://hooks.example.com/casewatch"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        )}
      </Field>
      <fieldset
        className={eventsError ? 'has-error' : undefined}
        {...(eventsError ? { 'aria-describedby': `${id}-events-error` } : {})}
      >
        <legend>Events</legend>
        <label className="choice all-events">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> All events,
          including types added later
        </label>
        <div className="event-types">
          {GROUPS.map((g) => (
            <fieldset key={g} className="subgroup">
              <legend className="group-name">{g}</legend>
              {EVENT_TYPES.filter((t) => EVENT_GROUPS[t] === g).map((t) => (
                <label key={t} className="choice">
                  <input
                    type="checkbox"
                    checked={all || types.has(t)}
                    disabled={all}
                    onChange={() => setTypes(toggle(types, t))}
                  />{' '}
                  <code>{t}</code>
                </label>
              ))}
            </fieldset>
          ))}
        </div>
        {eventsError && (
          <div className="error" id={`${id}-events-error`}>
            {eventsError}
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Only cases that match (optional)</legend>
        <div className="webhook-filters">
          <fieldset className="subgroup">
            <legend className="group-name">Severity levels</legend>
            {LEVELS.map((l) => (
              <label key={l} className="choice">
                <input
                  type="checkbox"
                  checked={levels.has(l)}
                  onChange={() => setLevels(toggle(levels, l))}
                />{' '}
                {l} {LEVEL_LABELS[l]}
              </label>
            ))}
          </fieldset>
          <Field label="Case type">
            {(a) => (
              <select
                {...a}
                value={caseType}
                onChange={(e) => setCaseType(e.target.value as typeof caseType)}
              >
                <option value="">Any</option>
                <option value="seller">Seller cases</option>
                <option value="consumer">Consumer cases</option>
              </select>
            )}
          </Field>
          <Field label="Seller ID" hint="Only this seller's cases." error={errors['filters.sellerId']}>
            {(a) => <input {...a} value={sellerId} onChange={(e) => setSellerId(e.target.value)} />}
          </Field>
        </div>
        {filterError && !errors['filters.sellerId'] && <div className="error">{filterError}</div>}
      </fieldset>
      <fieldset>
        <legend>Audience</legend>
        <label className="choice">
          <input
            type="radio"
            name={`${id}-audience`}
            checked={audience === 'external'}
            onChange={() => setAudience('external')}
          />{' '}
          External <span className="hint-inline">— public events only, as the requester sees them</span>
        </label>
        <label className="choice">
          <input
            type="radio"
            name={`${id}-audience`}
            checked={audience === 'internal'}
            onChange={() => setAudience('internal')}
          />{' '}
          Internal{' '}
          <span className="hint-inline">
            — your team's own systems: staff notes, SLA, severity and assignee events too
          </span>
        </label>
      </fieldset>
      <ActionButton type="submit" className="button" unavailable={busy}>
        Add the webhook
      </ActionButton>
    </form>
  );
}
