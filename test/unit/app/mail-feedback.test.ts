import { describe, expect, it } from 'vitest';
import { feedbackFromEvent, SesFeedbackEventSchema } from '../../../shared/adapters/email/ses-feedback.ts';
import { changeStatus } from '../../../shared/app/change-status.ts';
import { recordMailFeedback } from '../../../shared/app/mail-feedback.ts';
import { postMessage } from '../../../shared/app/post-message.ts';
import { setSeverity } from '../../../shared/app/triage.ts';
import type { MailFeedback } from '../../../shared/domain/email/mail-feedback.ts';
import { isPublicEvent } from '../../../shared/domain/timeline.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { createMemorySuppressionList } from '../../support/memory-mail-safeguards.ts';
import { TimerSim } from '../../support/timer-sim.ts';

/** docs/mail.md#bounces-and-complaints */
const DOMAIN = 'mail.casewatch.test';

function setup() {
  const sim = new TimerSim('2026-12-01T17:00:00.000Z');
  const suppressions = createMemorySuppressionList();
  const metrics: string[] = [];
  const deps = {
    ...sim.deps,
    suppressions,
    recordMetric: (name: string, d: Record<string, string>) => void metrics.push(`${name} ${d.kind}`),
  };
  return { sim, deps, suppressions, metrics };
}

const feedback = (caseId: string | null, overrides: Partial<MailFeedback> = {}): MailFeedback => ({
  kind: 'hard-bounce',
  feedbackId: 'fb-1',
  at: '2026-12-01T17:05:00.000Z',
  recipients: [{ address: 'b@example.com', diagnostic: 'smtp; 550 user unknown' }],
  caseId,
  notice: 'acknowledgment',
  ...overrides,
});

describe('recordMailFeedback', () => {
  it('records a hard bounce on its case as staff-only events, once, and suppresses the address', async () => {
    const { sim, deps, suppressions, metrics } = setup();
    const c = await openConsumerCase(sim.appDeps);
    const first = await recordMailFeedback(deps, feedback(c.id));
    const again = await recordMailFeedback(deps, feedback(c.id));
    expect(first).toEqual({
      caseId: c.id,
      firstTime: true,
      recipients: [{ address: 'b@example.com', suppressed: true }],
    });
    expect(again.firstTime).toBe(false);
    const events = (sim.store.events.get(c.id) ?? []).filter((e) => e.type === 'mail.bounced');
    expect(events).toEqual([
      expect.objectContaining({
        bounce: 'hard',
        suppressed: true,
        actor: { role: 'system', id: 'casewatch' },
      }),
    ]);
    expect((sim.store.events.get(c.id) ?? []).filter(isPublicEvent).map((e) => e.type)).toEqual([
      'case.opened',
    ]);
    expect(await suppressions.suppressionOf('B@example.com')).toEqual({
      reason: 'bounce',
      at: '2026-12-01T17:05:00.000Z',
      caseId: c.id,
    });
    expect(metrics).toEqual(['MailFeedback hard-bounce']);
    // It moved nothing: no status, no deadline.
    expect(sim.store.cases.get(c.id)?.status).toBe('new');
  });

  it('a soft bounce is recorded and suppresses nothing; a complaint suppresses', async () => {
    const { sim, deps, suppressions } = setup();
    const c = await openConsumerCase(sim.appDeps);
    await recordMailFeedback(deps, feedback(c.id, { kind: 'soft-bounce', feedbackId: 'fb-2' }));
    expect(await suppressions.suppressionOf('b@example.com')).toBeNull();
    await recordMailFeedback(deps, feedback(c.id, { kind: 'complaint', feedbackId: 'fb-3' }));
    expect(await suppressions.suppressionOf('b@example.com')).toMatchObject({ reason: 'complaint' });
    expect((sim.store.events.get(c.id) ?? []).map((e) => e.type).slice(-2)).toEqual([
      'mail.bounced',
      'mail.complained',
    ]);
  });

  it('is recorded on a closed case too (a survey can bounce), and suppresses even when the case is unknown', async () => {
    const { sim, deps, suppressions } = setup();
    const c = await openConsumerCase(sim.appDeps);
    await changeStatus(sim.appDeps, agent, c.id, { status: 'closed' });
    expect((await recordMailFeedback(deps, feedback(c.id, { notice: 'survey' }))).caseId).toBe(c.id);
    expect(sim.store.cases.get(c.id)?.status).toBe('closed');
    const unknown = await recordMailFeedback(
      deps,
      feedback('NOSUCHCASE', {
        feedbackId: 'fb-9',
        recipients: [{ address: 'x@example.org', diagnostic: null }],
      }),
    );
    expect(unknown.caseId).toBeNull();
    expect(await suppressions.suppressionOf('x@example.org')).not.toBeNull();
  });
});

describe('a bounce between a deadline and its late timer (docs/timers.md#settling-due-deadlines)', () => {
  /** A level 3 case opened 2026-11-30T17:00Z: at risk at 2026-12-01T11:00Z (75% of 24 hours), due at 17:00Z. */
  async function level3Case() {
    const { sim, deps } = setup();
    sim.clock.set(new Date('2026-11-30T17:00:00.000Z'));
    const c = await openConsumerCase(sim.appDeps);
    await setSeverity(sim.appDeps, agent, c.id, { level: 3, reason: 'a question' });
    await sim.drain();
    const sla = () =>
      (sim.store.events.get(c.id) ?? [])
        .filter((e) => e.type === 'sla.at_risk' || e.type === 'sla.breached')
        .map((e) => `${e.type} ${e.at}`);
    return { sim, deps, id: c.id, sla };
  }

  it('does not move the dates a late timer records: each deadline is dated at its own due instant', async () => {
    const { sim, deps, id, sla } = await level3Case();
    // The timer queue is down; a bounce is recorded at 20:00Z; the timers arrive at 21:00Z.
    sim.clock.set(new Date('2026-12-01T20:00:00.000Z'));
    await recordMailFeedback(deps, feedback(id, { at: '2026-12-01T20:00:00.000Z' }));
    expect(sla()).toEqual([]);
    sim.clock.set(new Date('2026-12-01T21:00:00.000Z'));
    for (const t of sim.due()) await sim.deliver(t);
    expect(sla()).toEqual(['sla.at_risk 2026-12-01T11:00:00.000Z', 'sla.breached 2026-12-01T17:00:00.000Z']);
    expect(sim.store.cases.get(id)?.sla.firstResponse).toMatchObject({
      atRiskAt: '2026-12-01T11:00:00.000Z',
      breachedAt: '2026-12-01T17:00:00.000Z',
    });
  });

  it('nor the dates the next request settles', async () => {
    const { sim, deps, id, sla } = await level3Case();
    sim.clock.set(new Date('2026-12-01T20:00:00.000Z'));
    await recordMailFeedback(deps, feedback(id, { kind: 'complaint', at: '2026-12-01T20:00:00.000Z' }));
    sim.clock.set(new Date('2026-12-01T21:00:00.000Z'));
    await postMessage(sim.appDeps, agent, id, { body: 'Sorry for the wait' });
    expect(sla()).toEqual(['sla.at_risk 2026-12-01T11:00:00.000Z', 'sla.breached 2026-12-01T17:00:00.000Z']);
  });
});

describe('SES events', () => {
  const mail = {
    messageId: 'ses-1',
    tags: { casewatch: ['closure'], case: ['01JDCASE'], 'ses:configuration-set': ['casewatch'] },
    commonHeaders: { messageId: `<case.01JDOTHER.abcdefghijklmnop@${DOMAIN}>` },
  };
  const bounce = (bounceType: string, m: object = mail) => ({
    source: 'aws.ses',
    'detail-type': 'Email Bounced',
    detail: {
      eventType: 'Bounce',
      bounce: {
        bounceType,
        bouncedRecipients: [{ emailAddress: 'b@example.com', diagnosticCode: 'x'.repeat(900) }],
        timestamp: '2026-12-01T17:05:00.123Z',
        feedbackId: 'fb-1',
      },
      mail: m,
    },
  });

  it('names the case by its tag, else by our Message-ID; Permanent is hard, anything else soft', () => {
    const hard = feedbackFromEvent(SesFeedbackEventSchema.parse(bounce('Permanent')), DOMAIN);
    expect(hard).toMatchObject({
      kind: 'hard-bounce',
      caseId: '01JDCASE',
      notice: 'closure',
      feedbackId: 'fb-1',
    });
    expect(hard.recipients[0]?.diagnostic).toHaveLength(500);
    for (const type of ['Transient', 'Undetermined'])
      expect(feedbackFromEvent(SesFeedbackEventSchema.parse(bounce(type)), DOMAIN).kind).toBe('soft-bounce');
    const untagged = feedbackFromEvent(
      SesFeedbackEventSchema.parse(bounce('Permanent', { ...mail, tags: {} })),
      DOMAIN,
    );
    expect(untagged).toMatchObject({ caseId: '01JDOTHER', notice: null });
    const nothing = feedbackFromEvent(
      SesFeedbackEventSchema.parse(bounce('Permanent', { messageId: 'x' })),
      DOMAIN,
    );
    expect(nothing.caseId).toBeNull();
  });

  it('refuses events of any other shape', () => {
    for (const event of [
      { ...bounce('Permanent'), source: 'my.app' },
      { ...bounce('Soft') },
      { ...bounce('Permanent'), 'detail-type': 'Email Delivered' },
      { source: 'aws.ses', 'detail-type': 'Email Bounced', detail: { eventType: 'Delivery', mail } },
    ])
      expect(SesFeedbackEventSchema.safeParse(event).success).toBe(false);
  });
});
