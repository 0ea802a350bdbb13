import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyTimerPlan, planTimers } from '../../../shared/app/reconcile-timers.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { toInstant } from '../../../shared/domain/instant.ts';
import { recordPublicUpdate, recordSeverityChange, recordStatusChange } from '../../../shared/domain/sla.ts';
import { createSlaPolicy } from '../../../shared/domain/sla-policy.ts';
import { CASE_STATUSES, checkTransition } from '../../../shared/domain/status.ts';
import { desiredTimers } from '../../../shared/domain/timers.ts';
import { newSellerCase } from '../../support/cases.ts';
import { MemoryScheduler } from '../../support/timer-sim.ts';

const policy = createSlaPolicy();
const base = newSellerCase({ subject: 'Webhook delays', description: 'ongoing' }, { number: 'CW-000001' });

describe('timer reconciliation', () => {
  it('a new case sets its first-response timers; closing it cancels them', () => {
    expect(planTimers(null, base, policy).set.map((t) => t.kind)).toEqual([
      'first-response-risk',
      'first-response',
    ]);
    const closed = { ...base, status: 'closed' as const };
    expect(planTimers(base, closed, policy)).toEqual({
      set: [],
      cancel: ['first-response-risk', 'first-response'],
    });
    expect(planTimers(base, base, policy)).toEqual({ set: [], cancel: [] });
  });

  it('applying the plans of any history leaves exactly the final desired timers scheduled (property)', async () => {
    const change = fc.oneof(
      fc.constantFrom(...CASE_STATUSES).map((to) => ({ t: 'status' as const, to })),
      fc.constantFrom(0, 1, 2, 3).map((level) => ({ t: 'level' as const, level: level as 0 | 1 | 2 | 3 })),
      fc.constant({ t: 'update' as const }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(change, fc.integer({ min: 1, max: 3000 })), { maxLength: 20 }),
        async (history) => {
          const scheduler = new MemoryScheduler();
          let c: Case = base;
          let now = Date.parse(base.createdAt);
          await applyTimerPlan(scheduler, c.id, planTimers(null, c, policy));
          for (const [ch, minutes] of history) {
            now += minutes * 60_000;
            const at = toInstant(now);
            let next = c;
            if (ch.t === 'level') next = { ...c, sla: recordSeverityChange(c.sla, ch.level) };
            if (ch.t === 'update' && c.status !== 'closed')
              next = { ...c, sla: recordPublicUpdate(c.sla, at, c.status, policy) };
            if (ch.t === 'status' && checkTransition({ from: c.status, to: ch.to, actor: 'agent' }).ok) {
              next = { ...c, status: ch.to, sla: recordStatusChange(c.sla, c.status, ch.to, at) };
            }
            await applyTimerPlan(scheduler, c.id, planTimers(c, next, policy));
            // A replayed stream record plans the same harmless calls.
            await applyTimerPlan(scheduler, c.id, planTimers(c, next, policy));
            c = next;
            const scheduled = [...scheduler.schedules.values()].map((p) => ({
              kind: p.kind,
              dueAt: p.dueAt,
              window: p.window,
            }));
            expect(scheduled.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual(
              desiredTimers(c, policy).sort((a, b) => a.kind.localeCompare(b.kind)),
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
