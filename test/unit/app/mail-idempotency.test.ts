import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMailNotifier } from '../../../shared/adapters/email/mail-notifier.ts';
import type { OutboundMail } from '../../../shared/adapters/email/mailer.ts';
import type { Actor } from '../../../shared/app/actor.ts';
import { changeStatus } from '../../../shared/app/change-status.ts';
import { postMessage } from '../../../shared/app/post-message.ts';
import { type ReactionDeps, reactToChange } from '../../../shared/app/react-to-change.ts';
import { requestEscalation } from '../../../shared/app/requester-actions.ts';
import { assignCase } from '../../../shared/app/triage.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { createMemoryOnceLedger } from '../../support/memory-once-ledger.ts';
import { TimerSim } from '../../support/timer-sim.ts';

/**
 * A case's whole life, then its stream replayed with every record delivered twice (and, in the
 * property, in random duplicate patterns): each mail goes out exactly once
 * (docs/mail.md#each-mail-at-most-once, issue #5).
 */
async function life(deliveries: (i: number) => number) {
  const sim = new TimerSim('2026-12-01T17:00:00.000Z');
  const deps = sim.appDeps;
  const sent: OutboundMail[] = [];
  const metrics: string[] = [];
  const ledger = createMemoryOnceLedger();
  const reaction: ReactionDeps = {
    ...sim.deps,
    scheduler: sim.scheduler,
    surveyTokens: sim.surveyTokens,
    meetingLinks: sim.meetingLinks,
    correspondents: sim.correspondents,
    recordMetric: (name, dimensions) => void metrics.push(`${name} ${JSON.stringify(dimensions)}`),
    once: ledger,
    notifier: createMailNotifier({
      mailer: {
        send: async (m) => {
          sent.push(m);
          return { providerMessageId: null };
        },
      },
      ledger,
      clock: sim.clock,
      from: 'support@support.example',
      mailDomain: 'reply.support.example',
      replyKey: new Uint8Array(32).fill(1),
      messageIdKey: new Uint8Array(32).fill(2),
      leads: ['lead@support.example'],
      surveyUrl: (t) => `https://support.example/surveys/${t}`,
    }),
  };
  const c = await openConsumerCase(deps, {
    description: 'Charged twice',
    email: 'buyer@example.com',
    billingDescriptor: 'FSPRG',
  });
  const requester: Actor = { kind: 'consumer', caseId: c.id };
  // The stream as it runs behind the writes: record i is delivered deliveries(i) times in a row.
  let position = 0;
  const drain = async () => {
    for (; position < sim.store.stream.length; position++) {
      const change = sim.store.stream[position];
      if (change) for (let n = 0; n < deliveries(position); n++) await reactToChange(reaction, change);
    }
  };
  await drain();
  await assignCase(deps, agent, c.id, 'bob@support.example');
  await requestEscalation(deps, requester, c.id, 'Urgent');
  await drain();
  sim.clock.advance(13 * 3_600_000); // past the first-response deadline: at risk and breached
  await postMessage(deps, agent, c.id, { body: 'Refund issued' });
  await changeStatus(deps, agent, c.id, { status: 'pending_closure', note: 'Done', public: true });
  await drain();
  await postMessage(deps, requester, c.id, { body: 'Thanks! One more thing' });
  await changeStatus(deps, agent, c.id, { status: 'closed' });
  await drain();
  // And once more from the start, as after a lost checkpoint: everything is delivered again.
  position = 0;
  await drain();
  return { sent, sim, metrics };
}

const kindOf = (m: OutboundMail) => m.tags?.casewatch ?? '?';

describe('stream replays send each mail once', () => {
  it('every stream record delivered twice: the same mails as once, each once', async () => {
    const once = await life(() => 1);
    const twice = await life(() => 2);
    // (Both runs also replay the whole stream once more at the end.)
    expect(once.sent.map(kindOf)).toEqual([
      'acknowledgment',
      'escalation.requested',
      'sla.at_risk',
      'sla.breached',
      'agent.message',
      'pending-closure',
      'customer.replied',
      'closure',
      'survey',
    ]);
    expect(twice.sent.map(kindOf)).toEqual(once.sent.map(kindOf));
    // Metrics too: a replayed breach must not count twice (it would skew compliance and page people).
    expect(once.metrics).toContain('FirstResponseBreached {"severity":"2"}');
    expect(twice.metrics).toEqual(once.metrics);
    expect(new Set(twice.sent.map((m) => m.messageId)).size).toBe(twice.sent.length);
    const surveys = (twice.sim.store.events.get([...twice.sim.store.cases.keys()][0] ?? '') ?? []).filter(
      (e) => e.type === 'survey.sent',
    );
    expect(surveys).toHaveLength(1);
  });

  it('any pattern of redelivery (1–3 times per record) sends the same mails and metrics', async () => {
    const first = await life(() => 1);
    const reference = first.sent.map(kindOf);
    const referenceMetrics = first.metrics;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 40, maxLength: 40 }),
        async (n) => {
          const { sent, metrics } = await life((i) => n[i % n.length] ?? 1);
          expect(sent.map(kindOf)).toEqual(reference);
          expect(metrics).toEqual(referenceMetrics);
        },
      ),
      { numRuns: 25 },
    );
  });
});
