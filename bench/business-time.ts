import { createBusinessCalendar, HOUR_MS } from '../shared/domain/business-time.ts';
import { naiveAddBusinessMinutes } from './naive-business-time.ts';

export interface BenchRow {
  name: string;
  opsPerSecond: number;
  iterations: number;
}

/** Deterministic pseudo-random starts (mulberry32) so runs compare like with like. */
function starts(count: number, seed = 42): Date[] {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const from = Date.UTC(2025, 0, 1);
  const span = Date.UTC(2029, 0, 1) - from;
  return Array.from({ length: count }, () => new Date(Math.floor((from + next() * span) / 60_000) * 60_000));
}

function measure(name: string, budgetMs: number, fn: (i: number) => unknown): BenchRow {
  let iterations = 0;
  const t0 = performance.now();
  let elapsed = 0;
  // Batches grow while calls are quick, so timer reads do not dominate fast code or overshoot slow code.
  let batch = 1;
  while (elapsed < budgetMs) {
    for (let k = 0; k < batch; k++) fn(iterations++);
    elapsed = performance.now() - t0;
    if (batch < 1024 && elapsed / iterations < 0.05) batch *= 2;
  }
  return { name, opsPerSecond: Math.round((iterations / elapsed) * 1000), iterations };
}

/** Business-time additions per second: casewatch's day-walking calendar against naive minute stepping. */
export function benchBusinessTime(budgetMs = 1500): BenchRow[] {
  const sample = starts(4096);
  const rows: BenchRow[] = [];
  for (const hours of [8, 40, 160]) {
    const cal = createBusinessCalendar();
    rows.push(
      measure(`addBusinessHours ${hours}h (casewatch)`, budgetMs, (i) =>
        cal.addBusinessMs(sample[i % sample.length] as Date, hours * HOUR_MS),
      ),
    );
    rows.push(
      measure(`addBusinessHours ${hours}h (naive, minute steps)`, budgetMs, (i) =>
        naiveAddBusinessMinutes(sample[i % sample.length] as Date, hours * 60),
      ),
    );
  }
  return rows;
}
