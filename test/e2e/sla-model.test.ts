import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelAction as action, type ModelAction, runModel } from '../support/sla-model.ts';
import { consumerCase, credential, dataOf, type LocalApi, useLocalApi } from './support/local-api.ts';

/**
 * The model-based check of docs/service-levels.md through the real local runtime: random API actions and
 * clock moves over HTTP, timers delivered by the local scheduler, against the minute-stepping reference model
 * (test/support/sla-model.ts). Runs follow each other in time, since the clock only moves on.
 */
let api: LocalApi;
let asAgent: Record<string, string>;
let nextStart = Date.parse('2026-11-23T17:00:00Z');

useLocalApi(
  (local) => {
    api = local.api;
    asAgent = credential({ token: local.agent });
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

          const setClock = async (to: string) =>
            expect((await api.call('POST', '/_local/clock', { body: { set: to } })).status).toBe(200);
          await setClock(at(0));
          const c = dataOf(
            await api.client.POST('/cases', {
              body: consumerCase({ subject: 'Question', description: 'About my order' }),
            }),
          );
          const params = { path: { id: c.id } };
          const asBuyer = credential({ caseToken: c.caseToken });
          const set = await api.client.PUT('/cases/{id}/severity', {
            params,
            headers: asAgent,
            body: { level, reason: 'start' },
          });
          expect([200, 409]).toContain(set.response.status);
          for (const { minute, action: a } of steps) {
            await setClock(at(minute));
            let answer: { response: Response } | undefined;
            if (a.t === 'respond')
              answer = await api.client.POST('/cases/{id}/messages', {
                params,
                headers: asAgent,
                body: { body: 'update' },
              });
            if (a.t === 'customer')
              answer = await api.client.POST('/cases/{id}/messages', {
                params,
                headers: asBuyer,
                body: { body: 'news?' },
              });
            if (a.t === 'status')
              answer = await api.client.POST('/cases/{id}/status', {
                params,
                headers: asAgent,
                body: { status: a.to },
              });
            if (a.t === 'severity')
              answer = await api.client.PUT('/cases/{id}/severity', {
                params,
                headers: asAgent,
                body: { level: a.level, reason: 'r' },
              });
            if (a.t === 'workaround')
              answer = await api.client.POST('/cases/{id}/workaround', {
                params,
                headers: asAgent,
                body: {},
              });
            // A move the model also refuses is a 4xx; a fault would make the comparison meaningless.
            expect(answer?.response.status, JSON.stringify(a)).toBeLessThan(500);
          }
          await setClock(at(end));
          const timeline = dataOf(
            await api.client.GET('/cases/{id}/events', {
              params: { ...params, query: { limit: 100 } },
              headers: asAgent,
            }),
          );
          const actual = timeline.items
            .filter((e) => e.type === 'sla.at_risk' || e.type === 'sla.breached' || e.type === 'case.closed')
            .map((e) =>
              e.type === 'case.closed'
                ? { type: e.type, at: e.at }
                : { type: e.type, deadline: e.deadline, at: e.at },
            );
          expect(actual).toEqual(runModel(start, level, steps, end));
        },
      ),
      { numRuns: 6 },
    );
  }, 240_000);
});
