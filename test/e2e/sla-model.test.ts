import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelAction as action, type ModelAction, runModel } from '../support/sla-model.ts';
import { consumerCase, type LocalApi, useLocalApi } from './support/local-api.ts';

/**
 * The model-based check of docs/service-levels.md through the real local runtime: random API actions and
 * clock moves over HTTP, timers delivered by the local scheduler, against the minute-stepping reference model
 * (test/support/sla-model.ts). Runs follow each other in time, since the clock only moves on.
 */
let api: LocalApi;
let agent: string;
let nextStart = Date.parse('2026-11-23T17:00:00Z');

useLocalApi(
  (local) => {
    api = local.api;
    agent = local.agent;
  },
  { clock: 'manual', start: new Date(nextStart) },
);

describe('SLA events over HTTP against the reference model (property)', () => {
  it('the timeline’s at-risks, breaches and closes equal the model’s', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1, 2, 3),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 36 * 60 }), action), { minLength: 1, maxLength: 8 }),
        async (level, plan) => {
          const start = nextStart;
          const steps: { minute: number; action: ModelAction }[] = [];
          for (const [wait, a] of plan) steps.push({ minute: (steps.at(-1)?.minute ?? 0) + wait, action: a });
          const end = (steps.at(-1)?.minute ?? 0) + 7 * 24 * 60;
          nextStart = start + (end + 24 * 60) * 60_000;
          const at = (minute: number) => new Date(start + minute * 60_000).toISOString();

          await api.call('POST', '/_local/clock', { body: { set: at(0) } });
          const { body: c } = await api.call('POST', '/cases', {
            body: consumerCase({ subject: 'Question', description: 'About my order' }),
          });
          const set = await api.call('PUT', `/cases/${c.id}/severity`, {
            token: agent,
            body: { level, reason: 'start' },
          });
          expect([200, 409]).toContain(set.status);
          for (const { minute, action: a } of steps) {
            await api.call('POST', '/_local/clock', { body: { set: at(minute) } });
            const id = c.id as string;
            if (a.t === 'respond')
              await api.call('POST', `/cases/${id}/messages`, { token: agent, body: { body: 'update' } });
            if (a.t === 'customer')
              await api.call('POST', `/cases/${id}/messages`, {
                caseToken: c.caseToken,
                body: { body: 'news?' },
              });
            if (a.t === 'status')
              await api.call('POST', `/cases/${id}/status`, { token: agent, body: { status: a.to } });
            if (a.t === 'severity')
              await api.call('PUT', `/cases/${id}/severity`, {
                token: agent,
                body: { level: a.level, reason: 'r' },
              });
            if (a.t === 'workaround')
              await api.call('POST', `/cases/${id}/workaround`, { token: agent, body: {} });
          }
          await api.call('POST', '/_local/clock', { body: { set: at(end) } });
          const timeline = await api.call('GET', `/cases/${c.id}/events?limit=100`, { token: agent });
          const actual = (timeline.body.items as { type: string; deadline?: string; at: string }[])
            .filter((e) => e.type === 'sla.at_risk' || e.type === 'sla.breached' || e.type === 'case.closed')
            .map((e) =>
              e.deadline ? { type: e.type, deadline: e.deadline, at: e.at } : { type: e.type, at: e.at },
            );
          expect(actual).toEqual(runModel(start, level as 0 | 1 | 2 | 3, steps, end));
        },
      ),
      { numRuns: 6 },
    );
  }, 240_000);
});
