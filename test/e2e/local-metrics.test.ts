import { describe, expect, it } from 'vitest';
import { consumerCase, credential, dataOf, type LocalApi, useLocalApi } from './support/local-api.ts';

let api: LocalApi;
let asAgent: Record<string, string>;

// Monday 30 Nov 2026, 09:00 Pacific: a consumer case suggests level 2 (12 business hours).
useLocalApi(
  (local) => {
    api = local.api;
    asAgent = credential({ token: local.agent });
  },
  { start: new Date('2026-11-30T17:00:00Z') },
);

describe('GET /_local/metrics (issue #6)', () => {
  it('answers the exact backlog and first-response compliance so far, as the dashboard would', async () => {
    const empty = (await api.call('GET', '/_local/metrics')).body;
    expect(empty.backlog).toHaveLength(24);
    expect(empty.backlog.every((r: { count: number }) => r.count === 0)).toBe(true);

    const open = async () => dataOf(await api.client.POST('/cases', { body: consumerCase() }));
    const message = (id: string, body: string) =>
      api.client.POST('/cases/{id}/messages', { params: { path: { id } }, headers: asAgent, body: { body } });
    const move = (id: string, status: 'working' | 'closed') =>
      api.client.POST('/cases/{id}/status', { params: { path: { id } }, headers: asAgent, body: { status } });
    const [a, b, c] = [await open(), await open(), await open()];
    const level = String(a.severity.level);
    // a: answered in time; b: never answered (breaches); c: answered, then closed.
    await api.advance('PT1H');
    await message(a.id, 'Looking');
    await message(c.id, 'Fixed');
    await move(c.id, 'working');
    await move(c.id, 'closed');
    await api.advance('P3D');

    const m = (await api.call('GET', '/_local/metrics')).body;
    const count = (status: string) =>
      m.backlog.find(
        (r: { status: string; level: number }) => r.status === status && String(r.level) === level,
      )?.count;
    expect(count('new')).toBe(2); // a and b: nobody assigned them
    expect(count('working')).toBe(0);
    expect(m.backlog.reduce((s: number, r: { count: number }) => s + r.count, 0)).toBe(2);
    expect(m.casesOpened[level]).toBe(3);
    expect(m.firstResponse[level]).toMatchObject({
      met: 2,
      breached: 1,
      compliancePercent: 66.7,
      timeToFirstResponseMinutes: { p50: 60, p90: 60 },
    });
    expect(m.atRisk[level]).toBe(1);
    // The breach is b's, the case nobody answered.
    const breached = dataOf(
      await api.client.GET('/cases/{id}', { params: { path: { id: b.id } }, headers: asAgent }),
    );
    expect(breached.sla.firstResponse.breachedAt).not.toBeNull();
    // Breached exactly when its first response fell due (level 2: 12 hours after 17:00Z).
    expect(breached.sla.firstResponse.breachedAt).toBe('2026-12-01T05:00:00.000Z');
  });
});
