import { describe, expect, it } from 'vitest';
import { consumerCase, type LocalApi, useLocalApi } from './support/local-api.ts';

let api: LocalApi;
let agent: string;
useLocalApi((started) => {
  ({ api, agent } = started);
});

/** Open cases in the backlog right now (every status but closed, every level). */
async function backlogTotal(): Promise<number> {
  const { body } = await api.call('GET', '/_local/metrics');
  return (body.backlog as { count: number }[]).reduce((sum, row) => sum + row.count, 0);
}

describe('idempotency holds under a race', () => {
  it('two identical creates at the same instant, then a retry 300 ms later, open one case (50 trials)', async () => {
    const TRIALS = 50;
    const before = await backlogTotal();
    const outcomes: { statuses: number[]; ids: Set<string | undefined> }[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const create = () =>
        api.client.POST('/cases', {
          params: { header: { 'Idempotency-Key': `race-${trial}` } },
          body: consumerCase({ subject: `Race ${trial}`, email: `racer${trial}@example.com` }),
        });
      const racing = await Promise.all([create(), create()]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const retry = await create();
      const answers = [...racing, retry];
      outcomes.push({
        statuses: answers.map((a) => a.response.status),
        ids: new Set(answers.filter((a) => a.response.status === 201).map((a) => a.data?.id)),
      });
    }
    // Each trial: every 201 names the same case; a loser of the race may be told to retry (409).
    for (const { statuses, ids } of outcomes) {
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      expect(ids.size).toBe(1);
    }
    // And the store agrees: exactly one case per trial.
    expect((await backlogTotal()) - before).toBe(TRIALS);
    expect(agent).toBeTruthy();
  }, 120_000);
});
