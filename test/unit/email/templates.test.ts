import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  formatWhen,
  type MailNotice,
  renderNotice,
} from '../../../shared/adapters/email/templates.ts';
import { type Case, newCase } from '../../../shared/domain/case.ts';

const hostileSubject = '<script>alert(1)</script> "><img src=x onerror=alert(2)>';
const hostileBody = `Hi</p><script>steal()</script>\n"><img src=x onerror=alert(3)> & 'quotes'`;

const c: Case = newCase(
  { type: 'seller', subject: 'Payout missing', description: 'no payout this month' },
  {
    id: '01JD0000000000000000000000',
    number: 'CW-7KQ2MD',
    channel: 'api',
    openedAt: '2026-11-30T17:00:00.000Z',
    requester: { email: 'a@b.c', sellerId: 's' },
  },
);
const hostile: Case = {
  ...c,
  subject: `${hostileSubject}\r\nBcc: victim@evil.example`,
  requester: { email: '<b>x</b>@evil.example', sellerId: null },
  assignee: '"><script>x</script>',
};

const message = {
  id: '01JD0000000000000000000001',
  caseId: c.id,
  at: '2026-11-30T18:00:00.000Z',
  actor: { role: 'agent', id: 'dana@support.example' },
  type: 'message.posted',
  visibility: 'public',
  body: hostileBody,
} as const;

const notices = (k: Case): MailNotice[] => [
  { kind: 'acknowledgment', case: k, firstResponseDueAt: '2026-12-02T01:00:00.000Z' },
  { kind: 'agent.message', case: k, event: { ...message }, agentName: '<i>Dana</i>' },
  { kind: 'pending-closure', case: k, autoCloseAt: '2026-12-08T01:00:00.000Z', note: hostileBody },
  { kind: 'closure', case: k, auto: true },
  { kind: 'closure', case: k, auto: false },
  { kind: 'survey', case: k, surveyUrl: 'https://support.example/survey?t=a&b="x"' },
  { kind: 'sla.at_risk', case: k, deadline: 'first-response', dueAt: '2026-12-02T01:00:00.000Z' },
  {
    kind: 'sla.breached',
    case: k,
    deadline: 'next-update',
    dueAt: '2026-12-02T01:00:00.000Z',
    breachedAt: '2026-12-02T01:00:00.000Z',
  },
  { kind: 'escalation.requested', case: k, reason: hostileBody },
  { kind: 'customer.replied', case: k, from: 'pending_closure' },
];

describe('escapeHtml', () => {
  it('escapes the five characters that matter', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('dates in words', () => {
  it('tells an instant in Pacific time, without ISO', () => {
    expect(formatWhen('2026-12-02T01:00:00.000Z', 'America/Los_Angeles', '2026-11-30T17:00:00.000Z')).toBe(
      '5:00 PM Pacific Time on Tuesday, December 1',
    );
    expect(formatWhen('2027-01-04T17:30:00.000Z', 'America/Los_Angeles', '2026-12-31T17:00:00.000Z')).toBe(
      '9:30 AM Pacific Time on Monday, January 4, 2027',
    );
  });
});

describe('templates', () => {
  it('acknowledgment names case, severity and the first-response time in words', () => {
    const m = renderNotice(notices(c)[0] as MailNotice);
    expect(m.subject).toBe('[CW-7KQ2MD] We received your case: Payout missing');
    expect(m.text).toContain('Your case number is CW-7KQ2MD.');
    expect(m.text).toContain(`Severity: ${c.severity.label}`);
    expect(m.text).toContain(
      'You can expect our first response by 5:00 PM Pacific Time on Tuesday, December 1.',
    );
    expect(m.html).toContain('5:00 PM Pacific Time on Tuesday, December 1');
    expect(m.text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(m).toMatchObject({ automatic: true, audience: 'customer' });
  });

  it('agent message quotes the body, and is not automatic', () => {
    const m = renderNotice({ kind: 'agent.message', case: c, event: { ...message, body: 'line 1\nline 2' } });
    expect(m.subject).toBe('Re: [CW-7KQ2MD] Payout missing');
    expect(m.text).toContain('> line 1\n> line 2');
    expect(m.html).toContain('<blockquote');
    expect(m.automatic).toBe(false);
  });

  it('pending closure gives the auto-close date; survey gives the link', () => {
    const p = renderNotice({ kind: 'pending-closure', case: c, autoCloseAt: '2026-12-08T01:00:00.000Z' });
    expect(p.text).toContain('close automatically at 5:00 PM Pacific Time on Monday, December 7.');
    const s = renderNotice({ kind: 'survey', case: c, surveyUrl: 'https://support.example/s/abc' });
    expect(s.text).toContain('https://support.example/s/abc');
    expect(s.html).toContain('<a href="https://support.example/s/abc">');
  });

  it('internal notices use words for times and go to the internal audience', () => {
    for (const n of notices(c).slice(6)) {
      const m = renderNotice(n, { caseUrl: 'https://console.example/cases/1' });
      expect(m.audience).toBe('internal');
      expect(m.subject.startsWith('[CW-7KQ2MD] ')).toBe(true);
      expect(m.text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
      expect(m.text).toContain('https://console.example/cases/1');
    }
  });

  it.each(notices(hostile).map((n) => [n.kind, n] as const))('%s escapes hostile input', (_, n) => {
    const m = renderNotice(n, { caseUrl: 'https://console.example/cases/"><x>' });
    for (const needle of ['<script', '<img', '<b>x', '<i>Dana', '"><x>'])
      expect(m.html.includes(needle), `${needle} in ${m.html}`).toBe(false);
    expect(m.subject).toMatch(/^(Re: )?\[CW-7KQ2MD\] /);
    expect(m.subject).not.toMatch(/[\r\n]/);
  });

  it('strips header injection from subjects', () => {
    const m = renderNotice({ kind: 'closure', case: hostile, auto: false });
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.subject).toContain(' Bcc: victim@evil.example');
  });

  it('never links a non-http URL', () => {
    const m = renderNotice({ kind: 'survey', case: c, surveyUrl: 'javascript:alert(1)' });
    expect(m.html).not.toContain('href="javascript');
  });
});
