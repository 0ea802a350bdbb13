import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { fieldErrors, type Problem, problemOf, type Qualifications } from '../api.ts';
import { usePortal, useSignedIn } from '../app-context.tsx';
import { ActionButton } from '../components/ActionButton.tsx';
import { Field, ProblemNotice } from '../components/Field.tsx';
import { attachFiles } from '../uploads.ts';

/** The handbook's critical function areas, in plain words, with what typically goes wrong. */
const AREAS: {
  value: NonNullable<Qualifications['functionAreas']>[number];
  label: string;
  examples: string;
}[] = [
  {
    value: 'transactions',
    label: 'Orders and payments',
    examples: 'orders not going through, wrong totals or tax, receipts unreachable',
  },
  {
    value: 'subscriptions',
    label: 'Subscriptions',
    examples: 'rebills failing or doubled, wrong charges, cancellations',
  },
  {
    value: 'webhooks',
    label: 'Webhooks',
    examples: 'notifications to your server not firing, late or incomplete',
  },
  { value: 'api', label: 'API', examples: 'timeouts, changed formats, missing fields' },
  {
    value: 'fulfillments',
    label: 'Fulfillment',
    examples: 'licences or downloads not delivered, or delivered wrongly',
  },
  { value: 'payouts', label: 'Payouts', examples: 'payout missing or not the expected amount' },
  {
    value: 'b2b',
    label: 'Business buyers (B2B)',
    examples: 'business buyers cannot register to complete large orders',
  },
  { value: 'accounts', label: 'Your account', examples: 'rate changes, ownership disputes, split pay' },
];

const URGENCY: { key: keyof Qualifications; label: string }[] = [
  { key: 'ongoing', label: 'It is happening right now' },
  { key: 'noWorkaround', label: 'There is no acceptable workaround' },
  { key: 'churnRisk', label: 'Customers are likely to lose confidence or leave' },
  { key: 'timeDependent', label: 'It has to be solved by a certain time (a launch, a sale)' },
  { key: 'multipleLiveStores', label: 'It affects more than one live store' },
];

const BREADTH: { key: keyof Qualifications; label: string; step?: string }[] = [
  { key: 'sellersAffected', label: 'How many sellers are affected' },
  { key: 'transactionsAffected', label: 'How many orders are affected' },
  { key: 'subscriptionInstancesAffected', label: 'How many subscriptions are affected' },
  { key: 'impactedRevenueUsd', label: 'Revenue affected so far (USD)', step: '0.01' },
];

export function NewCase() {
  const { api } = usePortal();
  const person = useSignedIn();
  const navigate = useNavigate();
  const seller = person?.role === 'seller';
  const [form, setForm] = useState({
    email: '',
    subject: '',
    orderNumber: '',
    billingDescriptor: '',
    description: '',
    steps: '',
  });
  const [areas, setAreas] = useState<Set<string>>(new Set());
  const [flags, setFlags] = useState<Partial<Record<keyof Qualifications, boolean>>>({});
  const [numbers, setNumbers] = useState<Partial<Record<keyof Qualifications, string>>>({});
  const [files, setFiles] = useState<File[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [opened, setOpened] = useState<{
    number: string;
    /** The case page's path, with the case token in the fragment for a buyer. */
    path: string;
    link: string;
    /** Where the link was mailed (a buyer's address). */
    email: string | null;
    failed: { fileName: string; reason: string }[];
  } | null>(null);
  const summary = useRef<HTMLDivElement>(null);

  // Refused fields: the summary at the top, which links to each of them, takes focus (the button keeps it
  // for any other refusal, which is announced).
  useEffect(() => {
    if (problem?.status === 400) summary.current?.focus();
  }, [problem]);

  if (person && !seller) {
    return (
      <>
        <h1 tabIndex={-1}>Open a case</h1>
        <p>
          Cases are opened by sellers and buyers. <Link to="/queue">Back to the queue</Link>.
        </p>
      </>
    );
  }

  const errors = fieldErrors(problem);
  /** The refused fields in the form's order, each with the id the summary links to. */
  const invalid = [
    ...(seller
      ? []
      : [{ id: 'new-email', label: 'Your email', message: errors['requester.email'] ?? errors.email }]),
    { id: 'new-subject', label: 'Subject', message: errors.subject },
    ...(seller
      ? []
      : [
          { id: 'new-order', label: 'Order or invoice number', message: errors.orderNumber },
          { id: 'new-descriptor', label: 'Billing descriptor', message: errors.billingDescriptor },
        ]),
    { id: 'new-description', label: 'What happened', message: errors.description },
    { id: 'new-steps', label: 'Steps to reproduce', message: errors.stepsToReproduce },
    ...(seller
      ? BREADTH.map(({ key, label }) => ({
          id: `new-${key}`,
          label,
          message: errors[`qualifications.${key}`],
        }))
      : []),
  ].filter((f): f is { id: string; label: string; message: string } => Boolean(f.message));
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  function qualifications(): Qualifications | undefined {
    const q: Record<string, unknown> = {};
    if (areas.size > 0) q.functionAreas = [...areas];
    for (const { key } of URGENCY) if (flags[key]) q[key] = true;
    for (const { key } of BREADTH) {
      const raw = numbers[key];
      if (raw !== undefined && raw !== '') q[key] = Number(raw);
    }
    return Object.keys(q).length > 0 ? (q as Qualifications) : undefined;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(null);
    const common = {
      subject: form.subject,
      description: form.description,
      ...(form.steps.trim() ? { stepsToReproduce: form.steps } : {}),
    };
    const q = qualifications();
    const { data, error, response } = await api.POST('/cases', {
      headers: person ? { authorization: `Bearer ${person.idToken}` } : {},
      body: seller
        ? { type: 'seller', ...common, ...(q ? { qualifications: q } : {}) }
        : {
            type: 'consumer',
            ...common,
            requester: { email: form.email },
            orderNumber: form.orderNumber,
            billingDescriptor: form.billingDescriptor,
          },
    });
    if (!data) {
      setBusy(false);
      setProblem(problemOf(error, response));
      return;
    }
    const credential = person
      ? { bearer: person.idToken }
      : data.caseToken
        ? { caseToken: data.caseToken }
        : null;
    const failed = await attachFiles(api, data.id, files, credential);
    setBusy(false);
    if (seller && failed.length === 0) {
      navigate(`/case/${data.number}`);
      return;
    }
    const path = `/case/${data.number}${data.caseToken ? `#token=${data.caseToken}` : ''}`;
    setOpened({
      number: data.number,
      path,
      link: `${location.origin}${path}`,
      email: seller ? null : form.email.trim(),
      failed,
    });
  }

  if (opened) {
    return (
      <>
        <CaseOpened {...opened} />
        {opened.failed.length > 0 && (
          <div className="notice error-notice" role="alert">
            Some files were not attached:
            <ul>
              {opened.failed.map((f) => (
                <li key={f.fileName}>
                  {f.fileName}: {f.reason}
                </li>
              ))}
            </ul>
            You can add them from the case page.
          </div>
        )}
      </>
    );
  }

  return (
    <>
      <h1 tabIndex={-1}>{seller ? 'Open a seller case' : 'Open a case'}</h1>
      <p>
        {seller
          ? 'Tell us what is not working. The questions about impact help us set the right priority; answer the ones you can.'
          : 'Tell us about your purchase and what went wrong. No account needed.'}
      </p>
      <ProblemNotice problem={problem && problem.status !== 400 ? problem : null} />
      {problem?.status === 400 && (
        <div className="notice error-notice error-summary" ref={summary} tabIndex={-1}>
          <h2>
            {invalid.length > 1
              ? `Please check these ${invalid.length} fields`
              : invalid.length === 1
                ? 'Please check this field'
                : 'Please check the form'}
          </h2>
          {invalid.length > 0 ? (
            <ul className="error-summary-list">
              {invalid.map((f) => (
                <li key={f.id}>
                  <a
                    href={`#${f.id}`}
                    onClick={(e) => {
                      e.preventDefault();
                      document.getElementById(f.id)?.focus();
                    }}
                  >
                    {f.label}: {f.message}
                  </a>
                </li>
              ))}
            </ul>
          ) : (
            <p>{problem.detail}</p>
          )}
        </div>
      )}
      <form onSubmit={submit} className="form" noValidate>
        {!seller && (
          <Field
            id="new-email"
            label="Your email"
            error={errors['requester.email'] ?? errors.email}
            hint="We send updates here."
          >
            {(a) => (
              <input {...a} type="email" autoComplete="email" value={form.email} onChange={set('email')} />
            )}
          </Field>
        )}
        <Field id="new-subject" label="Subject" error={errors.subject}>
          {(a) => <input {...a} value={form.subject} onChange={set('subject')} maxLength={200} />}
        </Field>
        {!seller && (
          <>
            <Field
              id="new-order"
              label="Order or invoice number"
              error={errors.orderNumber}
              hint="On your receipt or invoice."
            >
              {(a) => <input {...a} value={form.orderNumber} onChange={set('orderNumber')} />}
            </Field>
            <Field
              id="new-descriptor"
              label="Billing descriptor"
              error={errors.billingDescriptor}
              hint={
                <>
                  The company name on your card statement, receipt or invoice, for example{' '}
                  <code>FastSpring</code>, <code>FSPRG</code>, <code>FS*</code> or <code>FSPRG*</code>{' '}
                  followed by the shop's name.
                </>
              }
            >
              {(a) => <input {...a} value={form.billingDescriptor} onChange={set('billingDescriptor')} />}
            </Field>
          </>
        )}
        <Field id="new-description" label="What happened" error={errors.description}>
          {(a) => <textarea {...a} rows={6} value={form.description} onChange={set('description')} />}
        </Field>
        <Field
          id="new-steps"
          label="Steps to reproduce (optional)"
          error={errors.stepsToReproduce}
          hint="What you did, step by step, and what you saw."
        >
          {(a) => <textarea {...a} rows={4} value={form.steps} onChange={set('steps')} />}
        </Field>
        {seller && (
          <fieldset className="qualifications">
            <legend>How big is the impact? (optional)</legend>
            <fieldset>
              <legend>Which part of the platform is failing?</legend>
              {AREAS.map((area) => (
                <label key={area.value} className="choice">
                  <input
                    type="checkbox"
                    checked={areas.has(area.value)}
                    onChange={(e) =>
                      setAreas((s) => {
                        const next = new Set(s);
                        if (e.target.checked) next.add(area.value);
                        else next.delete(area.value);
                        return next;
                      })
                    }
                  />{' '}
                  <strong>{area.label}</strong> <span className="hint-inline">— {area.examples}</span>
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend>How urgent is it?</legend>
              {URGENCY.map(({ key, label }) => (
                <label key={key} className="choice">
                  <input
                    type="checkbox"
                    checked={flags[key] === true}
                    onChange={(e) => setFlags((f) => ({ ...f, [key]: e.target.checked }))}
                  />{' '}
                  {label}
                </label>
              ))}
            </fieldset>
            <fieldset className="numbers">
              <legend>How many are affected?</legend>
              {BREADTH.map(({ key, label, step }) => (
                <Field key={key} id={`new-${key}`} label={label} error={errors[`qualifications.${key}`]}>
                  {(a) => (
                    <input
                      {...a}
                      type="number"
                      min={0}
                      step={step ?? '1'}
                      inputMode={step ? 'decimal' : 'numeric'}
                      value={numbers[key] ?? ''}
                      onChange={(e) => setNumbers((n) => ({ ...n, [key]: e.target.value }))}
                    />
                  )}
                </Field>
              ))}
            </fieldset>
          </fieldset>
        )}
        <Field label="Attachments (optional)" hint="Screenshots, screencasts or documents, up to 25 MB each.">
          {(a) => (
            <input {...a} type="file" multiple onChange={(e) => setFiles([...(e.target.files ?? [])])} />
          )}
        </Field>
        <ActionButton type="submit" className="button" unavailable={busy}>
          {busy ? 'Opening…' : 'Open the case'}
        </ActionButton>
      </form>
    </>
  );
}

/**
 * The new case's page: its private link, which a buyer without an account has no other way back to than
 * this and the mail, with a way to copy it and to open the case. Its heading takes focus (the form that
 * had it is gone).
 */
function CaseOpened(props: { number: string; path: string; link: string; email: string | null }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const linkText = useRef<HTMLAnchorElement>(null);
  const [copied, setCopied] = useState('');
  const buyer = props.path.includes('#token=');
  useEffect(() => heading.current?.focus(), []);

  async function copy() {
    setCopied('');
    try {
      await navigator.clipboard.writeText(props.link);
      setCopied('Copied: the link is on your clipboard.');
    } catch {
      if (linkText.current) getSelection()?.selectAllChildren(linkText.current);
      setCopied('Copying did not work here: the link is selected, press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  }

  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        Your case is open: <span className="case-number">{props.number}</span>
      </h1>
      {buyer ? (
        <p>
          <strong>Keep this link: without an account, it is the only way back to your case</strong> to follow
          it and reply. We have also mailed it to you{props.email ? ` at ${props.email}` : ''}, with a
          confirmation.
        </p>
      ) : (
        <p>We have mailed you a confirmation. The case is also under “Our cases”.</p>
      )}
      <p className="case-link">
        <a href={props.link} ref={linkText}>
          {props.link}
        </a>
      </p>
      <div className="actions">
        <button type="button" className="button" onClick={copy}>
          Copy link
        </button>
        <Link to={props.path} className="button secondary">
          Open my case
        </Link>
      </div>
      <p role="status" className={copied ? 'copied' : 'copied empty'}>
        {copied}
      </p>
      {buyer && (
        <p className="hint">Anyone with the link can read and answer the case, so do not share it.</p>
      )}
    </>
  );
}
