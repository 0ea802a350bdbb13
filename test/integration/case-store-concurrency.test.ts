import { describe, expect, it } from 'vitest';
import type { Case } from '../../shared/domain/case.ts';
import { toInstant } from '../../shared/domain/instant.ts';
import { buildCase, event, opened, readAll, type TestTable, ulid, useTestTable } from './support/store.ts';

let t: TestTable;
useTestTable('concurrency', (table) => {
  t = table;
});

describe('optimistic locking under contention', () => {
  it('loses no write when 50 updaters read, modify and conditionally write one case at once', async () => {
    const { store } = t;
    const c = buildCase();
    expect(await store.create(c, [opened(c)])).toBe(true);
    const writers = 50;
    let stale = 0;
    const appended = await Promise.all(
      Array.from({ length: writers }, async (_, i) => {
        const eventId = ulid();
        for (let attempt = 1; attempt <= 1_000; attempt++) {
          const current = (await store.get(c.id)) as Case;
          const next: Case = {
            ...current,
            description: `${current.description}\n[writer ${i}]`,
            updatedAt: toInstant(Date.parse(current.updatedAt) + 1_000),
            version: current.version + 1,
          };
          const e = event(
            next,
            { type: 'message.posted', visibility: 'internal', body: `writer ${i}`, channel: 'api' },
            eventId,
          );
          const outcome = await store.update(next, current.version, [e]);
          if (outcome.ok) return eventId;
          expect(outcome).toEqual({ ok: false, reason: 'stale' });
          stale++;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        }
        throw new Error(`writer ${i} never got its update in`);
      }),
    );
    const final = (await store.get(c.id)) as Case;
    expect(final.version).toBe(1 + writers);
    for (let i = 0; i < writers; i++) expect(final.description).toContain(`[writer ${i}]`);
    const { items } = await readAll((cursor) => store.listEvents(c.id, { limit: 20, cursor }), 20);
    expect(items).toHaveLength(1 + writers);
    expect(new Set(items.map((e) => e.id))).toEqual(new Set([items[0]?.id, ...appended]));
    // Contention really happened: most writers had to re-read at least once.
    expect(stale).toBeGreaterThan(writers / 2);
    console.log(`50 writers: ${stale} stale attempts retried`);
  });
});
