import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Case } from '../../../shared/domain/case.ts';
import { isRefusal } from '../../../shared/domain/changes/decision.ts';
import { followEscalation, requestEscalation } from '../../../shared/domain/changes/escalation.ts';
import { moveStatus } from '../../../shared/domain/changes/move-status.ts';
import { postMessage } from '../../../shared/domain/changes/post-message.ts';
import { assign } from '../../../shared/domain/changes/triage.ts';
import { type Instant, toInstant } from '../../../shared/domain/instant.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';
import { newSellerCase } from '../../support/cases.ts';

const policy = createSlaPolicy();
const START = Date.parse('2026-11-30T17:00:00.000Z');

/** What happens to the case, one step at a time, each some minutes after the last. */
type Step =
  | { kind: 'ask'; reason: string }
  | { kind: 'message'; by: 'agent' | 'lead'; internal: boolean }
  | { kind: 'assign'; by: 'agent' | 'lead' }
  | { kind: 'close'; by: 'agent' | 'lead' | 'requester' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('ask' as const), reason: fc.string({ minLength: 1, maxLength: 8 }) }),
  fc.record({
    kind: fc.constant('message' as const),
    by: fc.constantFrom('agent' as const, 'lead' as const),
    internal: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('assign' as const), by: fc.constantFrom('agent' as const, 'lead' as const) }),
  fc.record({
    kind: fc.constant('close' as const),
    by: fc.constantFrom('agent' as const, 'lead' as const, 'requester' as const),
  }),
);

/** One step as the write path applies it: the decision, then what it leaves of a waiting escalation. */
function apply(c: Case, s: Step, at: Instant): Case {
  const decided =
    s.kind === 'ask'
      ? requestEscalation(c, s.reason, at)
      : s.kind === 'message'
        ? postMessage(
            c,
            { body: 'b', visibility: s.internal ? 'internal' : 'public', author: 'staff', channel: 'api' },
            at,
            policy,
          )
        : s.kind === 'assign'
          ? assign(c, 'alice@support.example', at, policy)
          : moveStatus(c, { to: 'closed', by: s.by }, at, policy);
  if (isRefusal(decided)) return c;
  return followEscalation(decided.case, s.kind !== 'ask' && s.by === 'lead');
}

describe('an escalation waits for a lead (docs/cases.md#escalations)', () => {
  it('waits from the first ask since a lead last acted, with the latest reason, until a lead acts or the case closes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.integer({ min: 1, max: 600 })), { maxLength: 25 }), (steps) => {
        let c = newSellerCase({ subject: 's', description: 'd' });
        let t = START;
        // The rule, said plainly over the history.
        const model: { waiting: Case['escalation']; closed: boolean } = { waiting: null, closed: false };
        for (const [s, minutes] of steps) {
          t += minutes * 60_000;
          const at = toInstant(t);
          c = apply(c, s, at);
          if (model.closed) continue;
          if (s.kind === 'ask')
            model.waiting = { requestedAt: model.waiting?.requestedAt ?? at, reason: s.reason };
          else if (s.kind === 'close') {
            model.closed = true;
            model.waiting = null;
          } else if (s.by === 'lead') model.waiting = null;
          expect(c.escalation).toEqual(model.waiting);
        }
        expect(c.escalation).toEqual(model.waiting);
      }),
    );
  });

  it('asking is recorded as escalation.requested and refused on a closed case', () => {
    const c = newSellerCase({ subject: 's', description: 'd' });
    const asked = requestEscalation(c, 'Orders lost', '2026-11-30T18:00:00.000Z');
    expect(asked).toEqual({
      case: { ...c, escalation: { requestedAt: '2026-11-30T18:00:00.000Z', reason: 'Orders lost' } },
      events: [{ type: 'escalation.requested', reason: 'Orders lost' }],
    });
    expect(requestEscalation({ ...c, status: 'closed' }, 'x', '2026-11-30T18:00:00.000Z')).toMatchObject({
      refused: 'closed',
    });
  });

  it('is left alone, the very same case, when nothing answers it', () => {
    const c = newSellerCase({ subject: 's', description: 'd' });
    const waiting = { ...c, escalation: { requestedAt: c.createdAt, reason: 'r' } };
    expect(followEscalation(waiting, false)).toBe(waiting);
    expect(followEscalation(c, true)).toBe(c);
    expect(followEscalation(waiting, true).escalation).toBeNull();
    expect(followEscalation({ ...waiting, status: 'closed' }, false).escalation).toBeNull();
  });
});
