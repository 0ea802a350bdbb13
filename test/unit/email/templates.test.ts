import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agentDisplayName,
  escapeHtml,
  formatWhen,
  renderNotice,
  type TemplateContext,
} from '../../../shared/adapters/email/templates.ts';
import type { Case } from '../../../shared/domain/case.ts';
import type { Notice } from '../../../shared/ports/notifier.ts';
import { newSellerCase } from '../../support/cases.ts';

const hostileSubject = '<script>alert(1)</script> "><img src=x onerror=alert(2)>';
const hostileBody = `Hi</p><script>steal()</script>\n"><img src=x onerror=alert(3)> & 'quotes'`;

const c: Case = newSellerCase({ subject: 'Payout missing', description: 'no payout this month' });
const hostile: Case = {
  ...c,
  subject: `${hostileSubject}\r\nBcc: victim@evil.example`,
  requester: { email: '<b>x</b>@evil.example', sellerId: null },
  assignee: '"><script>x</script>',
};

const surveyUrl = (token: string) => `https://support.example/survey?t=${token}&b="x"`;
const ctx: TemplateContext = { surveyUrl };
const ack = {
  kind: 'acknowledgment',
  eventId: 'E0',
  firstResponseDueAt: '2026-12-02T01:00:00.000Z',
  missing: [] as string[],
  relatedCaseNumber: null,
  requesterText: true,
} as const;

const notices = (k: Case): Notice[] => [
  { ...ack, case: k },
  {
    kind: 'agent.message',
    eventId: 'E1',
    case: k,
    body: hostileBody,
    author: '<i>Dana</i>@support.example',
    requesterText: true,
  },
  {
    kind: 'pending-closure',
    eventId: 'E2',
    case: k,
    autoCloseAt: '2026-12-08T01:00:00.000Z',
    note: hostileBody,
    requesterText: true,
  },
  { kind: 'closure', eventId: 'E3', case: k, auto: true, requesterText: true },
  { kind: 'closure', eventId: 'E4', case: k, auto: false, requesterText: true },
  { kind: 'survey', eventId: 'E5', case: k, surveyToken: '"><script>t</script>', requesterText: true },
  {
    kind: 'sla.at_risk',
    eventId: 'E6',
    case: k,
    deadline: 'first-response',
    dueAt: '2026-12-02T01:00:00.000Z',
  },
  {
    kind: 'sla.breached',
    eventId: 'E7',
    case: k,
    deadline: 'next-update',
    dueAt: '2026-12-02T01:00:00.000Z',
    breachedAt: '2026-12-02T01:00:00.000Z',
  },
  { kind: 'escalation.requested', eventId: 'E8', case: k, reason: hostileBody },
  { kind: 'customer.replied', eventId: 'E9', case: k, from: 'pending_closure' },
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

  it('tells apart the two 1:30 AMs of the night the clocks go back, and only then names standard or daylight time', () => {
    const ref = '2026-10-30T17:00:00.000Z';
    expect(formatWhen('2026-11-01T08:30:00.000Z', 'America/Los_Angeles', ref)).toBe(
      '1:30 AM Pacific Daylight Time on Sunday, November 1',
    );
    expect(formatWhen('2026-11-01T09:30:00.000Z', 'America/Los_Angeles', ref)).toBe(
      '1:30 AM Pacific Standard Time on Sunday, November 1',
    );
    // An hour either side happens once: the usual generic name.
    expect(formatWhen('2026-11-01T07:30:00.000Z', 'America/Los_Angeles', ref)).toBe(
      '12:30 AM Pacific Time on Sunday, November 1',
    );
    expect(formatWhen('2026-11-01T10:30:00.000Z', 'America/Los_Angeles', ref)).toBe(
      '2:30 AM Pacific Time on Sunday, November 1',
    );
    // Spring forward skips an hour; nothing happens twice.
    expect(formatWhen('2027-03-14T10:30:00.000Z', 'America/Los_Angeles', ref)).toBe(
      '3:30 AM Pacific Time on Sunday, March 14, 2027',
    );
  });

  it('across the weekend the clocks go back, no two quarter hours read the same', () => {
    const start = Date.parse('2026-10-31T00:00:00.000Z');
    const seen = new Map<string, number>();
    for (let ms = start; ms < start + 3 * 86_400_000; ms += 15 * 60_000) {
      const words = formatWhen(new Date(ms).toISOString(), 'America/Los_Angeles');
      expect(seen.get(words), words).toBeUndefined();
      seen.set(words, ms);
    }
  });
});

describe('templates', () => {
  it('acknowledgment names case, severity and the first-response time in words', () => {
    const m = renderNotice(notices(c)[0] as Notice);
    expect(m.subject).toBe('[CW-7KQ2MD] We received your case: Payout missing');
    expect(m.text).toContain('Your case number is CW-7KQ2MD.');
    expect(m.text).toContain(`Severity: ${c.severity.label}`);
    expect(m.text).toContain(
      'You can expect our first response by 5:00 PM Pacific Time on Tuesday, December 1.',
    );
    expect(m.html).toContain('5:00 PM Pacific Time on Tuesday, December 1');
    expect(m.text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(m).toMatchObject({ automatic: true, audience: 'customer' });
    expect(m.text).not.toContain('could not find');
    expect(m.text).not.toContain('earlier case');
  });

  it('acknowledgment lists the missing fields, and says the case is open anyway', () => {
    const one = renderNotice({ ...ack, case: c, missing: ['order number'] });
    expect(one.text).toContain(
      'We could not find your order number in your message; please reply to this email with it',
    );
    expect(one.text).toContain('Your case is open in the meantime.');
    const two = renderNotice({ ...ack, case: c, missing: ['order number', 'billing descriptor'] });
    expect(two.text).toContain('your order number and billing descriptor in your message');
    expect(two.text).toContain('with them');
    const three = renderNotice({ ...ack, case: c, missing: ['a', 'b', 'c'] });
    expect(three.text).toContain('your a, b, and c in your message');
  });

  it('acknowledgment of a follow-up names the earlier, closed case', () => {
    const m = renderNotice({ ...ack, case: c, relatedCaseNumber: 'CW-000001' });
    expect(m.text).toContain(
      'Your earlier case CW-000001 was closed, so we opened this new case CW-7KQ2MD for your message.',
    );
    expect(m.html).toContain('CW-000001');
  });

  it('escapes missing-field words in HTML', () => {
    const m = renderNotice({ ...ack, case: c, missing: ['<script>x</script>'] });
    expect(m.html).not.toContain('<script');
    expect(m.html).toContain('&lt;script&gt;x&lt;/script&gt;');
  });

  it('agent message quotes the body, and is not automatic', () => {
    const m = renderNotice({
      kind: 'agent.message',
      eventId: 'E1',
      case: c,
      body: 'line 1\nline 2',
      author: 'dana.smith@support.example',
      requesterText: true,
    });
    expect(m.subject).toBe('Re: [CW-7KQ2MD] Payout missing');
    expect(m.text).toContain('Dana wrote on case CW-7KQ2MD:');
    expect(m.text).not.toContain('support.example');
    expect(m.text).toContain('> line 1\n> line 2');
    expect(m.html).toContain('<blockquote');
    expect(m.automatic).toBe(false);
  });

  it('makes the web addresses in an agent’s words links, and the mail fit a phone', () => {
    const url = 'https://tracking.example/shipments/1Z999AA10123456784?lang=en&ref=case';
    const m = renderNotice({
      kind: 'agent.message',
      eventId: 'E1',
      case: c,
      body: `Your parcel: ${url}. Or see (https://help.example/refunds).`,
      author: 'dana.smith@support.example',
      requesterText: true,
    });
    expect(m.html).toContain(`<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>.`);
    expect(m.html).toContain('(<a href="https://help.example/refunds">https://help.example/refunds</a>).');
    expect(m.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(m.html).toMatch(/<body style="[^"]*overflow-wrap:anywhere/);
  });

  it('a link never lets the words out of their attribute or element', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (before, after) => {
        const m = renderNotice({
          kind: 'agent.message',
          eventId: 'E1',
          case: c,
          body: `${before}https://x.example/${after}"><script>x</script>`,
          author: 'dana@support.example',
          requesterText: true,
        });
        expect(m.html).not.toContain('<script>');
        for (const href of m.html.matchAll(/<a href="([^"]*)"/g)) expect(href[1]).not.toMatch(/[<>"]/);
      }),
      { numRuns: 200 },
    );
  });

  it('signs agent messages with a first name, or Support', () => {
    expect(agentDisplayName('dana@support.example')).toBe('Dana');
    expect(agentDisplayName('DANA.SMITH@support.example')).toBe('Dana');
    expect(agentDisplayName('zoë_k@support.example')).toBe('Zoë');
    for (const a of ['agent42@x.y', 'd@x.y', 'support@x.y', 'no-reply@x.y', '', '<i>Dana</i>@x.y'])
      expect(agentDisplayName(a), a).toBe('Support');
  });

  it('pending closure gives the auto-close date; survey gives the link', () => {
    const p = renderNotice({
      kind: 'pending-closure',
      eventId: 'E2',
      case: c,
      autoCloseAt: '2026-12-08T01:00:00.000Z',
      note: null,
      requesterText: true,
    });
    expect(p.text).toContain('close automatically at 5:00 PM Pacific Time on Monday, December 7.');
    const s = renderNotice(
      { kind: 'survey', eventId: 'E5', case: c, surveyToken: 'abc', requesterText: true },
      { surveyUrl: (t) => `https://support.example/s/${t}` },
    );
    expect(s.text).toContain('https://support.example/s/abc');
    expect(s.html).toContain('<a href="https://support.example/s/abc">');
  });

  it('refuses a survey without a way to link it', () => {
    expect(() =>
      renderNotice({ kind: 'survey', eventId: 'E5', case: c, surveyToken: 'abc', requesterText: true }),
    ).toThrow(TypeError);
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
    const m = renderNotice(n, { ...ctx, caseUrl: 'https://console.example/cases/"><x>' });
    for (const needle of ['<script', '<img', '<b>x', '<i>Dana', '"><x>'])
      expect(m.html.includes(needle), `${needle} in ${m.html}`).toBe(false);
    expect(m.subject).toMatch(/^(Re: )?\[CW-7KQ2MD\] /);
    expect(m.subject).not.toMatch(/[\r\n]/);
  });

  it('strips header injection from subjects', () => {
    const m = renderNotice({
      kind: 'closure',
      eventId: 'E4',
      case: hostile,
      auto: false,
      requesterText: true,
    });
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.subject).toContain(' Bcc: victim@evil.example');
  });

  it('never links a non-http URL', () => {
    const m = renderNotice(
      { kind: 'survey', eventId: 'E5', case: c, surveyToken: 'x', requesterText: true },
      { surveyUrl: () => 'javascript:alert(1)' },
    );
    expect(m.html).not.toContain('href="javascript');
  });
});

describe('mail to an address that never wrote to us (docs/mail.md#who-gets-what)', () => {
  const stranger = (k: Case): Notice[] =>
    notices(k).map((n) => ('requesterText' in n ? { ...n, requesterText: false } : n));

  it('carries nothing the requester typed: the case number, what happens next, the link', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 60 }), fc.string({ minLength: 4 }), (words, more) => {
        const subject = `ZQX${words}`;
        const k: Case = { ...c, subject, description: `ZQY${more}` };
        for (const n of stranger(k)) {
          const m = renderNotice(n, { ...ctx, caseUrl: 'https://support.example/cases/1' });
          if (m.audience === 'internal') continue;
          for (const part of [m.subject, m.text, m.html]) {
            expect(part, n.kind).not.toContain('ZQX');
            expect(part, n.kind).not.toContain('ZQY');
          }
          expect(m.subject).toContain(`[${k.number}]`);
        }
      }),
    );
    const m = renderNotice(stranger(c)[0] as Notice, { caseUrl: 'https://support.example/cases/1' });
    expect(m.subject).toBe('[CW-7KQ2MD] We received your case');
    expect(m.text).toContain('Your case number is CW-7KQ2MD');
    expect(m.text).toMatch(/You can expect our first response by .+ Pacific Time/);
    expect(m.text).toContain('View case CW-7KQ2MD: https://support.example/cases/1');
  });

  it('the support team still reads the subject in its notices', () => {
    const internal = stranger(c).filter((n) => renderNotice(n, ctx).audience === 'internal');
    expect(internal.length).toBeGreaterThan(0);
    for (const n of internal) expect(renderNotice(n, ctx).text).toContain('Payout missing');
  });
});
