import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CASE_STATUSES,
  type CaseStatus,
  checkTransition,
  type StatusActor,
  type SystemReason,
  updateClockState,
} from '../../../shared/domain/status.ts';

const status = fc.constantFrom(...CASE_STATUSES);
const actor = fc.constantFrom<StatusActor>('agent', 'lead', 'requester', 'system');
const systemReason = fc.option(fc.constantFrom<SystemReason>('assigned', 'customer-replied', 'auto-close'), {
  nil: undefined,
});

describe('status machine', () => {
  it('never leaves closed, whoever asks and for whatever reason', () => {
    fc.assert(
      fc.property(status, actor, systemReason, (to, who, why) => {
        const outcome = checkTransition({ from: 'closed', to, actor: who, systemReason: why });
        expect(outcome).toMatchObject({ ok: false, reason: 'closed' });
      }),
    );
  });

  it('walking random requests from new, closed is absorbing and new is never re-entered', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(status, actor, systemReason), { maxLength: 40 }), (requests) => {
        let current: CaseStatus = 'new';
        let closed = false;
        for (const [to, who, why] of requests) {
          const outcome = checkTransition({ from: current, to, actor: who, systemReason: why });
          if (outcome.ok) {
            expect(closed).toBe(false);
            expect(to).not.toBe('new');
            current = to;
            closed ||= to === 'closed';
          }
        }
      }),
    );
  });

  it('agents and leads move between any two non-closed statuses except back to new, and may close', () => {
    for (const who of ['agent', 'lead'] as const) {
      for (const from of CASE_STATUSES.filter((s) => s !== 'closed')) {
        for (const to of CASE_STATUSES) {
          const outcome = checkTransition({ from, to, actor: who });
          const expected = from !== to && to !== 'new';
          expect(outcome.ok, `${who} ${from} → ${to}`).toBe(expected);
        }
      }
    }
  });

  it('a requester may only close', () => {
    for (const from of CASE_STATUSES.filter((s) => s !== 'closed')) {
      for (const to of CASE_STATUSES.filter((s) => s !== from)) {
        expect(checkTransition({ from, to, actor: 'requester' }).ok, `${from} → ${to}`).toBe(to === 'closed');
      }
    }
  });

  it.each([
    ['new', 'open', 'assigned', true],
    ['working', 'open', 'assigned', false],
    ['pending_closure', 'open', 'customer-replied', true],
    ['on_hold', 'open', 'customer-replied', true],
    ['working', 'open', 'customer-replied', false],
    ['pending_closure', 'closed', 'auto-close', true],
    ['working', 'closed', 'auto-close', false],
    ['new', 'open', undefined, false],
  ] as [CaseStatus, CaseStatus, SystemReason | undefined, boolean][])(
    'system %s → %s because %s: %s',
    (from, to, why, ok) => {
      expect(checkTransition({ from, to, actor: 'system', systemReason: why }).ok).toBe(ok);
    },
  );

  it('says why a move is refused, and which moves remain', () => {
    expect(checkTransition({ from: 'working', to: 'working', actor: 'agent' })).toMatchObject({
      reason: 'unchanged',
      allowed: ['open', 'pending_internal', 'pending_closure', 'on_hold', 'closed'],
    });
    expect(checkTransition({ from: 'working', to: 'new', actor: 'lead' })).toMatchObject({
      reason: 'not-allowed',
      detail: 'a case cannot go back to new',
    });
    expect(checkTransition({ from: 'open', to: 'working', actor: 'requester' })).toMatchObject({
      reason: 'not-allowed',
      allowed: ['closed'],
    });
    expect(checkTransition({ from: 'closed', to: 'open', actor: 'lead' })).toMatchObject({
      reason: 'closed',
      allowed: [],
    });
  });

  it('a refusal lists exactly the moves the same actor could make from there', () => {
    fc.assert(
      fc.property(status, status, actor, systemReason, (from, to, who, why) => {
        const outcome = checkTransition({ from, to, actor: who, systemReason: why });
        if (outcome.ok) return;
        const possible = CASE_STATUSES.filter(
          (target) => checkTransition({ from, to: target, actor: who, systemReason: why }).ok,
        );
        expect(outcome.allowed).toEqual(possible);
        expect(outcome.allowed).not.toContain(to);
      }),
    );
  });

  it('the update clock pauses while the case waits (on hold, pending closure) and stops once closed', () => {
    expect(CASE_STATUSES.map((s) => [s, updateClockState(s)])).toEqual([
      ['new', 'running'],
      ['open', 'running'],
      ['working', 'running'],
      ['pending_internal', 'running'],
      ['pending_closure', 'paused'],
      ['on_hold', 'paused'],
      ['closed', 'stopped'],
    ]);
  });
});
