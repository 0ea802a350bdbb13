import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { fieldErrors, type Problem, problemOf, type Qualifications } from '../api.ts';
import { usePortal, useSignedIn } from '../app-context.tsx';
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
    link: string;
    failed: { fileName: string; reason: string }[];
  } | null>(null);

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
    const link = `${location.origin}/case/${data.number}${data.caseToken ? `#token=${data.caseToken}` : ''}`;
    setOpened({ number: data.number, link, failed });
  }

  if (opened) {
    return (
      <>
        <h1 tabIndex={-1}>Your case is open: {opened.number}</h1>
        <p>We have mailed you a confirmation. Keep this private link to follow the case and reply:</p>
        <p className="case-link">
          <a href={opened.link}>{opened.link}</a>
        </p>
        <p className="hint">Anyone with the link can read and answer the case, so do not share it.</p>
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
        <div className="notice error-notice" role="alert">
          Please check the highlighted fields.
        </div>
      )}
      <form onSubmit={submit} className="form" noValidate>
        {!seller && (
          <Field
            label="Your email"
            error={errors['requester.email'] ?? errors.email}
            hint="We send updates here."
          >
            {(a) => (
              <input {...a} type="email" autoComplete="email" value={form.email} onChange={set('email')} />
            )}
          </Field>
        )}
        <Field label="Subject" error={errors.subject}>
          {(a) => <input {...a} value={form.subject} onChange={set('subject')} maxLength={200} />}
        </Field>
        {!seller && (
          <>
            <Field
              label="Order or invoice number"
              error={errors.orderNumber}
              hint="On your receipt or invoice."
            >
              {(a) => <input {...a} value={form.orderNumber} onChange={set('orderNumber')} />}
            </Field>
            <Field
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
        <Field label="What happened" error={errors.description}>
          {(a) => <textarea {...a} rows={6} value={form.description} onChange={set('description')} />}
        </Field>
        <Field
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
                <Field key={key} label={label} error={errors[`qualifications.${key}`]}>
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
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Opening…' : 'Open the case'}
        </button>
      </form>
    </>
  );
}
