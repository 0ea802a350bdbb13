import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SuppressedMail, screenMail } from '../../../shared/app/mail-safeguards.ts';
import type { Case } from '../../../shared/domain/case.ts';
import {
  AUTOMATIC_MAIL_PER_RECIPIENT,
  ESCALATION_NOTICES_PER_CASE,
  limitWindow,
  mayQuoteRequester,
} from '../../../shared/domain/email/mail-limits.ts';
import { epochOf, toInstant } from '../../../shared/domain/instant.ts';
import type { OutgoingMail } from '../../../shared/ports/mail-safeguards.ts';
import type { Notice } from '../../../shared/ports/notifier.ts';
import { newSellerCase } from '../../support/cases.ts';
import { createMemoryMailBudget, createMemorySuppressionList } from '../../support/memory-mail-safeguards.ts';

/** docs/mail.md#limits: who may be mailed, decided with an injected clock (instants are handed in). */
const c: Case = newSellerCase({ subject: 'Payout missing', description: 'no payout' });
const HOUR = 3_600_000;
const START = epochOf('2026-11-30T17:00:00.000Z');

function safeguards() {
  const suppressed: SuppressedMail[] = [];
  const metrics: string[] = [];
  const suppressions = createMemorySuppressionList();
  const deps = {
    suppressions,
    budget: createMemoryMailBudget(),
    recordMetric: (name: string, dimensions: Record<string, string>) =>
      void metrics.push(`${name} ${dimensions.reason}`),
    onSuppressed: (s: SuppressedMail) => void suppressed.push(s),
  };
  return { deps, suppressed, metrics, suppressions };
}

const ack = (k: Case = c, eventId = 'E1'): Notice => ({
  kind: 'acknowledgment',
  eventId,
  case: k,
  firstResponseDueAt: '2026-12-01T01:00:00.000Z',
  missing: [],
  relatedCaseNumber: null,
  requesterText: false,
});
const customer = (to: string, notice: Notice = ack()): OutgoingMail => ({
  notice,
  audience: 'customer',
  automatic: true,
  to: [to],
});

describe('limit windows', () => {
  it('contain their instant, last the limit’s hours and start on the UTC grid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.constantFrom(AUTOMATIC_MAIL_PER_RECIPIENT, ESCALATION_NOTICES_PER_CASE),
        (ms, limit) => {
          const w = limitWindow(limit, toInstant(ms));
          expect(epochOf(w.start)).toBeLessThanOrEqual(ms);
          expect(epochOf(w.end)).toBeGreaterThan(ms);
          expect(epochOf(w.end) - epochOf(w.start)).toBe(limit.windowHours * HOUR);
          expect(epochOf(w.start) % (limit.windowHours * HOUR)).toBe(0);
        },
      ),
    );
  });
});

describe('screenMail', () => {
  it('never lets more than five automatic mails a clock hour reach one address, and accounts for every one left out', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 * HOUR }), { minLength: 1, maxLength: 60 }),
        fc.constantFrom('victim@example.org', 'VICTIM@example.org'),
        async (offsets, spelling) => {
          const { deps, suppressed, metrics } = safeguards();
          const sentAt: number[] = [];
          for (const offset of [...offsets].sort((a, b) => a - b)) {
            const to = await screenMail(deps, customer(spelling), toInstant(START + offset));
            if (to.length > 0) sentAt.push(Math.floor(offset / HOUR));
          }
          for (let hour = 0; hour < 5; hour++)
            expect(sentAt.filter((h) => h === hour).length).toBeLessThanOrEqual(5);
          expect(sentAt.length + suppressed.length).toBe(offsets.length);
          expect(metrics).toEqual(suppressed.map(() => 'MailSuppressed recipient-limit'));
          // Exactly the first five of each hour go.
          const perHour = new Map<number, number>();
          for (const o of offsets)
            perHour.set(Math.floor(o / HOUR), (perHour.get(Math.floor(o / HOUR)) ?? 0) + 1);
          expect(sentAt.length).toBe([...perHour.values()].reduce((n, k) => n + Math.min(k, 5), 0));
        },
      ),
    );
  });

  it('always sends the warning before an auto-close, even to an address whose hour is spent, and does not spend it', async () => {
    const { deps, suppressed } = safeguards();
    const now = toInstant(START);
    for (let i = 0; i < 5; i++) await screenMail(deps, customer('pat@example.net', ack(c, `A${i}`)), now);
    expect(await screenMail(deps, customer('pat@example.net', ack(c, 'A5')), now)).toEqual([]);
    const warning: Notice = {
      kind: 'pending-closure',
      eventId: 'P1',
      case: c,
      autoCloseAt: '2026-12-07T17:00:00.000Z',
      note: 'Refund issued; it shows in 3–5 days.',
      requesterText: false,
    };
    expect(await screenMail(deps, customer('pat@example.net', warning), now)).toEqual(['pat@example.net']);
    expect(suppressed.map((s) => s.notice)).toEqual(['acknowledgment']);
    // A bounced or complained address still gets nothing.
    await deps.suppressions.suppress('gone@example.net', { reason: 'bounce', at: now, caseId: c.id });
    expect(await screenMail(deps, customer('gone@example.net', warning), now)).toEqual([]);
  });

  it('counts every automatic customer mail, whatever opened the case; not an agent’s message, not the support team’s notices', async () => {
    const { deps } = safeguards();
    const now = toInstant(START);
    const closure: Notice = { kind: 'closure', eventId: 'E2', case: c, auto: true, requesterText: false };
    const sent = [];
    for (let i = 0; i < 3; i++)
      sent.push(await screenMail(deps, customer('pat@example.net', ack(c, `A${i}`)), now));
    for (let i = 0; i < 3; i++) sent.push(await screenMail(deps, customer('pat@example.net', closure), now));
    expect(sent.map((to) => to.length)).toEqual([1, 1, 1, 1, 1, 0]);
    const message: Notice = {
      kind: 'agent.message',
      eventId: 'E3',
      case: c,
      body: 'hi',
      author: 'dana@support.example',
      requesterText: false,
    };
    expect(
      await screenMail(
        deps,
        { notice: message, audience: 'customer', automatic: false, to: ['pat@example.net'] },
        now,
      ),
    ).toEqual(['pat@example.net']);
    const breach: Notice = {
      kind: 'sla.breached',
      eventId: 'E4',
      case: c,
      deadline: 'first-response',
      dueAt: now,
      breachedAt: now,
    };
    for (let i = 0; i < 20; i++)
      expect(
        await screenMail(
          deps,
          { notice: breach, audience: 'internal', automatic: true, to: ['lead@x.example'] },
          now,
        ),
      ).toEqual(['lead@x.example']);
  });

  it('tells the leads of escalations on one case once per four-hour block, of another case at once', async () => {
    const { deps, suppressed } = safeguards();
    const other: Case = { ...c, id: 'OTHERCASE' };
    const escalation = (k: Case): OutgoingMail => ({
      notice: { kind: 'escalation.requested', eventId: 'E5', case: k, reason: 'now!' },
      audience: 'internal',
      automatic: true,
      to: ['lena@x.example', 'leo@x.example'],
    });
    const at = (hours: number) => toInstant(START + hours * HOUR);
    expect(await screenMail(deps, escalation(c), at(0))).toEqual(['lena@x.example', 'leo@x.example']);
    expect(await screenMail(deps, escalation(c), at(1))).toEqual([]);
    expect(await screenMail(deps, escalation(other), at(1))).toHaveLength(2);
    expect(await screenMail(deps, escalation(c), at(3))).toHaveLength(2); // 20:00 UTC: the next block
    expect(suppressed.map((s) => [s.address, s.reason])).toEqual([
      ['lena@x.example', 'escalation-limit'],
      ['leo@x.example', 'escalation-limit'],
    ]);
  });

  it('mails no address that bounced for good or complained, and spends no budget on it', async () => {
    const { deps, suppressed, suppressions } = safeguards();
    const now = toInstant(START);
    await suppressions.suppress('gone@example.org', { reason: 'bounce', at: now, caseId: c.id });
    await suppressions.suppress('angry@example.org', { reason: 'complaint', at: now, caseId: null });
    expect(await screenMail(deps, customer('GONE@example.org'), now)).toEqual([]);
    const internal: OutgoingMail = {
      notice: { kind: 'customer.replied', eventId: 'E6', case: c, from: 'on_hold' },
      audience: 'internal',
      automatic: true,
      to: ['angry@example.org', 'bob@support.example'],
    };
    expect(await screenMail(deps, internal, now)).toEqual(['bob@support.example']);
    expect(suppressed.map((s) => s.reason)).toEqual(['bounced', 'complained']);
  });
});

describe('mayQuoteRequester', () => {
  it('repeats what the requester typed only to a seller or an address that wrote to us', () => {
    expect(mayQuoteRequester({ type: 'seller' }, false)).toBe(true);
    expect(mayQuoteRequester({ type: 'consumer' }, true)).toBe(true);
    expect(mayQuoteRequester({ type: 'consumer' }, false)).toBe(false);
  });
});
